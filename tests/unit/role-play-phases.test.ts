/**
 * Whether a role-play room's empathy gap moved (ADR 032): the phase comparison is built only from
 * the room's released tallies and gaps, and a change is shown only where both phases are released
 * (`phaseChangeReleased`). The expected figures are worked out by hand from the rows.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { phaseChangeReleased } from "../../app/domain/disclosure";
import { PHASE_CHANGES, PHASES, phaseComparison } from "../../app/domain/role-play-phases";
import { swappedRoles } from "../../app/domain/role-assignment";
import { roomGap, roundTallies } from "../../app/domain/workshop-view";

const withIds = (texts: string[]) => texts.map((text) => ({ id: text, text }));
const PERSPECTIVES = [
  { key: "employee", options: withIds(["Report", "Help"]) },
  { key: "employer", options: withIds(["Fire", "Back"]) },
];
const row = (round: number, perspective: string, optionId: string, judgement: number, count: number) => ({ round, perspective, optionId, judgement, count });

describe("phaseChangeReleased", () => {
  it("shows a change only when both phases' figures are released", () => {
    expect(phaseChangeReleased(true, true)).toBe(true);
    expect(phaseChangeReleased(true, false)).toBe(false);
    expect(phaseChangeReleased(false, true)).toBe(false);
    expect(phaseChangeReleased(false, false)).toBe(false);
  });
});

describe("phaseComparison", () => {
  const k = 3;
  // Round 1: employee +2 ×3, employer -1 ×3; round 2: employee +1 ×3, employer +1 ×3; round 3: employee 0 ×2 (under k), employer +2 ×3.
  const rows = [
    row(1, "employee", "Help", 2, 3),
    row(1, "employer", "Fire", -1, 3),
    row(2, "employee", "Help", 1, 3),
    row(2, "employer", "Back", 1, 3),
    row(3, "employee", "Report", 0, 2),
    row(3, "employer", "Back", 2, 3),
  ];
  const gapRows = [
    { round: 1, gap: 3, count: 3 },
    { round: 2, gap: 0, count: 2 },
    { round: 2, gap: 1, count: 1 },
    { round: 3, gap: -2, count: 2 },
  ];
  const tallies = roundTallies(rows, PERSPECTIVES, [1, 2, 3], k);
  const gaps = { 1: roomGap(gapRows, 1, k), 2: roomGap(gapRows, 2, k), 3: roomGap(gapRows, 3, k) };
  const table = phaseComparison(tallies, gaps, ["employee", "employer"], k);

  it("gives each perspective's average judgement per phase, with the people counted, and withholds a phase under k", () => {
    const employee = table.find((r) => r.figure === "employee")!;
    expect(employee.phases).toEqual([
      { released: true, value: 2, people: 3 },
      { released: true, value: 1, people: 3 },
      { released: false, k: 3 },
    ]);
    const employer = table.find((r) => r.figure === "employer")!;
    expect(employer.phases.map((p) => (p.released ? p.value : null))).toEqual([-1, 1, 2]);
  });

  it("gives the changes with the role-play, with the swap and in all, and none touching a withheld phase", () => {
    expect(PHASE_CHANGES.map((c) => [c.from, c.to])).toEqual([
      [1, 2],
      [2, 3],
      [1, 3],
    ]);
    expect(table.find((r) => r.figure === "employee")!.changes).toEqual([-1, null, null]);
    expect(table.find((r) => r.figure === "employer")!.changes).toEqual([2, 1, 3]);
  });

  it("ends with the empathy gap, withheld where fewer than k answered both perspectives", () => {
    const gap = table.at(-1)!;
    expect(gap.figure).toBe("gap");
    expect(gap.phases).toEqual([
      { released: true, value: 3, people: 3 },
      { released: true, value: 1 / 3, people: 3 },
      { released: false, k: 3 },
    ]);
    expect(gap.changes[0]).toBeCloseTo(1 / 3 - 3);
    expect(gap.changes.slice(1)).toEqual([null, null]);
  });

  it("has no gap row when only one perspective is polled", () => {
    expect(phaseComparison(tallies, gaps, ["employee"], k).map((r) => r.figure)).toEqual(["employee"]);
  });

  it("withholds everything in a room under k: no value, no people, no change", () => {
    const small = roundTallies(
      rows.map((r) => ({ ...r, count: 1 })),
      PERSPECTIVES,
      [1, 2, 3],
      k,
    );
    const none = phaseComparison(small, { 1: null, 2: null, 3: null }, ["employee", "employer"], k);
    for (const r of none) {
      expect(r.phases).toEqual(PHASES.map(() => ({ released: false, k })));
      expect(r.changes).toEqual([null, null, null]);
    }
  });

  it("shows a change exactly when both ends are released, and then it is their difference (random rooms)", () => {
    const cell = fc.record({ judgement: fc.integer({ min: -3, max: 3 }), count: fc.integer({ min: 0, max: 6 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom("employee", "employer"), cell), { maxLength: 12 }), fc.integer({ min: 1, max: 6 }), (cells, k) => {
        const rows = cells.map(([round, perspective, c]) => row(round, perspective, "Help", c.judgement, c.count));
        const result = phaseComparison(roundTallies(rows, PERSPECTIVES, [1, 2, 3], k), {}, ["employee", "employer"], k);
        for (const r of result.filter((r) => r.figure !== "gap")) {
          for (const [i, change] of PHASE_CHANGES.entries()) {
            const a = r.phases[change.from - 1]!;
            const b = r.phases[change.to - 1]!;
            if (a.released && b.released) expect(r.changes[i]).toBeCloseTo(b.value - a.value);
            else expect(r.changes[i]).toBeNull();
            for (const p of [a, b]) if (p.released) expect(p.people).toBeGreaterThanOrEqual(k);
          }
        }
      }),
    );
  });
});

describe("swappedRoles", () => {
  it("gives each of two roles the other", () => {
    expect(swappedRoles(["employee", "employer"])).toEqual(
      new Map([
        ["employee", "employer"],
        ["employer", "employee"],
      ]),
    );
  });

  it("passes each of more roles to the next in the case's order, the last to the first, and -1 undoes it", () => {
    const roles = ["employee", "employer", "customer"];
    expect([...swappedRoles(roles)]).toEqual([
      ["employee", "employer"],
      ["employer", "customer"],
      ["customer", "employee"],
    ]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 6 }), (roles) => {
        const forward = swappedRoles(roles, 1);
        const back = swappedRoles(roles, -1);
        for (const role of roles) expect(back.get(forward.get(role)!)).toBe(role);
        // A permutation: every role is played after the swap by as many people as before.
        expect(new Set(forward.values()).size).toBe(roles.length);
        if (roles.length >= 2) for (const role of roles) expect(forward.get(role)).not.toBe(role);
      }),
    );
  });
});
