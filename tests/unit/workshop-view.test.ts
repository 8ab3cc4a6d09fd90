import { describe, expect, it } from "vitest";
import { currentRound, roomGap, roundTallies, shiftRows, visibleRounds, type RoundTally } from "../../app/domain/workshop-view";
import type { Round, StageId, StageState, WorkshopPlan } from "../../app/domain/workshop-stages";

// Ids as wordings keep the rows readable; real ids are slugs (ADR 017).
const withIds = (texts: string[]) => texts.map((text) => ({ id: text, text }));
const PERSPECTIVES = [
  { key: "employee", options: withIds(["Report the record", "Delay and help", "Ask your manager"]) },
  { key: "employer", options: withIds(["Fire", "Warn and retrain", "Back the screener"]) },
];

function row(round: number, perspective: string, optionId: string, judgement: number, count: number) {
  return { round, perspective, optionId, judgement, count };
}

/** The figures of a released tally (these tests pass k = 1 unless they test the release rule). */
function figures(tally: RoundTally | undefined) {
  if (!tally?.released) throw new Error(`expected a released tally, got ${JSON.stringify(tally)}`);
  return tally;
}

describe("roundTallies", () => {
  it("lists each round's perspectives in the order asked for, with the people who answered", () => {
    const rows = [row(2, "employer", "Fire", 1, 2), row(1, "employer", "Fire", 0, 4), row(1, "employee", "Delay and help", 2, 3)];
    const tallies = roundTallies(rows, PERSPECTIVES, [1, 2], 1);
    expect(tallies.map((t) => [t.round, t.perspective, t.released ? t.respondents : "withheld"])).toEqual([
      [1, "employee", 3],
      [1, "employer", 4],
      [2, "employee", "withheld"],
      [2, "employer", 2],
    ]);
  });

  it("counts options in the case's order, keeping options nobody chose at zero", () => {
    const rows = [row(1, "employee", "Ask your manager", 1, 2), row(1, "employee", "Report the record", -2, 5), row(1, "employee", "Ask your manager", 3, 1)];
    const [employeeTally] = roundTallies(rows, PERSPECTIVES.slice(0, 1), [1], 1);
    expect(figures(employeeTally).options).toEqual([
      { id: "Report the record", label: "Report the record", count: 5 },
      { id: "Delay and help", label: "Delay and help", count: 0 },
      { id: "Ask your manager", label: "Ask your manager", count: 3 },
    ]);
  });

  it("appends options the case no longer lists (votes on an older version) after the case's own, once each", () => {
    const rows = [row(1, "employee", "Tell the client", 0, 2), row(1, "employee", "Report the record", 0, 1), row(1, "employee", "Quit", 1, 1), row(1, "employee", "Tell the client", 2, 1)];
    const [employeeTally] = roundTallies(rows, PERSPECTIVES.slice(0, 1), [1], 1);
    expect(figures(employeeTally).options).toEqual([
      { id: "Report the record", label: "Report the record", count: 1 },
      { id: "Delay and help", label: "Delay and help", count: 0 },
      { id: "Ask your manager", label: "Ask your manager", count: 0 },
      { id: "Tell the client", label: "Tell the client", count: 3 },
      { id: "Quit", label: "Quit", count: 1 },
    ]);
    expect(figures(employeeTally).respondents).toBe(5);
  });

  it("counts all seven judgement steps from clearly wrong to clearly right, zeros included", () => {
    const rows = [row(1, "employer", "Fire", -3, 2), row(1, "employer", "Warn and retrain", -3, 1), row(1, "employer", "Fire", 2, 4)];
    const [, employerTally] = roundTallies(rows, PERSPECTIVES, [1], 1);
    expect(figures(employerTally).judgements).toEqual([
      { value: -3, label: "Clearly wrong", count: 3 },
      { value: -2, label: "Mostly wrong", count: 0 },
      { value: -1, label: "Somewhat wrong", count: 0 },
      { value: 0, label: "Torn / neither", count: 0 },
      { value: 1, label: "Somewhat right", count: 0 },
      { value: 2, label: "Mostly right", count: 4 },
      { value: 3, label: "Clearly right", count: 0 },
    ]);
  });

  it("averages judgements over people, not over rows", () => {
    // 3 people at -3 and 1 person at +3: (-9 + 3) / 4 = -1.5.
    const rows = [row(1, "employee", "Report the record", -3, 3), row(1, "employee", "Delay and help", 3, 1)];
    const [employeeTally] = roundTallies(rows, PERSPECTIVES, [1], 1);
    expect(figures(employeeTally).meanJudgement).toBe(-1.5);
  });

  it("withholds a round nobody has answered: which cell it is and the k it waits for, no figure", () => {
    expect(roundTallies([], PERSPECTIVES.slice(0, 1), [1], 1)).toEqual([{ round: 1, perspective: "employee", released: false, k: 1 }]);
  });

  it("withholds every figure of a cell with fewer than k counted voters, and releases it at k", () => {
    const rows = [row(1, "employee", "Report the record", -3, 3), row(1, "employee", "Delay and help", 3, 1), row(1, "employer", "Fire", 2, 5)];
    const [employee, employer] = roundTallies(rows, PERSPECTIVES, [1], 5);
    expect(employee).toEqual({ round: 1, perspective: "employee", released: false, k: 5 });
    expect(figures(employer)).toMatchObject({ released: true, respondents: 5, meanJudgement: 2 });
    expect(figures(roundTallies(rows, PERSPECTIVES, [1], 4)[0])).toMatchObject({ respondents: 4, meanJudgement: -1.5 });
  });

  it("leaves out rounds and perspectives that were not asked for", () => {
    const rows = [row(1, "employee", "Delay and help", 1, 2), row(2, "employee", "Delay and help", 1, 7), row(1, "client", "Sue", 0, 9)];
    const tallies = roundTallies(rows, PERSPECTIVES.slice(0, 1), [1], 1);
    expect(tallies).toHaveLength(1);
    expect(figures(tallies[0]).respondents).toBe(2);
    expect(figures(tallies[0]).options.map((o) => o.label)).not.toContain("Sue");
  });
});

describe("shiftRows", () => {
  it("counts, per perspective, who moved, in which direction and who changed their action", () => {
    const rows = [
      { perspective: "employee", judgementChange: 0, optionChanged: false, count: 4 },
      { perspective: "employee", judgementChange: 2, optionChanged: false, count: 3 },
      { perspective: "employee", judgementChange: -1, optionChanged: true, count: 2 },
      { perspective: "employee", judgementChange: 0, optionChanged: true, count: 1 },
      { perspective: "employer", judgementChange: 1, optionChanged: true, count: 5 },
    ];
    expect(shiftRows(rows, ["employee", "employer"], 5)).toEqual([
      { perspective: "employee", people: 10, moved: 6, towardRight: 3, towardWrong: 2, changedOption: 3, released: true },
      { perspective: "employer", people: 5, moved: 5, towardRight: 5, towardWrong: 0, changedOption: 5, released: true },
    ]);
  });

  it("follows the order of the perspectives given and withholds one fewer than k people answered in both rounds", () => {
    const rows = [
      { perspective: "employee", judgementChange: 1, optionChanged: false, count: 2 },
      { perspective: "employer", judgementChange: 0, optionChanged: false, count: 1 },
    ];
    expect(shiftRows(rows, ["employer", "employee"], 2)).toEqual([
      { perspective: "employer", released: false, k: 2 },
      { perspective: "employee", people: 2, moved: 2, towardRight: 2, towardWrong: 0, changedOption: 0, released: true },
    ]);
  });
});

describe("roomGap", () => {
  const rows = [
    { round: 1, gap: 2, count: 3 },
    { round: 1, gap: -1, count: 1 },
    { round: 2, gap: 0, count: 1 },
    { round: 2, gap: 1, count: 3 },
  ];

  it("is not shown (null) when fewer than k people answered both hats in that round", () => {
    expect(roomGap(rows, 1, 5)).toBeNull();
    expect(roomGap(rows, 2, 5)).toBeNull();
    expect(roomGap([], 1, 1)).toBeNull();
  });

  it("is shown with the people counted and the mean gap once k people answered both hats", () => {
    // Round 1: 3 people at +2 and 1 at -1 → (6 - 1) / 4 = 1.25.
    expect(roomGap(rows, 1, 4)).toEqual({ round: 1, people: 4, meanGap: 1.25 });
    expect(roomGap(rows, 2, 4)).toEqual({ round: 2, people: 4, meanGap: 0.75 });
  });
});

describe("visibleRounds", () => {
  const state = (stage: StageId, revealedRounds: Round[] = []): StageState => ({ stage, votingOpen: stage.startsWith("vote"), revealedRounds });
  const plan = (twoRounds: boolean, resultsMode: "live" | "reveal"): WorkshopPlan => ({ caseStages: 2, twoRounds, resultsMode });

  it("shows the facilitator every round of the plan at every stage", () => {
    for (const stage of ["lobby", "case-1", "vote-1", "discussion", "vote-2", "shift", "ended"] as StageId[]) {
      expect(visibleRounds(state(stage), plan(true, "reveal"), "facilitator")).toEqual([1, 2]);
      expect(visibleRounds(state(stage), plan(true, "live"), "facilitator")).toEqual([1, 2]);
    }
    expect(visibleRounds(state("lobby"), plan(false, "reveal"), "facilitator")).toEqual([1]);
  });

  it("shows the room every round at every stage in live mode", () => {
    expect(visibleRounds(state("lobby"), plan(true, "live"), "room")).toEqual([1, 2]);
    expect(visibleRounds(state("vote-1"), plan(true, "live"), "room")).toEqual([1, 2]);
    expect(visibleRounds(state("vote-1"), plan(false, "live"), "room")).toEqual([1]);
  });

  it("in reveal mode shows the room a round only from its results stage on, or once ended", () => {
    const twoRounds = plan(true, "reveal");
    const expected: [StageId, Round[]][] = [
      ["lobby", []],
      ["case-2", []],
      ["vote-1", []],
      ["results-1", [1]],
      ["discussion", [1]],
      ["vote-2", [1]],
      ["shift", [1, 2]],
      ["ended", [1, 2]],
    ];
    for (const [stage, rounds] of expected) expect(visibleRounds(state(stage), twoRounds, "room"), stage).toEqual(rounds);
    expect(visibleRounds(state("vote-1"), plan(false, "reveal"), "room")).toEqual([]);
    expect(visibleRounds(state("results-1"), plan(false, "reveal"), "room")).toEqual([1]);
  });

  it("in reveal mode shows the room a round the facilitator revealed during its vote", () => {
    expect(visibleRounds(state("vote-1", [1]), plan(true, "reveal"), "room")).toEqual([1]);
    expect(visibleRounds(state("vote-2", [2]), plan(true, "reveal"), "room")).toEqual([1, 2]);
  });

  it("never shows a one-round workshop's room a second round", () => {
    expect(visibleRounds(state("ended"), plan(false, "reveal"), "room")).toEqual([1]);
    expect(visibleRounds(state("ended"), plan(false, "live"), "room")).toEqual([1]);
  });
});

describe("currentRound", () => {
  it("is the round of the vote or results on screen, and none elsewhere", () => {
    const at = (stage: StageId) => currentRound({ stage, votingOpen: false, revealedRounds: [] });
    expect([at("lobby"), at("case-1"), at("vote-1"), at("results-1"), at("discussion"), at("vote-2"), at("shift"), at("ended")]).toEqual([null, null, 1, 1, null, 2, 2, null]);
  });
});
