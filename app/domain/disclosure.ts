/**
 * The disclosure rules that hold across releases (ADR 009, "Privacy threat model"): what an
 * adversary may read over time, not only in one output. Pure: no I/O.
 *
 * Survey practice for reports on employees is the source: fixed group membership, results
 * released in batches, and the same suppression in every report. Small-group suppression within
 * one release (k-anonymity with complementary suppression) is `mergeSmallGroups` in
 * `k-threshold.ts`; this module says when a new release may be made and which group an answer
 * belongs to, and when an argument's bridging score (built from its endorsers' answers) may change.
 */
import { bridgingScore } from "./bridging";
import { groupLookup, mergeSmallGroups, OTHER_GROUP } from "./k-threshold";

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

/**
 * One endorser of an argument as a release counts them: their answer on the argument's
 * perspective as of the release. Endorsers who have not answered that perspective are not
 * counted at all (they would add a standing and no lean).
 */
export interface CountedEndorser {
  argumentId: number;
  userId: number;
  /** The positions row counted; positions are never overwritten, so a new id is a changed answer. */
  positionId: number;
  /** -3 (clearly wrong) … 3 (clearly right). */
  judgement: number;
  /** The standing counted for the case: the one of the person's first answer on it (`standingForAnswer`). */
  standing: string | null;
}

/** An argument's bridging score as released, and whose answers it counted (server-side only). */
export interface ReleasedArgumentScore {
  /** The score, or null while the release may not show one (fewer than k endorsers counted). */
  score: number | null;
  /** Endorser user id → the positions row counted for them when this score was released. */
  counted: Record<string, number>;
}

/** Per argument id: what the case's release says of its bridging score (absent: no score, nothing counted). */
export type ArgumentScores = Record<string, ReleasedArgumentScore>;

/** What a release does with one argument's score: `releaseIsDue` applied to the argument's own endorsers. */
export type ArgumentScoreDecision = "keep" | "release" | "withhold";

/**
 * Whether an argument's bridging score may change in this release of the case. A score is built
 * from its endorsers' answers, so it is a release of them and follows the same rule as results:
 * it changes only once at least `k` of its endorsers have endorsed, withdrawn or changed their
 * answer since the score was last released ("keep" until then, whatever the case's release
 * does), and it is shown only when at least `k` endorsers are counted ("withhold" otherwise).
 * Without the first rule, a release made because k other people answered would show one known
 * endorser's change of mind; without the second, an attacker endorsing with a known lean would
 * read the lean of an argument's only endorser.
 *
 * @param changedSince endorsers whose counted answer differs from the last released score's
 *   (`endorsersChangedSince`); for an argument never scored, every endorser counted now
 * @param counted endorsers counted now (those who answered the argument's perspective)
 * @param k the k-threshold (a positive whole number)
 */
export function argumentScoreDecision(changedSince: number, counted: number, k: number): ArgumentScoreDecision {
  if (!releaseIsDue(changedSince, k)) return "keep";
  return counted >= k ? "release" : "withhold";
}

/**
 * How many people's contribution to an argument's score differs from what was counted before:
 * endorsers added or gone, and endorsers whose counted positions row changed (a new answer).
 *
 * @param before endorser user id → positions row id, as last released
 * @param now the endorsers counted now, for this one argument
 */
export function endorsersChangedSince(before: Record<string, number>, now: readonly Pick<CountedEndorser, "userId" | "positionId">[]): number {
  const current = new Map(now.map((e) => [String(e.userId), e.positionId]));
  let changed = 0;
  for (const [userId, positionId] of current) if (before[userId] !== positionId) changed += 1;
  for (const userId of Object.keys(before)) if (!current.has(userId)) changed += 1;
  return changed;
}

/**
 * The standing each endorser is counted under in a score's "distinct standings" term, with the
 * same small-group suppression as every breakdown (`mergeSmallGroups`): a standing held by fewer
 * than `k` endorsers is merged with others, so the term never tells that one HR person (or any
 * group under k) endorsed. When no breakdown may be shown, everyone counts as one kind of person.
 * Endorsers with no declared standing stay `null` (no kind of person) unless merged.
 *
 * @returns one entry per endorser, in order: a group key, or null for an undeclared group shown alone
 */
export function standingsForScore(standings: readonly (string | null)[], k: number): (string | null)[] {
  const UNDECLARED = "_undeclared";
  const sizes = new Map<string, number>();
  for (const s of standings) sizes.set(s ?? UNDECLARED, (sizes.get(s ?? UNDECLARED) ?? 0) + 1);
  const breakdown = mergeSmallGroups([...sizes].map(([key, count]) => ({ key, count })), k);
  if (breakdown.suppressed) return standings.map(() => OTHER_GROUP);
  const lookup = groupLookup(breakdown);
  return standings.map((s) => {
    const group = lookup.get(s ?? UNDECLARED)!;
    return group === UNDECLARED ? null : group;
  });
}

/**
 * The bridging scores a new release of a case carries: for each argument, `argumentScoreDecision`
 * against what the previous release counted, and when a score is released, `bridgingScore` over
 * the endorsers counted now, with standings as `standingsForScore` groups them.
 *
 * @param previous the previous release's `ArgumentScores` ({} for the first release)
 * @param endorsers every counted endorser of the case's arguments as of this release
 * @param k the k-threshold
 */
export function releaseArgumentScores(previous: ArgumentScores, endorsers: readonly CountedEndorser[], k: number): ArgumentScores {
  const byArgument = new Map<string, CountedEndorser[]>();
  for (const e of endorsers) byArgument.set(String(e.argumentId), [...(byArgument.get(String(e.argumentId)) ?? []), e]);
  const next: ArgumentScores = {};
  for (const id of new Set([...Object.keys(previous), ...byArgument.keys()])) {
    const before = previous[id];
    const now = byArgument.get(id) ?? [];
    const decision = argumentScoreDecision(endorsersChangedSince(before?.counted ?? {}, now), now.length, k);
    const counted = Object.fromEntries(now.map((e) => [String(e.userId), e.positionId]));
    if (decision === "keep") {
      if (before) next[id] = before;
    } else if (decision === "withhold") {
      // Nothing counted and nothing shown is the same as no entry.
      if (now.length > 0) next[id] = { score: null, counted };
    } else {
      const groups = standingsForScore(now.map((e) => e.standing), k);
      next[id] = { score: bridgingScore(now.map((e, i) => ({ judgement: e.judgement, standing: groups[i]! }))), counted };
    }
  }
  return next;
}

/** The scores a release shows, by argument id: only arguments with a released score. */
export function shownArgumentScores(scores: ArgumentScores): Map<number, number> {
  const shown = new Map<number, number>();
  for (const [id, entry] of Object.entries(scores)) if (entry.score !== null) shown.set(Number(id), entry.score);
  return shown;
}
