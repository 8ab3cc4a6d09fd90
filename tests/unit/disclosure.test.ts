import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  cellReleased,
  gapReleased,
  groupOfStanding,
  movedByShown,
  release,
  releaseIsDue,
  removalNotice,
  resultsAppearAt,
  shiftReleased,
  standingForAnswer,
  withdrawnCount,
  withdrawnVoters,
  workshopGrouping,
} from "../../app/domain/disclosure";
import { OTHER_GROUP } from "../../app/domain/k-threshold";

describe("releaseIsDue", () => {
  it("waits until k people have changed something since the last release", () => {
    expect(releaseIsDue(0, 5)).toBe(false);
    expect(releaseIsDue(4, 5)).toBe(false);
    expect(releaseIsDue(5, 5)).toBe(true);
    expect(releaseIsDue(12, 5)).toBe(true);
  });

  it("never releases a single person's change when k is above one", () => {
    for (let k = 2; k <= 10; k += 1) expect(releaseIsDue(1, k)).toBe(false);
  });
});

describe("standingForAnswer", () => {
  it("uses the profile's standing for a first answer", () => {
    expect(standingForAnswer(undefined, "manager")).toBe("manager");
    expect(standingForAnswer(undefined, null)).toBeNull();
  });

  it("keeps the standing of the first answer on the case, whatever the profile says now", () => {
    expect(standingForAnswer("manager", "frontline")).toBe("manager");
    expect(standingForAnswer(null, "hr")).toBeNull();
  });
});

describe("withdrawnCount and withdrawnVoters (removals in batches of k)", () => {
  it("withdraws removed voters only in whole batches of k", () => {
    expect([0, 1, 4, 5, 6, 9, 10, 11].map((n) => withdrawnCount(n, 5))).toEqual([0, 0, 0, 5, 5, 5, 10, 10]);
    expect(withdrawnCount(3, 1)).toBe(3);
  });

  it("withdraws the first removed, in order of removal time and then id", () => {
    const removed = [
      { id: 9, removedAt: "2026-01-01T10:00:02.000Z" },
      { id: 4, removedAt: "2026-01-01T10:00:01.000Z" },
      { id: 7, removedAt: "2026-01-01T10:00:01.000Z" },
      { id: 2, removedAt: "2026-01-01T10:00:03.000Z" },
      { id: 5, removedAt: "2026-01-01T10:00:00.000Z" },
    ];
    expect(withdrawnVoters(removed, 2)).toEqual(new Set([5, 4, 7, 9]));
    expect(withdrawnVoters(removed, 3)).toEqual(new Set([5, 4, 7]));
    expect(withdrawnVoters(removed, 6)).toEqual(new Set());
    expect(withdrawnVoters(removed, 5)).toEqual(new Set([9, 4, 7, 2, 5]));
  });

  it("never changes the set of counted voters by fewer than k people between two removals (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }), (k, n) => {
        // Removals one after another: each step's withdrawn set only grows, by nothing or by k.
        const removed = Array.from({ length: n }, (_, i) => ({ id: 100 - i, removedAt: new Date(Date.UTC(2026, 0, 1, 10, 0, i)).toISOString() }));
        let before = new Set<number>();
        for (let step = 1; step <= n; step += 1) {
          const after = withdrawnVoters(removed.slice(0, step), k);
          for (const id of before) expect(after.has(id)).toBe(true);
          expect([0, k]).toContain(after.size - before.size);
          before = after;
        }
      }),
    );
  });
});

describe("release rules of the live room", () => {
  it("releases a tally, a gap and a shift only at k counted people", () => {
    for (const rule of [cellReleased, gapReleased, shiftReleased]) {
      expect(rule(0, 5)).toBe(false);
      expect(rule(4, 5)).toBe(false);
      expect(rule(5, 5)).toBe(true);
      expect(rule(40, 5)).toBe(true);
    }
  });

  it("says how many named an argument as what moved them only from k people", () => {
    expect(movedByShown(4, 5)).toBe(false);
    expect(movedByShown(5, 5)).toBe(true);
  });

  it("keeps a released aggregate whole, and of a withheld one only what identifies it and k", () => {
    const tally = { round: 1, perspective: "employee", respondents: 4, meanJudgement: 1.5 };
    expect(release(tally, true, 5, ["round", "perspective"])).toEqual({ ...tally, released: true });
    expect(release(tally, false, 5, ["round", "perspective"])).toEqual({ round: 1, perspective: "employee", released: false, k: 5 });
  });

  it("tells every audience, in words, that results appear at k voters, and the facilitator how removals count", () => {
    expect(resultsAppearAt(5)).toBe("Results appear when 5 people have voted");
    expect(removalNotice(5)).toMatch(/keep counting until 5 removed people who voted can be taken out together/);
  });
});

describe("workshopGrouping and groupOfStanding (one grouping per workshop)", () => {
  const grouping = workshopGrouping(
    [
      { standing: "frontline", people: 5 },
      { standing: "manager", people: 5 },
      { standing: "hr", people: 2 },
      { standing: null, people: 0 },
    ],
    5,
  );

  it("merges small standings with complementary suppression, as mergeSmallGroups", () => {
    expect(grouping).toEqual({
      suppressed: false,
      shown: [
        { key: "frontline", members: ["frontline"], count: 5 },
        { key: OTHER_GROUP, members: ["hr", "manager"], count: 7 },
      ],
    });
  });

  it("puts each standing's answers in its shown group, people without a standing under undeclared", () => {
    expect(groupOfStanding(grouping, "frontline")).toBe("frontline");
    expect(groupOfStanding(grouping, "manager")).toBe(OTHER_GROUP);
    expect(groupOfStanding(grouping, "hr")).toBe(OTHER_GROUP);
    const withUndeclared = workshopGrouping([{ standing: null, people: 6 }, { standing: "hr", people: 5 }], 5);
    expect(groupOfStanding(withUndeclared, null)).toBe("undeclared");
  });

  it("gives no group at all when the grouping is suppressed", () => {
    const suppressed = workshopGrouping([{ standing: "frontline", people: 4 }], 5);
    expect(suppressed.suppressed).toBe(true);
    expect(groupOfStanding(suppressed, "frontline")).toBeNull();
  });
});
