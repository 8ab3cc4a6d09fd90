import { describe, expect, it } from "vitest";
import {
  applyStageAction,
  caseStageIndex,
  INITIAL_STATE,
  isStageId,
  isVoteStage,
  reachedRoundTwo,
  resultsVisible,
  roleChangeRefusal,
  roundOf,
  stageLabel,
  stageSequence,
  type ResultsMode,
  type Round,
  type StageAction,
  type StageEffect,
  type StageId,
  type StageState,
  type WorkshopPlan,
  textStepOf,
  workshopPlan,
} from "../../app/domain/workshop-stages";

/*
 * The oracle below is written from the design, not from the code: the stage orders are spelled
 * out by hand and each action's rule is one line of the table. The exhaustive tests compare
 * every (plan, state, action) against it.
 */

interface PlanCase {
  name: string;
  plan: WorkshopPlan;
  /** The stages in order, written out by hand ("ended" is reached only by the end action). */
  sequence: StageId[];
  rounds: Round[];
}

const SHAPES: { caseStages: number; twoRounds: boolean; swap?: boolean; steelman?: boolean; rehearsal?: boolean; sequence: StageId[] }[] = [
  { caseStages: 1, twoRounds: false, sequence: ["lobby", "case-1", "vote-1", "results-1", "discussion"] },
  { caseStages: 1, twoRounds: true, sequence: ["lobby", "case-1", "vote-1", "results-1", "discussion", "vote-2", "shift"] },
  { caseStages: 3, twoRounds: false, sequence: ["lobby", "case-1", "case-2", "case-3", "vote-1", "results-1", "discussion"] },
  {
    caseStages: 3,
    twoRounds: true,
    sequence: ["lobby", "case-1", "case-2", "case-3", "vote-1", "results-1", "discussion", "vote-2", "shift"],
  },
  // Role-play with two rounds (ADR 032): the swap and a third vote after the shift summary.
  { caseStages: 2, twoRounds: true, swap: true, sequence: ["lobby", "case-1", "case-2", "vote-1", "results-1", "discussion", "vote-2", "shift", "swap", "vote-3"] },
  // The swap needs two rounds: a one-round plan asking for it has none.
  { caseStages: 1, twoRounds: false, swap: true, sequence: ["lobby", "case-1", "vote-1", "results-1", "discussion"] },
  // Role-play's written steps (ADR 034): after the discussion, each written, rated, then its best shown.
  {
    caseStages: 1,
    twoRounds: true,
    swap: true,
    steelman: true,
    rehearsal: true,
    sequence: [
      "lobby",
      "case-1",
      "vote-1",
      "results-1",
      "discussion",
      "steelman",
      "steelman-rating",
      "steelman-best",
      "rehearsal",
      "rehearsal-rating",
      "rehearsal-best",
      "vote-2",
      "shift",
      "swap",
      "vote-3",
    ],
  },
  // One round and no rehearsal prompt for the room's roles: the steelman step ends the role-play.
  { caseStages: 1, twoRounds: false, steelman: true, sequence: ["lobby", "case-1", "vote-1", "results-1", "discussion", "steelman", "steelman-rating", "steelman-best"] },
];

/** Leaving a rating stage, whichever way, closes rating and asks for its scores' release (ADR 034). */
const RATING_KIND: Partial<Record<StageId, "steelman" | "rehearsal">> = { "steelman-rating": "steelman", "rehearsal-rating": "rehearsal" };
function closing(stage: StageId): StageEffect[] {
  const kind = RATING_KIND[stage];
  return kind ? [{ type: "release-ratings", kind }] : [];
}

const MODES: ResultsMode[] = ["live", "reveal"];

const PLANS: PlanCase[] = SHAPES.flatMap((shape) =>
  MODES.map((resultsMode) => ({
    name: `${shape.caseStages} case stage${shape.caseStages === 1 ? "" : "s"}, ${shape.twoRounds ? "two rounds" : "one round"}${shape.swap ? " with the swap" : ""}${shape.steelman ? " and the steelman" : ""}${shape.rehearsal ? " and the rehearsal" : ""}, ${resultsMode} results`,
    plan: {
      caseStages: shape.caseStages,
      twoRounds: shape.twoRounds,
      resultsMode,
      ...(shape.swap ? { swap: true } : {}),
      ...(shape.steelman ? { steelman: true } : {}),
      ...(shape.rehearsal ? { rehearsal: true } : {}),
    },
    sequence: shape.sequence,
    rounds: shape.twoRounds ? (shape.swap ? [1, 2, 3] : [1, 2]) : [1],
  })),
);

function planNamed(caseStages: number, twoRounds: boolean, resultsMode: ResultsMode): PlanCase {
  return PLANS.find((p) => p.plan.caseStages === caseStages && p.plan.twoRounds === twoRounds && p.plan.resultsMode === resultsMode && !p.plan.swap && !p.plan.steelman)!;
}

const VOTE_ROUND: Partial<Record<StageId, Round>> = { "vote-1": 1, "vote-2": 2, "vote-3": 3 };

type Expected = { ok: false } | { ok: true; state: StageState; effects: StageEffect[] };

interface Context {
  planCase: PlanCase;
  state: StageState;
  /** Where the current stage sits in the hand-written order. */
  index: number;
}

interface Rule {
  allowed: (c: Context) => boolean;
  result: (c: Context) => { state: StageState; effects: StageEffect[] };
}

/** Moving to a stage opens voting exactly when that stage is a vote. */
function entered(c: Context, stage: StageId): { state: StageState; effects: StageEffect[] } {
  return { state: { stage, votingOpen: VOTE_ROUND[stage] !== undefined, revealedRounds: c.state.revealedRounds }, effects: [] };
}

function resetRule(round: Round): Rule {
  return {
    allowed: (c) => c.planCase.rounds.includes(round),
    result: (c) => ({
      state: { ...c.state, revealedRounds: c.state.revealedRounds.filter((r) => r !== round) },
      effects: [{ type: "delete-round-votes", round }],
    }),
  };
}

const ACTIONS: { name: string; action: StageAction }[] = [
  { name: "next", action: { type: "next" } },
  { name: "back", action: { type: "back" } },
  { name: "open-voting", action: { type: "open-voting" } },
  { name: "close-voting", action: { type: "close-voting" } },
  { name: "reveal-results", action: { type: "reveal-results" } },
  { name: "reset-round 1", action: { type: "reset-round", round: 1 } },
  { name: "reset-round 2", action: { type: "reset-round", round: 2 } },
  { name: "reset-round 3", action: { type: "reset-round", round: 3 } },
  { name: "end", action: { type: "end" } },
];

/** The whole machine, one rule per action (before "ended", which refuses everything). */
const RULES: Record<string, Rule> = {
  // Entering the swap passes every role on; leaving it backwards passes them back (ADR 032).
  next: {
    allowed: (c) => c.index < c.planCase.sequence.length - 1,
    result: (c) => {
      const to = c.planCase.sequence[c.index + 1];
      return { ...entered(c, to), effects: to === "swap" ? [{ type: "rotate-roles", steps: 1 }] : closing(c.state.stage) };
    },
  },
  back: {
    allowed: (c) => c.index > 0,
    result: (c) => ({ ...entered(c, c.planCase.sequence[c.index - 1]), effects: c.state.stage === "swap" ? [{ type: "rotate-roles", steps: -1 }] : closing(c.state.stage) }),
  },
  "open-voting": {
    allowed: (c) => VOTE_ROUND[c.state.stage] !== undefined && !c.state.votingOpen,
    result: (c) => ({ state: { ...c.state, votingOpen: true }, effects: [] }),
  },
  "close-voting": { allowed: (c) => c.state.votingOpen, result: (c) => ({ state: { ...c.state, votingOpen: false }, effects: [] }) },
  "reveal-results": {
    allowed: (c) => {
      const round = VOTE_ROUND[c.state.stage];
      return c.planCase.plan.resultsMode === "reveal" && round !== undefined && !c.state.revealedRounds.includes(round);
    },
    result: (c) => {
      const round = VOTE_ROUND[c.state.stage]!;
      return { state: { ...c.state, revealedRounds: ([1, 2, 3] as Round[]).filter((r) => r === round || c.state.revealedRounds.includes(r)) }, effects: [] };
    },
  },
  "reset-round 1": resetRule(1),
  "reset-round 2": resetRule(2),
  "reset-round 3": resetRule(3),
  end: { allowed: () => true, result: (c) => ({ state: { stage: "ended", votingOpen: false, revealedRounds: c.state.revealedRounds }, effects: closing(c.state.stage) }) },
};

function oracle(planCase: PlanCase, state: StageState, actionName: string): Expected {
  if (state.stage === "ended") return { ok: false };
  const c: Context = { planCase, state, index: planCase.sequence.indexOf(state.stage) };
  const rule = RULES[actionName];
  return rule.allowed(c) ? { ok: true, ...rule.result(c) } : { ok: false };
}

function subsets(rounds: Round[]): Round[][] {
  return rounds.reduce<Round[][]>((sets, round) => [...sets, ...sets.map((set) => [...set, round])], [[]]);
}

/** Every state a plan can be in: each stage, voting open or closed, each set of revealed rounds. */
function allStates(planCase: PlanCase): StageState[] {
  const stages: StageId[] = [...planCase.sequence, "ended"];
  return stages.flatMap((stage) => [false, true].flatMap((votingOpen) => subsets(planCase.rounds).map((revealedRounds) => ({ stage, votingOpen, revealedRounds }))));
}

function describeState(state: StageState): string {
  return `${state.stage}, voting ${state.votingOpen ? "open" : "closed"}, revealed [${state.revealedRounds.join(",")}]`;
}

function describeExpected(expected: Expected): string {
  if (!expected.ok) return "is refused";
  const effects = expected.effects.map((e) => `${e.type} ${e.type === "rotate-roles" ? e.steps : e.type === "release-ratings" ? e.kind : e.round}`).join(", ");
  return `goes to ${describeState(expected.state)}${effects ? `, and asks to ${effects}` : ""}`;
}

function frozen(state: StageState): StageState {
  return Object.freeze({ ...state, revealedRounds: Object.freeze([...state.revealedRounds]) as Round[] });
}

describe("applyStageAction, every stage × every action", () => {
  for (const planCase of PLANS) {
    describe(planCase.name, () => {
      for (const state of allStates(planCase)) {
        describe(`from ${describeState(state)}`, () => {
          for (const { name, action } of ACTIONS) {
            const expected = oracle(planCase, state, name);
            it(`${name} ${describeExpected(expected)}`, () => {
              const before = frozen(state);
              const result = applyStageAction(before, action, planCase.plan);
              if (expected.ok) {
                expect(result).toEqual({ ok: true, state: expected.state, effects: expected.effects });
              } else {
                expect(result.ok).toBe(false);
                expect(result.ok === false && result.reason.length).toBeGreaterThan(0);
              }
              expect(before).toEqual(state);
            });
          }
        });
      }
    });
  }
});

describe("applyStageAction, the facilitator's path", () => {
  it("walks a three-part, two-round workshop from the lobby to the end with next alone", () => {
    const { plan } = planNamed(3, true, "reveal");
    const visited: string[] = [];
    let state = INITIAL_STATE;
    for (;;) {
      visited.push(`${state.stage}${state.votingOpen ? " (voting)" : ""}`);
      const result = applyStageAction(state, { type: "next" }, plan);
      if (!result.ok) {
        expect(result.reason).toBe("This is the last stage. End the workshop to finish.");
        break;
      }
      state = result.state;
    }
    expect(visited).toEqual(["lobby", "case-1", "case-2", "case-3", "vote-1 (voting)", "results-1", "discussion", "vote-2 (voting)", "shift"]);
    const ended = applyStageAction(state, { type: "end" }, plan);
    expect(ended).toEqual({ ok: true, state: { stage: "ended", votingOpen: false, revealedRounds: [] }, effects: [] });
  });

  it("starts in the lobby with voting closed and nothing revealed", () => {
    expect(INITIAL_STATE).toEqual({ stage: "lobby", votingOpen: false, revealedRounds: [] });
  });

  it("opens voting on entering a vote stage, from either side, and closes it on leaving", () => {
    const { plan } = planNamed(3, true, "live");
    const step = (stage: StageId, votingOpen: boolean, type: "next" | "back") => {
      const result = applyStageAction({ stage, votingOpen, revealedRounds: [] }, { type }, plan);
      if (!result.ok) throw new Error(result.reason);
      return { stage: result.state.stage, votingOpen: result.state.votingOpen };
    };
    expect(step("case-3", false, "next")).toEqual({ stage: "vote-1", votingOpen: true });
    expect(step("results-1", false, "back")).toEqual({ stage: "vote-1", votingOpen: true });
    expect(step("vote-1", true, "next")).toEqual({ stage: "results-1", votingOpen: false });
    expect(step("vote-1", true, "back")).toEqual({ stage: "case-3", votingOpen: false });
    expect(step("discussion", false, "next")).toEqual({ stage: "vote-2", votingOpen: true });
    expect(step("shift", false, "back")).toEqual({ stage: "vote-2", votingOpen: true });
    expect(step("vote-2", true, "next")).toEqual({ stage: "shift", votingOpen: false });
    expect(step("vote-2", true, "back")).toEqual({ stage: "discussion", votingOpen: false });
  });

  it("keeps voting closed on a vote stage the facilitator closed, and lets them reopen it", () => {
    const { plan } = planNamed(1, false, "live");
    const closed = applyStageAction({ stage: "vote-1", votingOpen: true, revealedRounds: [] }, { type: "close-voting" }, plan);
    expect(closed).toEqual({ ok: true, state: { stage: "vote-1", votingOpen: false, revealedRounds: [] }, effects: [] });
    const reopened = applyStageAction({ stage: "vote-1", votingOpen: false, revealedRounds: [] }, { type: "open-voting" }, plan);
    expect(reopened).toEqual({ ok: true, state: { stage: "vote-1", votingOpen: true, revealedRounds: [] }, effects: [] });
  });

  it("refuses every action once the workshop has ended, saying so", () => {
    for (const { plan } of PLANS) {
      for (const { action } of ACTIONS) {
        const result = applyStageAction({ stage: "ended", votingOpen: false, revealedRounds: [1] }, action, plan);
        expect(result).toEqual({ ok: false, reason: "This workshop has ended; it can no longer change." });
      }
    }
  });

  it("refuses to act on a stage the plan does not have (a stored state from a longer case)", () => {
    const { plan } = planNamed(1, false, "live");
    for (const stage of ["case-2", "vote-2", "shift"] as StageId[]) {
      expect(applyStageAction({ stage, votingOpen: false, revealedRounds: [] }, { type: "next" }, plan)).toEqual({
        ok: false,
        reason: `Unknown stage "${stage}".`,
      });
    }
  });

  it("resetting a round asks for that round's votes to be deleted and hides its early reveal again", () => {
    const { plan } = planNamed(3, true, "reveal");
    const state: StageState = { stage: "vote-2", votingOpen: true, revealedRounds: [1, 2] };
    expect(applyStageAction(state, { type: "reset-round", round: 2 }, plan)).toEqual({
      ok: true,
      state: { stage: "vote-2", votingOpen: true, revealedRounds: [1] },
      effects: [{ type: "delete-round-votes", round: 2 }],
    });
    expect(applyStageAction(state, { type: "reset-round", round: 1 }, plan)).toEqual({
      ok: true,
      state: { stage: "vote-2", votingOpen: true, revealedRounds: [2] },
      effects: [{ type: "delete-round-votes", round: 1 }],
    });
  });

  it("refuses to reset a second round in a one-round workshop", () => {
    const { plan } = planNamed(1, false, "reveal");
    expect(applyStageAction({ stage: "vote-1", votingOpen: true, revealedRounds: [] }, { type: "reset-round", round: 2 }, plan)).toEqual({
      ok: false,
      reason: "This workshop has only one round.",
    });
  });

  it("refuses to reveal results in a live workshop, where they are always shown", () => {
    const { plan } = planNamed(1, false, "live");
    expect(applyStageAction({ stage: "vote-1", votingOpen: true, revealedRounds: [] }, { type: "reveal-results" }, plan)).toEqual({
      ok: false,
      reason: "This workshop shows results live; there is nothing to reveal.",
    });
  });

  it("reveals a round's results during its vote, once", () => {
    const { plan } = planNamed(1, true, "reveal");
    const revealed = applyStageAction({ stage: "vote-2", votingOpen: true, revealedRounds: [] }, { type: "reveal-results" }, plan);
    expect(revealed).toEqual({ ok: true, state: { stage: "vote-2", votingOpen: true, revealedRounds: [2] }, effects: [] });
    const again = applyStageAction({ stage: "vote-2", votingOpen: true, revealedRounds: [2] }, { type: "reveal-results" }, plan);
    expect(again).toEqual({ ok: false, reason: "These results are already revealed." });
  });

  it("keeps revealed rounds in round order whatever order they were revealed in", () => {
    const { plan } = planNamed(1, true, "reveal");
    const result = applyStageAction({ stage: "vote-1", votingOpen: true, revealedRounds: [2] }, { type: "reveal-results" }, plan);
    expect(result.ok && result.state.revealedRounds).toEqual([1, 2]);
  });
});

describe("applyStageAction, a move that says where it starts (ADR 016)", () => {
  const { plan } = planNamed(3, true, "live");
  const at = (stage: StageId, votingOpen = false): StageState => ({ stage, votingOpen, revealedRounds: [] });

  it("moves as usual from the stage it names", () => {
    expect(applyStageAction(at("case-3"), { type: "next", from: "case-3" }, plan)).toEqual({ ok: true, state: at("vote-1", true), effects: [] });
    expect(applyStageAction(at("case-3"), { type: "back", from: "case-3" }, plan)).toEqual({ ok: true, state: at("case-2"), effects: [] });
  });

  it("answers a repeat, which finds the workshop where the move leads, as done and changes nothing", () => {
    for (const { stage, type, from } of [
      { stage: "vote-1", type: "next", from: "case-3" },
      { stage: "case-2", type: "back", from: "case-3" },
      { stage: "case-1", type: "next", from: "lobby" },
    ] as const) {
      const current = at(stage, stage === "vote-1");
      expect(applyStageAction(current, { type, from }, plan)).toEqual({ ok: true, state: current, effects: [], already: true });
    }
  });

  it("refuses a move from a stage the workshop has left for anywhere else", () => {
    for (const [stage, type, from] of [
      ["case-3", "next", "lobby"],
      ["lobby", "next", "case-1"],
      ["case-2", "next", "case-2x"],
      ["discussion", "back", "discussion-old"],
      ["case-1", "back", "case-1x"],
    ] as const) {
      const result = applyStageAction(at(stage), { type, from: from as StageId }, plan);
      expect(result.ok, `${type} from ${from} on ${stage}`).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/moved on since this page showed it, so nothing changed/);
    }
  });

  it("still refuses a move past either end, and any move once ended", () => {
    expect(applyStageAction(at("shift"), { type: "next", from: "shift" }, plan)).toEqual({ ok: false, reason: "This is the last stage. End the workshop to finish." });
    expect(applyStageAction(at("ended"), { type: "next", from: "shift" }, plan)).toEqual({ ok: false, reason: "This workshop has ended; it can no longer change." });
  });
});

describe("stageSequence", () => {
  for (const { plan, sequence, name } of PLANS) {
    it(`lists the lobby, the case parts, the votes, results and discussion in order (${name})`, () => {
      expect(stageSequence(plan)).toEqual(sequence);
    });
  }

  it("never includes ended, which only the end action reaches", () => {
    for (const { plan } of PLANS) expect(stageSequence(plan)).not.toContain("ended");
  });
});

describe("reachedRoundTwo", () => {
  it("holds from round 2's vote on, and at the end, in every plan with two rounds; never in one round", () => {
    for (const { plan, sequence, name } of PLANS) {
      const vote2 = sequence.indexOf("vote-2");
      for (const [i, stage] of sequence.entries()) expect(reachedRoundTwo(stage, plan), `${name} at ${stage}`).toBe(plan.twoRounds && i >= vote2);
      expect(reachedRoundTwo("ended", plan), name).toBe(plan.twoRounds);
      expect(vote2 === -1).toBe(!plan.twoRounds);
    }
  });
});

describe("isStageId", () => {
  it("accepts every stage of the plan and ended", () => {
    for (const { plan, sequence } of PLANS) {
      for (const stage of [...sequence, "ended"]) expect(isStageId(stage, plan)).toBe(true);
    }
  });

  it("rejects case parts beyond the case's stages and numbering from zero", () => {
    const { plan } = planNamed(3, true, "live");
    expect(isStageId("case-4", plan)).toBe(false);
    expect(isStageId("case-0", plan)).toBe(false);
    expect(isStageId("case-01", plan)).toBe(false);
  });

  it("rejects the second round's stages in a one-round plan", () => {
    const { plan } = planNamed(3, false, "live");
    expect(isStageId("vote-2", plan)).toBe(false);
    expect(isStageId("shift", plan)).toBe(false);
  });

  it("rejects anything else, including different capitalisation", () => {
    const { plan } = planNamed(1, true, "live");
    for (const value of ["", "Lobby", "vote", "results-2", "case-", "end"]) expect(isStageId(value, plan)).toBe(false);
  });
});

describe("roundOf, isVoteStage and caseStageIndex", () => {
  const table: { stage: StageId; round: Round | null; vote: boolean; caseIndex: number | null }[] = [
    { stage: "lobby", round: null, vote: false, caseIndex: null },
    { stage: "case-1", round: null, vote: false, caseIndex: 1 },
    { stage: "case-3", round: null, vote: false, caseIndex: 3 },
    { stage: "case-12", round: null, vote: false, caseIndex: 12 },
    { stage: "vote-1", round: 1, vote: true, caseIndex: null },
    { stage: "results-1", round: 1, vote: false, caseIndex: null },
    { stage: "discussion", round: null, vote: false, caseIndex: null },
    { stage: "swap", round: null, vote: false, caseIndex: null },
    { stage: "steelman", round: null, vote: false, caseIndex: null },
    { stage: "steelman-rating", round: null, vote: false, caseIndex: null },
    { stage: "rehearsal-best", round: null, vote: false, caseIndex: null },
    { stage: "vote-3", round: 3, vote: true, caseIndex: null },
    { stage: "vote-2", round: 2, vote: true, caseIndex: null },
    { stage: "shift", round: 2, vote: false, caseIndex: null },
    { stage: "ended", round: null, vote: false, caseIndex: null },
  ];
  for (const row of table) {
    it(`${row.stage}: belongs to ${row.round === null ? "no round" : `round ${row.round}`}, ${row.vote ? "is" : "is not"} a vote, case part ${row.caseIndex ?? "none"}`, () => {
      expect(roundOf(row.stage)).toBe(row.round);
      expect(isVoteStage(row.stage)).toBe(row.vote);
      expect(caseStageIndex(row.stage)).toBe(row.caseIndex);
    });
  }
});

describe("resultsVisible", () => {
  /** Reveal mode, nothing revealed early: where each round's results become public, by hand. */
  const PUBLIC_AT: Record<Round, StageId[]> = {
    1: ["results-1", "discussion", "steelman", "steelman-rating", "steelman-best", "rehearsal", "rehearsal-rating", "rehearsal-best", "vote-2", "shift", "swap", "vote-3", "ended"],
    2: ["shift", "swap", "vote-3", "ended"],
    3: ["ended"],
  };

  for (const planCase of PLANS) {
    for (const state of allStates(planCase)) {
      for (const round of planCase.rounds) {
        const visible = planCase.plan.resultsMode === "live" || state.revealedRounds.includes(round) || PUBLIC_AT[round].includes(state.stage);
        it(`${planCase.name}: round ${round} results are ${visible ? "shown" : "hidden"} at ${describeState(state)}`, () => {
          expect(resultsVisible(state, planCase.plan, round)).toBe(visible);
        });
      }
    }
  }

  it("hides a round in reveal mode during its own vote until the facilitator reveals it", () => {
    const { plan } = planNamed(3, true, "reveal");
    const voting: StageState = { stage: "vote-1", votingOpen: true, revealedRounds: [] };
    expect(resultsVisible(voting, plan, 1)).toBe(false);
    const result = applyStageAction(voting, { type: "reveal-results" }, plan);
    expect(result.ok && resultsVisible(result.state, plan, 1)).toBe(true);
  });

  it("hides a round again in reveal mode after it is reset before its results stage", () => {
    const { plan } = planNamed(3, true, "reveal");
    const result = applyStageAction({ stage: "vote-2", votingOpen: true, revealedRounds: [2] }, { type: "reset-round", round: 2 }, plan);
    expect(result.ok && resultsVisible(result.state, plan, 2)).toBe(false);
  });
});

describe("stageLabel", () => {
  const titles = ["The request", "What he did", "The outcome"];

  it("names a case part by its number, the number of parts and its title", () => {
    expect(stageLabel("case-1", titles)).toBe("Case, part 1 of 3: \u2068The request\u2069");
    expect(stageLabel("case-3", titles)).toBe("Case, part 3 of 3: \u2068The outcome\u2069");
    expect(stageLabel("case-1", ["Only part"])).toBe("Case, part 1 of 1: \u2068Only part\u2069");
  });

  it("names every other stage in words", () => {
    expect(stageLabel("lobby", titles)).toBe("Lobby: people are joining");
    expect(stageLabel("vote-1", titles)).toBe("Vote, round 1");
    expect(stageLabel("results-1", titles)).toBe("Results, round 1");
    expect(stageLabel("discussion", titles)).toBe("Discussion");
    expect(stageLabel("vote-2", titles)).toBe("Vote, round 2");
    expect(stageLabel("shift", titles)).toBe("How the room moved");
    expect(stageLabel("ended", titles)).toBe("Ended");
    expect(stageLabel("steelman", titles)).toBe("Steelman: make the other side's best case");
    expect(stageLabel("steelman-rating", titles)).toBe("Steelman: rate how fair they are to you");
    expect(stageLabel("rehearsal", titles)).toBe("Rehearsal: write what you would say");
  });

  it("names every stage in words in a list, where the case's stage titles are not at hand", () => {
    const everyStage: StageId[] = [...stageSequence({ caseStages: 3, twoRounds: true, resultsMode: "live", swap: true, steelman: true, rehearsal: true }), "ended"];
    for (const stage of everyStage) {
      const label = stageLabel(stage);
      expect(label, stage).not.toBe(stage);
      expect(label, stage).toMatch(/^[A-Z]/);
    }
    expect(stageLabel("case-2")).toBe("Case, part 2");
  });
});

describe("workshopPlan (ADR 034)", () => {
  const doc = (rehearsals: { perspective: string; prompt: string }[]) => ({ stages: [1, 2, 3], rehearsals });
  const roles = ["employee", "employer"];

  it("gives a role-play room the steelman step, and the rehearsal step only when every role of the room has a rehearsal prompt", () => {
    const both = doc([
      { perspective: "employee", prompt: "What do you say?" },
      { perspective: "employer", prompt: "And you?" },
    ]);
    expect(workshopPlan({ roles, twoRounds: true, resultsMode: "live" }, both)).toEqual({ caseStages: 3, twoRounds: true, resultsMode: "live", swap: true, steelman: true, rehearsal: true });
    expect(workshopPlan({ roles, twoRounds: false, resultsMode: "live" }, doc([{ perspective: "employee", prompt: "What do you say?" }])).rehearsal).toBe(false);
    expect(
      workshopPlan(
        { roles, twoRounds: false, resultsMode: "live" },
        doc([
          { perspective: "employee", prompt: "x" },
          { perspective: "employer", prompt: "  " },
        ]),
      ).rehearsal,
    ).toBe(false);
  });

  it("gives an ordinary workshop neither step, whatever its case holds", () => {
    const plan = workshopPlan({ roles: null, twoRounds: true, resultsMode: "reveal" }, doc([{ perspective: "employee", prompt: "x" }]));
    expect(plan).toMatchObject({ swap: false, steelman: false, rehearsal: false });
    expect(stageSequence(plan)).not.toContain("steelman");
  });

  it("names each written step's stages by kind and part", () => {
    expect(textStepOf("steelman")).toEqual({ kind: "steelman", part: "write" });
    expect(textStepOf("rehearsal-rating")).toEqual({ kind: "rehearsal", part: "rate" });
    expect(textStepOf("steelman-best")).toEqual({ kind: "steelman", part: "best" });
    expect(textStepOf("discussion")).toBeNull();
  });
});

describe("roleChangeRefusal", () => {
  it("fixes the roles while a written step is written or rated, and only then", () => {
    const plan: WorkshopPlan = { caseStages: 2, twoRounds: true, resultsMode: "live", swap: true, steelman: true, rehearsal: true };
    const frozen = stageSequence(plan).filter((stage) => roleChangeRefusal(stage) !== null);
    expect(frozen).toEqual(["steelman", "steelman-rating", "rehearsal", "rehearsal-rating"]);
    expect(roleChangeRefusal("rehearsal-rating")).toMatch(/rates rehearsal lines/);
  });
});
