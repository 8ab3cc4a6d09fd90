/**
 * The live workshop's stage machine: lobby → case stages → vote (round 1) → results →
 * discussion → vote (round 2) → shift summary, then ended; a role-play workshop with two rounds
 * goes on from the shift summary to the swap (every role passes to the other side) and a third
 * vote (ADR 032). Pure: a state and an action in, the next state (and what the database must do
 * about it) or a refusal out.
 */
import { isolate } from "./bidi";

export type StageId = "lobby" | `case-${number}` | "vote-1" | "results-1" | "discussion" | TextStepStage | "vote-2" | "shift" | "swap" | "vote-3" | "ended";

/**
 * A role-play's written steps (ADR 034): each is written ("steelman"), then rated by the other
 * side ("steelman-rating"), then its best shown ("steelman-best"), the same for "rehearsal".
 */
export type TextKind = "steelman" | "rehearsal";
export type TextStepStage = TextKind | `${TextKind}-rating` | `${TextKind}-best`;
export const TEXT_KINDS = ["steelman", "rehearsal"] as const satisfies readonly TextKind[];
export type ResultsMode = "live" | "reveal";
/** A vote round: 1 and 2 in every two-round workshop, 3 (after the swap) in role-play ones (ADR 032). */
export type Round = 1 | 2 | 3;

export interface WorkshopPlan {
  /** How many `## Stage:` sections the case reveals. */
  caseStages: number;
  /** A vote before discussion and again after it. */
  twoRounds: boolean;
  resultsMode: ResultsMode;
  /**
   * Role-play with two rounds (ADR 032): after the shift summary the roles swap ("swap") and the
   * room answers a third time ("vote-3"). Left out: false.
   */
  swap?: boolean;
  /** Role-play (ADR 034): the steelman step (write, rate, best) after the discussion. Left out: false. */
  steelman?: boolean;
  /** Role-play on a case with a rehearsal prompt for every role of the room (ADR 034): the rehearsal step after the steelman. */
  rehearsal?: boolean;
}

/**
 * A workshop's plan from its settings and its case version: role-play rooms (they have roles)
 * get the steelman step, the rehearsal step when the case has a rehearsal prompt for each of the
 * room's roles, and with two rounds the swap (ADR 032, 034).
 */
export function workshopPlan(
  workshop: { roles: readonly string[] | null; twoRounds: boolean; resultsMode: ResultsMode },
  doc: { stages: readonly unknown[]; rehearsals: readonly { perspective: string; prompt: string }[] },
): WorkshopPlan {
  const roles = workshop.roles;
  return {
    caseStages: doc.stages.length,
    twoRounds: workshop.twoRounds,
    resultsMode: workshop.resultsMode,
    swap: hasSwap(workshop),
    steelman: roles !== null,
    rehearsal: roles !== null && roles.length > 0 && roles.every((role) => doc.rehearsals.some((r) => r.perspective === role && r.prompt.trim() !== "")),
  };
}

/** The kind and part of a written step's stage ("write", "rate", "best"), or null for any other stage. */
export function textStepOf(stage: StageId): { kind: TextKind; part: "write" | "rate" | "best" } | null {
  for (const kind of TEXT_KINDS) {
    if (stage === kind) return { kind, part: "write" };
    if (stage === `${kind}-rating`) return { kind, part: "rate" };
    if (stage === `${kind}-best`) return { kind, part: "best" };
  }
  return null;
}

/**
 * Why the room's roles may not change at this stage (assigning again, moving a person), or null.
 * While a written step (ADR 034) is written or rated, a person's role decides which texts they
 * rate: a move in the middle would let one person rate both sides' texts. Before the step and
 * once its rating has closed ("best"), roles may change.
 */
export function roleChangeRefusal(stage: StageId): string | null {
  const step = textStepOf(stage);
  if (!step || step.part === "best") return null;
  const texts = step.kind === "steelman" ? "steelmen" : "rehearsal lines";
  return `Roles cannot change while the room ${step.part === "write" ? "writes" : "rates"} ${texts}: each person rates the texts written for their role. Move people before the step, or once rating has closed.`;
}

/** Whether a workshop's plan has the swap and the third round: role-play (it has roles) with two rounds (ADR 032). */
export function hasSwap(workshop: { roles: readonly string[] | null; twoRounds: boolean }): boolean {
  return workshop.roles !== null && workshop.twoRounds;
}

export interface StageState {
  stage: StageId;
  votingOpen: boolean;
  /** Rounds whose results the facilitator revealed early (reveal mode). */
  revealedRounds: Round[];
}

/**
 * `from` on a move: the stage the facilitator's page showed when they moved on. A move states
 * where it starts, so a repeat (a double click, a retry, a second tab) is recognised by the
 * state it finds rather than applied again (ADR 016, "Stage moves").
 */
export type StageAction =
  | { type: "next"; from?: StageId }
  | { type: "back"; from?: StageId }
  | { type: "open-voting" }
  | { type: "close-voting" }
  | { type: "reveal-results" }
  | { type: "reset-round"; round: Round }
  | { type: "end" };

/**
 * Work the caller must do in the database alongside the new state: delete a round's votes, or
 * pass every participant's role on by `steps` places in the room's roles (1 entering the swap,
 * −1 going back from it: ADR 032).
 */
export type StageEffect = { type: "delete-round-votes"; round: Round } | { type: "rotate-roles"; steps: 1 | -1 } | { type: "release-ratings"; kind: TextKind };

/**
 * Leaving a rating stage, by any move or the end, closes its rating: its texts' scores are
 * released then, under the k rules (ADR 034), never while people rate.
 */
function closingEffects(stage: StageId): StageEffect[] {
  const step = textStepOf(stage);
  return step?.part === "rate" ? [{ type: "release-ratings", kind: step.kind }] : [];
}

/**
 * `already`: the move was made before (the workshop is where a move from `from` leads), so
 * nothing changes: `state` is the current one and there are no effects.
 */
export type Transition = { ok: true; state: StageState; effects: StageEffect[]; already?: true } | { ok: false; reason: string };

export const INITIAL_STATE: StageState = { stage: "lobby", votingOpen: false, revealedRounds: [] };

/**
 * Whether the room is at round 2's vote or past it (or has ended): only then can anyone have
 * answered twice, so before it there is no shift to read (a room taken back before round 2 waits
 * until it reaches it again). False in a one-round workshop.
 */
export function reachedRoundTwo(stage: StageId, plan: WorkshopPlan): boolean {
  if (!plan.twoRounds) return false;
  if (stage === "ended") return true;
  const order = stageSequence(plan);
  return order.indexOf(stage) >= order.indexOf("vote-2");
}

/** Every stage in order, excluding "ended", which only the end action reaches. */
export function stageSequence(plan: WorkshopPlan): StageId[] {
  const caseStages = Array.from({ length: plan.caseStages }, (_, i) => `case-${i + 1}` as StageId);
  const swap: StageId[] = plan.twoRounds && plan.swap ? ["swap", "vote-3"] : [];
  const steps = TEXT_KINDS.filter((kind) => plan[kind]).flatMap((kind): StageId[] => [kind, `${kind}-rating`, `${kind}-best`]);
  return ["lobby", ...caseStages, "vote-1", "results-1", "discussion", ...steps, ...(plan.twoRounds ? (["vote-2", "shift"] as StageId[]) : []), ...swap];
}

export function isStageId(value: string, plan: WorkshopPlan): value is StageId {
  return value === "ended" || stageSequence(plan).includes(value as StageId);
}

/** The round a stage belongs to: its vote, its results, and the shift summary after round 2. */
export function roundOf(stage: StageId): Round | null {
  if (stage === "vote-1" || stage === "results-1") return 1;
  if (stage === "vote-2" || stage === "shift") return 2;
  if (stage === "vote-3") return 3;
  return null;
}

export function isVoteStage(stage: StageId): stage is "vote-1" | "vote-2" | "vote-3" {
  return stage === "vote-1" || stage === "vote-2" || stage === "vote-3";
}

/** The rounds a plan has: [1], [1, 2], or [1, 2, 3] with the swap (ADR 032). */
export function planRounds(plan: Pick<WorkshopPlan, "twoRounds" | "swap">): Round[] {
  if (!plan.twoRounds) return [1];
  return plan.swap ? [1, 2, 3] : [1, 2];
}

export function caseStageIndex(stage: StageId): number | null {
  const match = /^case-(\d+)$/.exec(stage);
  return match ? Number(match[1]) : null;
}

/** Whether the room (projector and phones) may see a round's tallies now. */
export function resultsVisible(state: StageState, plan: WorkshopPlan, round: Round): boolean {
  if (plan.resultsMode === "live" || state.revealedRounds.includes(round)) return true;
  const order = stageSequence(plan);
  if (state.stage === "ended") return true;
  // Round 3 (after the swap) has no results stage of its own: its results are public at the end.
  if (round === 3) return false;
  const resultsStage: StageId = round === 1 ? "results-1" : "shift";
  // Once the workshop has reached a round's results stage, or moved past it, they are public.
  return order.indexOf(state.stage) >= order.indexOf(resultsStage);
}

function enter(stage: StageId, state: StageState): StageState {
  return { ...state, stage, votingOpen: isVoteStage(stage) };
}

export function applyStageAction(state: StageState, action: StageAction, plan: WorkshopPlan): Transition {
  if (state.stage === "ended") return { ok: false, reason: "This workshop has ended; it can no longer change." };
  const order = stageSequence(plan);
  const position = order.indexOf(state.stage);
  if (position === -1) return { ok: false, reason: `Unknown stage "${state.stage}".` };

  if ((action.type === "next" || action.type === "back") && action.from !== undefined && action.from !== state.stage) {
    return movedSince(state, action.type, action.from, order);
  }

  switch (action.type) {
    case "next": {
      const next = order[position + 1];
      if (!next) return { ok: false, reason: "This is the last stage. End the workshop to finish." };
      // Entering the swap passes every role on to the other side (ADR 032).
      return { ok: true, state: enter(next, state), effects: next === "swap" ? [{ type: "rotate-roles", steps: 1 }] : closingEffects(state.stage) };
    }
    case "back": {
      const previous = order[position - 1];
      if (!previous) return { ok: false, reason: "This is the first stage." };
      // Going back from the swap gives everyone their role before it again.
      return { ok: true, state: enter(previous, state), effects: state.stage === "swap" ? [{ type: "rotate-roles", steps: -1 }] : closingEffects(state.stage) };
    }
    case "open-voting":
      if (!isVoteStage(state.stage)) return { ok: false, reason: "Voting can only be opened on a vote stage." };
      if (state.votingOpen) return { ok: false, reason: "Voting is already open." };
      return { ok: true, state: { ...state, votingOpen: true }, effects: [] };
    case "close-voting":
      if (!state.votingOpen) return { ok: false, reason: "Voting is not open." };
      return { ok: true, state: { ...state, votingOpen: false }, effects: [] };
    case "reveal-results": {
      const round = roundOf(state.stage);
      if (plan.resultsMode === "live") return { ok: false, reason: "This workshop shows results live; there is nothing to reveal." };
      if (round === null || !isVoteStage(state.stage)) return { ok: false, reason: "Results can be revealed during a vote." };
      if (state.revealedRounds.includes(round)) return { ok: false, reason: "These results are already revealed." };
      return { ok: true, state: { ...state, revealedRounds: [...state.revealedRounds, round].sort() as Round[] }, effects: [] };
    }
    case "reset-round": {
      if (!planRounds(plan).includes(action.round)) return { ok: false, reason: plan.twoRounds ? "This workshop has no round 3." : "This workshop has only one round." };
      const next: StageState = { ...state, revealedRounds: state.revealedRounds.filter((r) => r !== action.round) };
      return { ok: true, state: next, effects: [{ type: "delete-round-votes", round: action.round }] };
    }
    case "end":
      return { ok: true, state: { stage: "ended", votingOpen: false, revealedRounds: state.revealedRounds }, effects: closingEffects(state.stage) };
  }
}

/**
 * A move from a stage the workshop is no longer on: made already when the workshop is where that
 * move leads (answered as done, changing nothing); refused when it has gone elsewhere since, as
 * the facilitator meant to move from somewhere else.
 */
function movedSince(state: StageState, direction: "next" | "back", from: StageId, order: StageId[]): Transition {
  const start = order.indexOf(from);
  const leadsTo = start === -1 ? undefined : order[start + (direction === "next" ? 1 : -1)];
  if (leadsTo === state.stage) return { ok: true, state, effects: [], already: true };
  return { ok: false, reason: "The workshop has moved on since this page showed it, so nothing changed." };
}

/**
 * A stage's name for people, from one table: "Vote, round 1", "Case, part 1 of 3: The request"
 * (the case's stage title isolated, as it is shown as plain text). Without the case's stage
 * titles (a list of workshops) a case part is "Case, part 1".
 */
export function stageLabel(stage: StageId, caseStageTitles?: readonly string[]): string {
  const caseIndex = caseStageIndex(stage);
  if (caseIndex !== null) {
    return caseStageTitles ? `Case, part ${caseIndex} of ${caseStageTitles.length}: ${isolate(caseStageTitles[caseIndex - 1] ?? "")}` : `Case, part ${caseIndex}`;
  }
  return STAGE_LABELS[stage as Exclude<StageId, `case-${number}`>] ?? stage;
}

/** Every stage but a case part, in words: typed so a new stage cannot go without a name. */
const STAGE_LABELS: Record<Exclude<StageId, `case-${number}`>, string> = {
  lobby: "Lobby: people are joining",
  "vote-1": "Vote, round 1",
  "results-1": "Results, round 1",
  discussion: "Discussion",
  steelman: "Steelman: make the other side's best case",
  "steelman-rating": "Steelman: rate how fair they are to you",
  "steelman-best": "Steelman: the fairest to the other side",
  rehearsal: "Rehearsal: write what you would say",
  "rehearsal-rating": "Rehearsal: rate the other side's lines",
  "rehearsal-best": "Rehearsal: the best lines",
  "vote-2": "Vote, round 2",
  shift: "How the room moved",
  swap: "Roles swapped: play the other side",
  "vote-3": "Vote, round 3 (after the swap)",
  ended: "Ended",
};
