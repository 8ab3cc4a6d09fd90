/**
 * Persuasion, shown (issue 16): how many people an argument changed the mind of, read from the
 * answers that named it ("which argument moved you?") in a case's online release. Pure.
 *
 * Only released answers count, so these figures move with the results, in the release's steps
 * (ADR 009). Each is a count over people of one fact of their answer (did it name this argument),
 * which the joint test of releases bounds like the bars: an answer may name an argument only
 * when it changes an earlier answer to the same perspective, and first answers never do, so the
 * count is over re-answers (`release-equations.ts` has a row for them). Nothing about the
 * namers' answers is shown beside it: neither which way they moved (a pairing with their first
 * answer) nor where they lean now (ninth attacker review: the leans of an argument's namers,
 * read beside the bars, gave the one other person who entered a bar).
 */

/** Released answers that name one argument (as `releasedMovedByRows` groups them). */
export interface MovedByRow {
  argumentId: number;
  /** The perspective of the answers. */
  perspective: string;
  count: number;
}

/** One argument's released persuasion. */
export interface MovedByArgument {
  argumentId: number;
  /** People whose released answer names the argument as what changed their mind. */
  count: number;
}

/**
 * Folds grouped rows into one entry per argument, most persuasive first (then lowest id, so the
 * order is stable). Counts are summed before anything is dropped, so signed changes (a release's
 * aggregates kept as the stored ones plus what its plan moved: −1 for an answer naming the
 * argument that leaves, +1 for one that enters) fold into the stored counts; an argument whose
 * total is zero or less is left out (eleventh attacker review: changes of −1 were skipped, so a
 * count never went down).
 *
 * @param rows released answers naming an argument, grouped by argument and perspective (counts
 *   may be negative: changes to add)
 * @returns one entry per argument whose total is positive
 */
export function tallyMovedBy(rows: readonly MovedByRow[]): MovedByArgument[] {
  const byArgument = new Map<number, MovedByArgument>();
  for (const row of rows) {
    const entry = byArgument.get(row.argumentId) ?? { argumentId: row.argumentId, count: 0 };
    entry.count += row.count;
    byArgument.set(row.argumentId, entry);
  }
  return [...byArgument.values()].filter((entry) => entry.count > 0).sort((a, b) => b.count - a.count || a.argumentId - b.argumentId);
}

/**
 * What a person's arguments have done, for /me and the header: the total of people they changed
 * the mind of, and how many of those are new since they last looked.
 *
 * @param counts the released count of each of the person's arguments that counts (moderation rule, counting.ts)
 * @param seen the total when they last opened /me (`users.moved_seen`)
 * @returns `total`, and `unread` = total − seen when positive (a count can fall when someone
 *   answers again without naming the argument; it is then not "new")
 */
export function persuasionNews(counts: readonly number[], seen: number): { total: number; unread: number } {
  const total = counts.reduce((sum, n) => sum + n, 0);
  return { total, unread: Math.max(0, total - seen) };
}

/** "changed 1 person's mind" / "changed 3 people's minds". */
export function changedMindsLabel(count: number): string {
  return count === 1 ? "changed 1 person's mind" : `changed ${count} people's minds`;
}
