/**
 * A role-play room's written steps (issue 17; ADR 034): in the **steelman** step each person
 * writes the strongest case for the other role, and the people playing that role rate it "fair to
 * us" 1–5; in the **rehearsal** step each person writes the words they would say, prompted by the
 * case's `## Rehearsal: <role>`, and the people of the other role(s), the people spoken to, rate
 * them on three yes/no criteria. One model for both: a participant writes one text per step; others
 * rate it; the best are shown once rating has closed.
 *
 * Pure: who may write and rate what, how forms read, and how scores read. What may be shown and
 * when (scores at k raters, in steps of k) is `releaseSteelmanScores` in disclosure.ts, shared with
 * the online steelmen (ADR 031); the best are `bestReleased` in steelmen.ts.
 */
import { z } from "zod";
import { creditRefusal, contributionCounts, rolePlayTextContribution } from "./counting";
import { swappedRoles } from "./role-assignment";
import { bestReleased, FAIRNESS_LABELS, halfPointScore } from "./steelmen";
import { TEXT_LIMITS } from "./text-limits";
import { keepToMessage, maxVisible, requiredText } from "./visible-length";
import { textStepOf, type StageId, type TextKind } from "./workshop-stages";

export type { TextKind };
export { FAIRNESS_LABELS };

/** How many of a step's texts the projector, phones and debrief show, best first. */
export const BEST_TEXTS_SHOWN = 3;

/** The rehearsal rubric (issue 17): each rater answers yes or no to each; a line's score is how many yeses, 0–3. */
export const REHEARSAL_CRITERIA = [
  { key: "feeling", label: "Names the other person's feeling without pity" },
  { key: "honest", label: "Is honest about the rules" },
  { key: "next-step", label: "Offers a next step" },
] as const;

/** The highest a rating of each kind can be: "fair to us" 1–5; the rubric's yeses 0–3. */
export const RATING_MAX: Record<TextKind, number> = { steelman: 5, rehearsal: 3 };

/** A text as the rules read it: who wrote it, in which role, for whom, and whether it counts. */
export interface TextFacts {
  id: number;
  kind: TextKind;
  /** The participant who wrote it. */
  authorId: number;
  /** The role its author played when writing. */
  role: string;
  /** A steelman: the role it makes the case for (its raters' role). A rehearsal line: null (anyone of another role rates it). */
  targetRole: string | null;
  /** Hidden by the facilitator (moderation). */
  hidden: boolean;
  /** Its author was removed from the room. */
  authorRemoved: boolean;
}

/** A refusal with its HTTP status: 400 bad input, 403 not yours to do, 404 no such text here, 409 not at this stage. */
export type TextRefusal = { status: 400 | 403 | 404 | 409; field: string; message: string };

/**
 * The role a person writes for: a steelman argues for the next role in the room's (the case's)
 * order, as the swap passes roles on, so with two roles it is the other one; a rehearsal line is
 * spoken to the other side and has no single target (null).
 *
 * @param roles the room's roles in the case's order, e.g. `["employee", "employer"]`
 */
export function targetRoleFor(kind: TextKind, roles: readonly string[], role: string): string | null {
  return kind === "steelman" ? (swappedRoles(roles).get(role) ?? null) : null;
}

/** The words a step asks for, for a person of `role` (the rehearsal prompt itself is the case's). */
export function writeInstruction(kind: TextKind, targetRoleName: string | null): string {
  return kind === "steelman"
    ? `Make the strongest case you can for the ${targetRoleName ?? "other side"}: the case they would call fair to them. The people playing the ${targetRoleName ?? "other side"} rate it, without seeing who wrote it.`
    : "Write the words you would say, as you would say them. The people of the other side rate them, without seeing who wrote them.";
}

/**
 * Why this participant may not write (or rewrite) their text of `kind` now, or null: only during
 * the step's writing stage, only a participant still in the room with one of the room's roles,
 * and not once the text has been rated (its raters rated the words they read: ADR 031's frozen
 * rule; a facilitator going back to the writing stage does not reopen a rated text).
 */
export function writeRefusal(kind: TextKind, stage: StageId, roles: readonly string[] | null, author: { role: string | null; removed: boolean }, alreadyRated: boolean): TextRefusal | null {
  if (!roles) return { status: 409, field: "form", message: "Only a role-play workshop has steelman and rehearsal steps." };
  if (stage !== kind) return { status: 409, field: "form", message: kind === "steelman" ? "Steelmen are written during the steelman step." : "Rehearsal lines are written during the rehearsal step." };
  if (author.removed) return { status: 403, field: "form", message: "The facilitator removed you from this workshop." };
  if (author.role === null || !roles.includes(author.role)) return { status: 403, field: "form", message: "You need a role to write here: the facilitator gives you one." };
  if (alreadyRated) return { status: 409, field: "body", message: "Yours has been rated already, so it stays as the raters read it." };
  return null;
}

/**
 * Whether a person of `raterRole` rates this text: a steelman is rated by the people playing the
 * role it argues for ("fair to us"); a rehearsal line by the people of any other role (the people
 * it is spoken to). Never one's own (checked by `rateRefusal` through the counting rule).
 */
export function ratesText(text: Pick<TextFacts, "kind" | "role" | "targetRole">, raterRole: string | null): boolean {
  if (raterRole === null) return false;
  return text.kind === "steelman" ? raterRole === text.targetRole : raterRole !== text.role;
}

/**
 * Why this participant may not rate this text now, or null. In order: the rating stage of the
 * text's step (409); the text is in this room's step (404); the counting rule (not one's own: 403;
 * not hidden, its author not removed: 404); the rater is still in the room (403) and plays a role
 * that rates it (403).
 *
 * @param text undefined when there is no such text in this workshop
 */
export function rateRefusal(kind: TextKind, stage: StageId, text: TextFacts | undefined, rater: { id: number; role: string | null; removed: boolean }): TextRefusal | null {
  const step = textStepOf(stage);
  if (step?.kind !== kind || step.part !== "rate") return { status: 409, field: "form", message: "Rating is open only during the step's rating stage." };
  if (text && text.kind !== kind) return { status: 404, field: "textId", message: "That text is not in this step." };
  const refusal = creditRefusal("text-rating", text && rolePlayTextContribution(text), rater.id);
  if (refusal) return { status: refusal.reason === "own" ? 403 : 404, field: "textId", message: refusal.message };
  if (rater.removed) return { status: 403, field: "form", message: "The facilitator removed you from this workshop." };
  if (!ratesText(text!, rater.role)) {
    return {
      status: 403,
      field: "textId",
      message: kind === "steelman" ? "Only the people playing the side a steelman argues for rate it." : "Only the people of the other side rate a rehearsal line.",
    };
  }
  return null;
}

/** The texts a person rates in a step: those that count, written for their role (or to it), never their own; oldest first. */
export function textsToRate<T extends TextFacts>(texts: readonly T[], rater: { id: number; role: string | null }): T[] {
  return texts.filter((t) => t.authorId !== rater.id && contributionCounts(rolePlayTextContribution(t)) && ratesText(t, rater.role)).sort((a, b) => a.id - b.id);
}

/** How many texts a rater is shown at least, when there are more (a room of hundreds cannot read every other text). */
export const RATING_SAMPLE = 5;

/**
 * The part of `eligible` (the texts a rater may rate, `textsToRate`, oldest first) this rater is
 * shown, so that each text gets about as many raters as any other and, when the room allows it,
 * at least k. Raters who see the same texts (those of one role) are numbered 0 … `raterCount` − 1
 * by participant id; rater r is shown s consecutive texts from position r·s (wrapping), where
 * s = min(|eligible|, max(RATING_SAMPLE, ⌈k·|eligible| / raterCount⌉)). Those windows tile the
 * texts evenly, so every text is shown to ⌊raterCount·s / |eligible|⌋ or one more raters, which
 * is at least k whenever raterCount ≥ k (a round-robin allocation, as in balanced incomplete
 * designs for peer review). A small room (|eligible| ≤ s) rates everything. Texts the rater has
 * already rated stay in the list, so a rating can be changed after the room changed.
 *
 * @param raterIndex this rater's position among `raterCount` raters of the same texts, 0-based;
 *   outside 0 … raterCount − 1 (a rater the count did not include) gets the whole list
 * @param rated ids of texts this rater has rated
 */
export function ratingSample<T extends { id: number }>(eligible: readonly T[], raterIndex: number, raterCount: number, k: number, rated: ReadonlySet<number> = new Set()): T[] {
  if (raterIndex < 0 || raterIndex >= raterCount) return [...eligible];
  const size = Math.min(eligible.length, Math.max(RATING_SAMPLE, Math.ceil((k * eligible.length) / raterCount)));
  if (size >= eligible.length) return [...eligible];
  const shown = new Set<number>();
  for (let j = 0; j < size; j += 1) shown.add((raterIndex * size + j) % eligible.length);
  return eligible.filter((text, i) => shown.has(i) || rated.has(text.id));
}

/** The text form: `body`, 1 to `TEXT_LIMITS.rolePlayText` characters, plain text (shown escaped). */
export const textForm = z.object({
  // Raters and the projector would see a blank card (issue 17 try-out).
  body: maxVisible(requiredText("Write something first."), TEXT_LIMITS.rolePlayText, keepToMessage("it", TEXT_LIMITS.rolePlayText)),
});

/** A rating as stored: its value (1–5, or 0–3 yeses) and, for a rehearsal line, which criteria it met (a bit per criterion, in order). */
export interface TextRating {
  value: number;
  criteria: number | null;
}

/**
 * Reads a rating form. A steelman's: `fair`, 1 to 5 (a fieldset of five radios). A rehearsal
 * line's: `feeling`, `honest` and `next-step`, each "yes" or "no". A missing or other value is a
 * 400 naming its field.
 */
export function readRating(kind: TextKind, form: { get(name: string): unknown }): { ok: true; rating: TextRating } | { ok: false; field: string; message: string } {
  if (kind === "steelman") {
    const raw = form.get("fair");
    const value = typeof raw === "string" && /^[1-5]$/.test(raw) ? Number(raw) : null;
    if (value === null) return { ok: false, field: "fair", message: "Choose how fair it is to you, from 1 to 5." };
    return { ok: true, rating: { value, criteria: null } };
  }
  let value = 0;
  let criteria = 0;
  for (const [i, criterion] of REHEARSAL_CRITERIA.entries()) {
    const raw = form.get(criterion.key);
    if (raw !== "yes" && raw !== "no") return { ok: false, field: criterion.key, message: `Answer yes or no to “${criterion.label}”.` };
    if (raw === "yes") {
      value += 1;
      criteria |= 1 << i;
    }
  }
  return { ok: true, rating: { value, criteria } };
}

/** Whether a rating's bitmask says criterion `i` was met. */
export function criterionMet(criteria: number | null, i: number): boolean {
  return criteria !== null && (criteria & (1 << i)) !== 0;
}

/** A released score for people: "4.5 of 5" fair to the other side, or "2.5 of 3" criteria met, from twice the mean. */
export function textScoreLabel(kind: TextKind, halfPoints: number): string {
  const value = halfPoints / 2;
  const shown = Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
  return kind === "steelman" ? `${shown} of 5 fair to the other side` : `${shown} of 3 criteria met`;
}

/** The score a set of ratings gives (twice the mean, in half points), the same rule as online steelmen. */
export const textScore = halfPointScore;

/** The best texts of a step: those that count with a released score, best first, then the earliest, at most `BEST_TEXTS_SHOWN`. */
export function bestTexts<T extends TextFacts & { releasedScore: number | null }>(texts: readonly T[]): (T & { releasedScore: number })[] {
  return bestReleased(texts, (t) => contributionCounts(rolePlayTextContribution(t)), BEST_TEXTS_SHOWN);
}
