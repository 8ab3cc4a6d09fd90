import { describe, expect, it } from "vitest";
import { DEFAULT_K, groupLookup, mergeSmallGroups, OTHER_GROUP, type Breakdown, type GroupSize } from "../../app/domain/disclosure";

function sizes(counts: Record<string, number>): GroupSize[] {
  return Object.entries(counts).map(([key, count]) => ({ key, count }));
}

function shownCounts(breakdown: Breakdown): Record<string, number> {
  return Object.fromEntries(breakdown.shown.map((g) => [g.key, g.count]));
}

/** A small deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe("mergeSmallGroups", () => {
  it("uses a k of 5 by default", () => {
    expect(DEFAULT_K).toBe(5);
  });

  it("suppresses a breakdown with no groups at all", () => {
    expect(mergeSmallGroups([], 5)).toEqual({ shown: [], suppressed: true, reason: "fewer than 5 people have answered" });
  });

  it("suppresses the breakdown, saying why, when fewer than k people answered in total", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 2, manager: 2 }), 5);
    expect(breakdown).toEqual({ shown: [], suppressed: true, reason: "fewer than 5 people have answered" });
  });

  it("shows every group as is, largest first, when all groups have at least k people", () => {
    const breakdown = mergeSmallGroups(sizes({ hr: 5, frontline: 12, manager: 7 }), 5);
    expect(breakdown).toEqual({
      suppressed: false,
      shown: [
        { key: "frontline", members: ["frontline"], count: 12 },
        { key: "manager", members: ["manager"], count: 7 },
        { key: "hr", members: ["hr"], count: 5 },
      ],
    });
  });

  it("orders groups of equal size alphabetically", () => {
    const breakdown = mergeSmallGroups(sizes({ manager: 6, hr: 6, frontline: 6 }), 5);
    expect(breakdown.shown.map((g) => g.key)).toEqual(["frontline", "hr", "manager"]);
  });

  it("never shows a single small group as 'other' on its own: the smallest large group joins it", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 10, manager: 8, hr: 2 }), 5);
    expect(breakdown).toEqual({
      suppressed: false,
      shown: [
        { key: "frontline", members: ["frontline"], count: 10 },
        { key: OTHER_GROUP, members: ["hr", "manager"], count: 10 },
      ],
    });
  });

  it("merges several small groups into 'other' and leaves the large groups alone when 'other' reaches k", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 10, manager: 8, hr: 2, other: 3 }), 5);
    expect(breakdown).toEqual({
      suppressed: false,
      shown: [
        { key: "frontline", members: ["frontline"], count: 10 },
        { key: "manager", members: ["manager"], count: 8 },
        { key: OTHER_GROUP, members: ["hr", "other"], count: 5 },
      ],
    });
  });

  it("merges two small standings into 'other' when together they reach k", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 9, hr: 3, manager: 4 }), 5);
    expect(breakdown.suppressed).toBe(false);
    expect(breakdown.shown).toEqual([
      { key: "frontline", members: ["frontline"], count: 9 },
      { key: OTHER_GROUP, members: ["hr", "manager"], count: 7 },
    ]);
  });

  it("pulls the smallest large group into 'other' when the small groups together stay below k", () => {
    // Showing frontline 20 and manager 6 would let anyone work out that hr has 2 people.
    const breakdown = mergeSmallGroups(sizes({ frontline: 20, manager: 6, hr: 2 }), 5);
    expect(breakdown).toEqual({
      suppressed: false,
      shown: [
        { key: "frontline", members: ["frontline"], count: 20 },
        { key: OTHER_GROUP, members: ["hr", "manager"], count: 8 },
      ],
    });
  });

  it("pulls in the alphabetically last of two equally small large groups", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 6, manager: 6, hr: 1 }), 5);
    expect(breakdown.shown).toEqual([
      { key: "frontline", members: ["frontline"], count: 6 },
      { key: OTHER_GROUP, members: ["hr", "manager"], count: 7 },
    ]);
  });

  it("suppresses the breakdown when the only large group has to join 'other'", () => {
    const breakdown = mergeSmallGroups(sizes({ a: 30, b: 2, c: 2, d: 1 }), 10);
    // b, c, d make 5 < 10: a must join them, and then there is nothing left to compare.
    expect(breakdown).toEqual({ shown: [], suppressed: true, reason: "any breakdown would single out a group of fewer than 10 people" });
  });

  it("suppresses a breakdown where everybody is in one group, because it would only repeat the total", () => {
    expect(mergeSmallGroups(sizes({ manager: 40, hr: 0 }), 5)).toEqual({
      shown: [],
      suppressed: true,
      reason: "everyone who answered is in the same group",
    });
  });

  it("suppresses a breakdown where every group is small even though the total reaches k", () => {
    expect(mergeSmallGroups(sizes({ frontline: 4, manager: 4, hr: 4 }), 5)).toEqual({
      shown: [],
      suppressed: true,
      reason: "any breakdown would single out a group of fewer than 5 people",
    });
  });

  it("ignores groups with nobody in them", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 7, manager: 6, hr: 0, other: 0 }), 5);
    expect(breakdown.shown).toEqual([
      { key: "frontline", members: ["frontline"], count: 7 },
      { key: "manager", members: ["manager"], count: 6 },
    ]);
  });

  it("does not count empty groups towards the total", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 4, manager: 0 }), 5);
    expect(breakdown.suppressed).toBe(true);
  });

  it("shows a group of exactly k people on its own", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 5, manager: 5 }), 5);
    expect(shownCounts(breakdown)).toEqual({ frontline: 5, manager: 5 });
  });

  it("with k = 1 shows every non-empty group on its own", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 1, manager: 3, hr: 0 }), 1);
    expect(breakdown.shown).toEqual([
      { key: "manager", members: ["manager"], count: 3 },
      { key: "frontline", members: ["frontline"], count: 1 },
    ]);
  });

  it("keeps the real 'other' standing apart from the merged group of small standings", () => {
    const breakdown = mergeSmallGroups(sizes({ other: 9, hr: 2, manager: 3 }), 5);
    expect(breakdown.shown).toEqual([
      { key: "other", members: ["other"], count: 9 },
      { key: OTHER_GROUP, members: ["hr", "manager"], count: 5 },
    ]);
    expect(new Set(breakdown.shown.map((g) => g.key)).size).toBe(breakdown.shown.length);
  });

  it("never reveals a group smaller than k, for many random breakdowns", () => {
    const next = random(20240611);
    let merged = 0;
    for (let run = 0; run < 2000; run += 1) {
      const k = 1 + Math.floor(next() * 8);
      const groupCount = Math.floor(next() * 7);
      const groups: GroupSize[] = [];
      for (let i = 0; i < groupCount; i += 1) groups.push({ key: `g${i}`, count: Math.floor(next() * 3 * k) });
      const total = groups.reduce((s, g) => s + g.count, 0);
      const context = `k=${k} groups=${JSON.stringify(groups)}`;

      const breakdown = mergeSmallGroups(groups, k);

      if (breakdown.suppressed) {
        expect(breakdown.shown, context).toEqual([]);
        continue;
      }
      if (breakdown.shown.some((g) => g.key === OTHER_GROUP)) merged += 1;
      // At least two groups, or the breakdown would just repeat the total.
      expect(breakdown.shown.length, context).toBeGreaterThanOrEqual(2);
      for (const group of breakdown.shown) expect(group.count, context).toBeGreaterThanOrEqual(k);
      expect(
        breakdown.shown.reduce((s, g) => s + g.count, 0),
        context,
      ).toBe(total);
      // Each shown count is exactly the sum of the groups it stands for, and every person is in one shown group.
      const members = breakdown.shown.flatMap((g) => g.members);
      expect(new Set(members).size, context).toBe(members.length);
      expect([...members].sort(), context).toEqual(
        groups
          .filter((g) => g.count > 0)
          .map((g) => g.key)
          .sort(),
      );
      for (const group of breakdown.shown) {
        const membersTotal = group.members.reduce((s, m) => s + groups.find((g) => g.key === m)!.count, 0);
        expect(group.count, context).toBe(membersTotal);
      }
      // No original group below k stands alone, and total − any single shown group is itself ≥ k.
      for (const group of breakdown.shown) {
        if (group.members.length === 1) expect(groups.find((g) => g.key === group.members[0])!.count, context).toBeGreaterThanOrEqual(k);
        expect(total - group.count, context).toBeGreaterThanOrEqual(k);
      }
    }
    // The random lists must really exercise merging, or the checks above prove little.
    expect(merged).toBeGreaterThan(200);
  });
});

describe("groupLookup", () => {
  it("maps every original group to the shown group it is counted in", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 20, manager: 6, hr: 2, other: 0 }), 5);
    expect(Object.fromEntries(groupLookup(breakdown))).toEqual({ frontline: "frontline", manager: OTHER_GROUP, hr: OTHER_GROUP });
  });

  it("is empty for a suppressed breakdown, so no rows are counted in any group", () => {
    const breakdown = mergeSmallGroups(sizes({ frontline: 3 }), 5);
    expect(groupLookup(breakdown).size).toBe(0);
  });
});
