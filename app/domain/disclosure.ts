/**
 * The disclosure rules that hold across releases (ADR 009, "Privacy threat model"): what an
 * adversary may read over time, not only in one output. Pure: no I/O.
 *
 * Survey practice for reports on employees is the source: fixed group membership, results
 * released in batches, and the same suppression in every report. Small-group suppression within
 * one release (k-anonymity with complementary suppression) is `mergeSmallGroups` in
 * `k-threshold.ts`; this module says when a new release may be made and which group an answer
 * belongs to.
 */

/**
 * Whether online results may be released again: only once at least `k` distinct people have
 * answered or changed an answer since the last release (or since the start, for the first one).
 * Between releases every reader sees the same numbers, so reading just before and just after one
 * person answers shows nothing about that person.
 *
 * @param peopleChangedSince distinct people with any position written after the last release (the
 *   caller may count only people who have answered every perspective: stricter, never looser)
 * @param k the k-threshold (a positive whole number)
 */
export function releaseIsDue(peopleChangedSince: number, k: number): boolean {
  return peopleChangedSince >= k;
}

/**
 * The standing a new answer is counted under: the one the person had when they first answered
 * this case, so changing one's profile never moves past or future answers on that case from one
 * group to another (two reads around such a move would otherwise subtract to the groups it left).
 *
 * @param firstStanding the standing stored with the person's first position on the case, or
 *   `undefined` when this is their first answer (`null` means they had declared none)
 * @param profileStanding the standing on their profile now
 */
export function standingForAnswer<S extends string>(firstStanding: S | null | undefined, profileStanding: S | null): S | null {
  return firstStanding === undefined ? profileStanding : firstStanding;
}
