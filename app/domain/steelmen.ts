/**
 * Steelmen on the case page (issue 17, "Online too"; ADR 031). After answering a perspective, a
 * person may write the strongest case for the side they did not take; people whose answer took
 * that side rate it "fair to us" from 1 to 5; the best-rated are shown. Sides are leans on the
 * case's judgement question (right or wrong, `leanOf`), not options: two sides per perspective
 * keep the groups of raters large, and "the other side" is then one side.
 *
 * What may be written and rated is decided here; what may be shown (opening in batches, scores
 * in steps of k) is `steelmenToOpen` and `releaseSteelmanScores` in disclosure.ts.
 */
import type { SteelmanSide } from "../../db/schema";
import { contributionCounts, creditRefusal, steelmanContribution } from "./counting";
import { leanOf } from "./scales";

export type { SteelmanSide };
export const STEELMAN_SIDES = ["right", "wrong"] as const satisfies readonly SteelmanSide[];

/** How many steelmen of each side of a perspective the page shows, best first. */
export const BEST_STEELMEN_SHOWN = 3;

/** A side in the words of the page: the answer to the case's judgement question it stands for, any degree. */
export const STEELMAN_SIDE_LABELS: Record<SteelmanSide, string> = { right: "right", wrong: "wrong" };

/** `"wrong" as the employee`: a side of a perspective, as the page names it. */
export function sideWords(perspective: string, side: SteelmanSide): string {
  return `“${STEELMAN_SIDE_LABELS[side]}” as the ${perspective}`;
}

/** The "fair to us" scale, 1 to 5, with the words each radio button says. */
export const FAIRNESS_LABELS = ["Not fair to us at all", "Not very fair", "Partly fair", "Fair", "Fair to us: we could have written it"] as const;

/**
 * The sides a person may steelman on a perspective, given their current judgement there: the
 * side they did not take; either side when they are torn; none before they have answered.
 */
export function writableSides(judgement: number | undefined): SteelmanSide[] {
  if (judgement === undefined) return [];
  const lean = leanOf(judgement);
  return lean === "torn" ? [...STEELMAN_SIDES] : STEELMAN_SIDES.filter((side) => side !== lean);
}

/** The side whose steelmen a person may rate on a perspective: the side they took; none when torn or unanswered. */
export function ratableSide(judgement: number | undefined): SteelmanSide | null {
  if (judgement === undefined) return null;
  const lean = leanOf(judgement);
  return lean === "torn" ? null : lean;
}

/** Why a steelman may not be written on that side, or null. */
export function steelmanSideRefusal(judgement: number | undefined, side: SteelmanSide): string | null {
  if (judgement === undefined) return "Answer this perspective first: a steelman makes the case for the side you did not take.";
  if (!writableSides(judgement).includes(side)) return "A steelman makes the case for the side you did not take. Choose the other side, or change your answer first.";
  return null;
}

/** A steelman as rating reads it. */
export interface SteelmanFacts {
  id: number;
  userId: number;
  perspective: string;
  side: SteelmanSide;
  status: "visible" | "hidden" | "deleted";
  /** Opened for rating (in a batch, at a results release). */
  opened: boolean;
}

export type RatingRefusal = { status: 400 | 403 | 404; message: string };

/**
 * Whether `raterId` may rate this steelman now: it must exist on the case, count (the counting
 * rule: visible, not their own), be open for rating, and the rater's current answer to its
 * perspective must take its side. Checked on every rating, first or changed.
 *
 * @param steelman undefined when there is no such steelman on this case
 * @param judgement the rater's current judgement on the steelman's perspective, if answered
 */
export function ratingRefusal(steelman: SteelmanFacts | undefined, raterId: number, judgement: number | undefined): RatingRefusal | null {
  const refusal = creditRefusal("fair-rating", steelman && steelmanContribution(steelman), raterId);
  if (refusal) return { status: refusal.reason === "missing" ? 404 : refusal.reason === "own" ? 403 : 400, message: refusal.message };
  if (!steelman!.opened) return { status: 400, message: "That steelman is not open for rating yet." };
  if (ratableSide(judgement) !== steelman!.side) {
    return { status: 403, message: `Only people who answered ${sideWords(steelman!.perspective, steelman!.side)} rate how fair this steelman is to them.` };
  }
  return null;
}

/** A score as stored and shown: the mean rating in half points, as twice the mean rounded (2 … 10). */
export function halfPointScore(values: readonly number[]): number {
  if (values.length === 0) throw new Error("halfPointScore needs at least one rating");
  return Math.round((2 * values.reduce((sum, v) => sum + v, 0)) / values.length);
}

/** "4.5 of 5" for a half-point score of 9. */
export function scoreLabel(halfPoints: number): string {
  const value = halfPoints / 2;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)} of 5`;
}

/**
 * The steelmen the page shows for one perspective and side: those that count (visible) with a
 * released score, best first, then the earliest written (lowest id), at most
 * `BEST_STEELMEN_SHOWN`.
 */
export function bestSteelmen<T extends { id: number; userId: number; status: "visible" | "hidden" | "deleted"; releasedScore: number | null }>(
  steelmen: readonly T[],
): (T & { releasedScore: number })[] {
  return bestReleased(steelmen, (s) => contributionCounts(steelmanContribution(s)), BEST_STEELMEN_SHOWN);
}

/**
 * The best of rated texts (online steelmen, ADR 031; a role-play room's steelmen and rehearsal
 * lines, ADR 034): those that count with a released score, highest score first, then the
 * earliest written (lowest id), at most `shown`.
 *
 * @param counts whether an item counts under the counting rule (counting.ts)
 */
export function bestReleased<T extends { id: number; releasedScore: number | null }>(items: readonly T[], counts: (item: T) => boolean, shown: number): (T & { releasedScore: number })[] {
  return items
    .filter((s): s is T & { releasedScore: number } => counts(s) && s.releasedScore !== null)
    .sort((a, b) => b.releasedScore - a.releasedScore || a.id - b.id)
    .slice(0, shown);
}
