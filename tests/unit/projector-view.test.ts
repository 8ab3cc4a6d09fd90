import { describe, expect, it } from "vitest";
import { divergingSegments, lastTalliedRound, roomMovement } from "../../app/domain/projector-view";
import { roundTallies, shiftRows } from "../../app/domain/workshop-view";
import { JUDGEMENT_SCALE } from "../../app/domain/scales";

const withIds = (texts: string[]) => texts.map((text) => ({ id: text, text }));
const PERSPECTIVES = [
  { key: "employee", options: withIds(["Report", "Delay", "Ask"]) },
  { key: "employer", options: withIds(["Fire", "Warn", "Back"]) },
];

function row(round: number, perspective: string, optionId: string, judgement: number, count: number) {
  return { round, perspective, optionId, judgement, count };
}

/** Counts per level, −3 … +3, as a tally carries them. */
function levels(counts: [number, number, number, number, number, number, number]) {
  return JUDGEMENT_SCALE.map((step, i) => ({ value: step.value, label: step.label, count: counts[i]! }));
}

describe("divergingSegments", () => {
  it("puts wrong levels left of the centre, right levels right of it, and splits torn across it", () => {
    const pieces = divergingSegments(levels([1, 0, 1, 2, 0, 0, 0]));
    // Four people span 50%: 12.5% each; torn (25%) straddles 50.
    expect(pieces.map((p) => [p.value, p.count, p.start, p.width])).toEqual([
      [-3, 1, 12.5, 12.5],
      [-2, 0, 25, 0],
      [-1, 1, 25, 12.5],
      [0, 2, 37.5, 25],
      [1, 0, 62.5, 0],
      [2, 0, 62.5, 0],
      [3, 0, 62.5, 0],
    ]);
  });

  it("uses one scale for every cell: a room all clearly right fills exactly the right half", () => {
    const pieces = divergingSegments(levels([0, 0, 0, 0, 0, 0, 9]));
    expect(pieces.at(-1)).toMatchObject({ value: 3, start: 50, width: 50 });
    expect(pieces.slice(0, -1).every((p) => p.width === 0)).toBe(true);
  });

  it("orders the levels from clearly wrong to clearly right whatever order they come in, and keeps the exact counts", () => {
    const pieces = divergingSegments([...levels([3, 1, 0, 0, 2, 0, 1])].reverse());
    expect(pieces.map((p) => p.value)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(pieces.map((p) => p.count)).toEqual([3, 1, 0, 0, 2, 0, 1]);
    expect(pieces.reduce((s, p) => s + p.width, 0)).toBeCloseTo(50);
  });

  it("draws nothing for a cell nobody answered", () => {
    expect(divergingSegments(levels([0, 0, 0, 0, 0, 0, 0])).every((p) => p.width === 0)).toBe(true);
  });

  it("is laid out from the released tally itself: its levels add up to the respondents its mean and options count", () => {
    const rows = [row(1, "employee", "Report", -2, 2), row(1, "employee", "Delay", 1, 2), row(1, "employee", "Ask", 3, 1)];
    const [tally] = roundTallies(rows, PERSPECTIVES.slice(0, 1), [1], 5);
    if (!tally?.released) throw new Error("expected a released tally");
    const pieces = divergingSegments(tally.judgements);
    expect(pieces.reduce((s, p) => s + p.count, 0)).toBe(tally.respondents);
    expect(pieces.reduce((s, p) => s + p.count * p.value, 0) / tally.respondents).toBeCloseTo(tally.meanJudgement);
  });
});

describe("roomMovement", () => {
  const rows = [
    row(1, "employee", "Report", -2, 3),
    row(1, "employee", "Delay", 1, 1),
    row(2, "employee", "Report", -1, 1),
    row(2, "employee", "Delay", 2, 3),
    row(1, "employer", "Fire", 0, 4),
    row(2, "employer", "Warn", 0, 2),
  ];
  const shifts = [
    { perspective: "employee", judgementChange: 2, optionChanged: true, count: 2 },
    { perspective: "employee", judgementChange: 0, optionChanged: false, count: 2 },
    { perspective: "employer", judgementChange: 0, optionChanged: true, count: 2 },
  ];

  it("pairs each option's released counts of round 1 and round 2, with shares of each round's respondents", () => {
    const [employee] = roomMovement(roundTallies(rows, PERSPECTIVES, [1, 2], 3), shiftRows(shifts, ["employee", "employer"], 3), ["employee", "employer"]);
    expect(employee!.options).toEqual([
      { id: "Report", label: "Report", before: 3, after: 1, beforeShare: 0.75, afterShare: 0.25 },
      { id: "Delay", label: "Delay", before: 1, after: 3, beforeShare: 0.25, afterShare: 0.75 },
      { id: "Ask", label: "Ask", before: 0, after: 0, beforeShare: 0, afterShare: 0 },
    ]);
    expect(employee!.before?.respondents).toBe(4);
    expect(employee!.after?.respondents).toBe(4);
  });

  it("shows who moved only as the released shift says, and nothing of a withheld shift", () => {
    const movement = roomMovement(roundTallies(rows, PERSPECTIVES, [1, 2], 3), shiftRows(shifts, ["employee", "employer"], 3), ["employee", "employer"]);
    expect(movement[0]!.shift).toMatchObject({ released: true, people: 4, moved: 2, towardRight: 2, towardWrong: 0, changedOption: 2 });
    // Two people answered the employer in both rounds: fewer than k = 3, so no shift, and the k it waits for.
    expect(movement[1]!.shift).toBeNull();
    expect(movement[1]!.k).toBe(3);
  });

  it("pairs no options while either round's cell is withheld, and keeps the released one", () => {
    const [, employer] = roomMovement(roundTallies(rows, PERSPECTIVES, [1, 2], 3), null, ["employee", "employer"]);
    expect(employer).toMatchObject({ perspective: "employer", after: null, options: null, shift: null, k: 3 });
    expect(employer!.before?.respondents).toBe(4);
  });

  it("follows the order of the perspectives asked for, and withholds a round the audience does not see", () => {
    const movement = roomMovement(roundTallies(rows, PERSPECTIVES, [1], 3), null, ["employer", "employee"]);
    expect(movement.map((m) => [m.perspective, m.before?.respondents ?? null, m.after, m.options])).toEqual([
      ["employer", 4, null, null],
      ["employee", 4, null, null],
    ]);
  });
});

describe("lastTalliedRound", () => {
  it("is round 2 once the room's tallies hold it, released or withheld", () => {
    const rows = [row(1, "employee", "Report", 1, 3), row(2, "employee", "Ask", 2, 1)];
    expect(lastTalliedRound(roundTallies(rows, PERSPECTIVES, [1, 2], 3))).toBe(2);
  });

  it("is round 1 for a one-round workshop, or before anyone voted", () => {
    expect(lastTalliedRound(roundTallies([row(1, "employee", "Report", 1, 3)], PERSPECTIVES, [1], 3))).toBe(1);
    expect(lastTalliedRound([])).toBe(1);
  });
});
