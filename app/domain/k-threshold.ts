/**
 * Small-group protection for every breakdown (pages, exports, JSON).
 *
 * A breakdown splits respondents into groups (e.g. by standing). A group smaller than k is never
 * shown on its own. Small groups are merged into one "other" group; if that is still below k,
 * the smallest shown group joins it too (complementary suppression), so that the total minus the
 * shown groups can never reveal a group smaller than k.
 */

export const DEFAULT_K = 5;
/** Not a valid standing, so the merged group never shares a key with the real "other" standing. */
export const OTHER_GROUP = "_other";

export interface GroupSize {
  key: string;
  count: number;
}

export interface ShownGroup {
  /** A group's own key, or OTHER_GROUP for the merged remainder. */
  key: string;
  /** The original groups this one stands for (one, or several for OTHER_GROUP). */
  members: string[];
  count: number;
}

export type Breakdown = { shown: ShownGroup[]; suppressed: false } | { shown: []; suppressed: true; reason: string };

/**
 * @param groups each original group's size
 * @param k the k-threshold
 * @param mustMerge groups to merge however large they are (a caller that knows a group is too
 *   small somewhere else, e.g. in one round, names it here); empty by default
 */
export function mergeSmallGroups(groups: GroupSize[], k: number, mustMerge: ReadonlySet<string> = new Set()): Breakdown {
  const present = groups.filter((g) => g.count > 0);
  const total = present.reduce((sum, g) => sum + g.count, 0);
  if (total < k) return { shown: [], suppressed: true, reason: `fewer than ${k} people have answered` };

  const isSmall = (g: GroupSize) => g.count < k || mustMerge.has(g.key);
  const large = present.filter((g) => !isSmall(g)).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const small = present.filter(isSmall);
  // One group holding everybody is no breakdown at all: it would only repeat the total.
  if (small.length === 0 && large.length === 1) return { shown: [], suppressed: true, reason: "everyone who answered is in the same group" };
  if (small.length === 0) return { shown: large.map((g) => ({ key: g.key, members: [g.key], count: g.count })), suppressed: false };

  const other: ShownGroup = { key: OTHER_GROUP, members: small.map((g) => g.key).sort(), count: small.reduce((s, g) => s + g.count, 0) };
  while (other.count < k) {
    // Cannot fail: total ≥ k, so some large group remains while other is short.
    const smallestLarge = large.pop()!;
    other.members = [...other.members, smallestLarge.key].sort();
    other.count += smallestLarge.count;
  }
  const shown = large.map((g) => ({ key: g.key, members: [g.key], count: g.count }));
  // One group holding everybody is no breakdown at all; say so rather than show a copy of the total.
  if (shown.length === 0) return { shown: [], suppressed: true, reason: `any breakdown would single out a group of fewer than ${k} people` };
  return { shown: [...shown, other], suppressed: false };
}

/** Which shown group an original group's rows are counted in. */
export function groupLookup(breakdown: Breakdown): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const group of breakdown.shown) for (const member of group.members) lookup.set(member, group.key);
  return lookup;
}
