import { z } from "zod";
import { wholeNumberField } from "./whole-number";
import { LENSES, type CaseDocument } from "./case-file";
import { markdownRenderProblem } from "./markdown";
import { CONFIDENCE_LEVELS, LEGAL_ANSWERS, SIDES } from "./scales";
import { OPTION_ID_MAX_LENGTH, OPTION_ID_PATTERN } from "./option-identity";
import { oneLineMessage, singleLine } from "./single-line";
import { STEELMAN_SIDES } from "./steelmen";
import { TEXT_LIMITS } from "./text-limits";
import { keepToMessage, maxVisible, minVisible, requiredText, visibleLengthProblem } from "./visible-length";

export const MAX_ARGUMENT_LENGTH = TEXT_LIMITS.argument;
export const MAX_REASON_LENGTH = TEXT_LIMITS.moderationReason;

const id = (message: string) => wholeNumberField(message, { min: 1 });

/** A Markdown post up to the argument limit that the renderer can render (arguments, replies, steelmen). */
const markdownBody = (missing: string) =>
  maxVisible(
    // Control or invisible characters alone trim to non-empty and would show as a blank post.
    requiredText(missing, "Write something before posting."),
    MAX_ARGUMENT_LENGTH,
    keepToMessage("it", MAX_ARGUMENT_LENGTH),
  )
    // What is stored must render: one post the renderer cannot handle would otherwise be a notice on every view.
    .superRefine((text: string, ctx) => {
      // zod runs this even after the limit failed: a body over the limit is refused already, and not worth rendering.
      if (visibleLengthProblem(text, MAX_ARGUMENT_LENGTH)) return;
      const problem = markdownRenderProblem(text);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Your text ${problem}.` });
    });

const body = markdownBody("Write your argument.");

/**
 * A position on one perspective of this case. The option arrives as its stable id (ADR 017), with
 * the case version the form was shown with (`version`); which option that is on the current
 * version is `mapBallotOption`'s to say, not this schema's.
 */
export function positionForm(doc: CaseDocument) {
  const keys = doc.perspectives.map((p) => p.key) as [string, ...string[]];
  return z.object({
    perspective: z.enum(keys, { errorMap: () => ({ message: "Choose one of this case's perspectives." }) }),
    option: z
      .string({ required_error: "Choose what you would do.", invalid_type_error: "Choose what you would do." })
      .trim()
      .min(1, "Choose what you would do.")
      .max(OPTION_ID_MAX_LENGTH, "Choose one of the options shown.")
      .regex(OPTION_ID_PATTERN, "Choose one of the options shown."),
    version: wholeNumberField(STALE_FORM_MESSAGE, { min: 1 }),
    judgement: wholeNumberField("Choose a judgement on the scale.", { min: -3, max: 3 }),
    legal: z.enum(LEGAL_ANSWERS, { errorMap: () => ({ message: "Say whether it was legal or within policy (yes, no or unsure)." }) }),
    confidence: z.enum(CONFIDENCE_LEVELS, { errorMap: () => ({ message: "Choose how confident you are." }) }),
    movedBy: z
      .union([z.literal(""), id("Choose an argument from the list.")], { errorMap: () => ({ message: "Choose an argument from the list." }) })
      .optional()
      .transform((value) => (value === "" || value === undefined ? null : value)),
  });
}

/** A ballot without the case version its form showed: from a page older than stable options, or not from the app. */
export const STALE_FORM_MESSAGE = "This form does not say which version of the case it showed, so your choice cannot be matched safely. Reload the page and answer again.";

export function argumentForm(doc: { perspectives: readonly { key: string }[] }) {
  const keys = doc.perspectives.map((p) => p.key) as [string, ...string[]];
  return z.object({
    perspective: z.enum(keys, { errorMap: () => ({ message: "Choose the perspective you are arguing from." }) }),
    side: z.enum(SIDES, { errorMap: () => ({ message: "Choose for, against or it depends." }) }),
    lens: z
      .union([z.literal(""), z.enum(LENSES)], { errorMap: () => ({ message: "Choose one of the listed lenses, or none." }) })
      .optional()
      .transform((value) => (value ? value : null)),
    body,
  });
}

export const replyForm = z.object({ parentId: id("Reply to an argument on this page."), body });
export const editForm = z.object({ argumentId: id("Unknown argument."), body });
export const argumentIdForm = z.object({ argumentId: id("Unknown argument.") });
/** Why a moderator hides something: one line, 3 to MAX_REASON_LENGTH visible characters, kept in the audit log. */
const moderationReason = singleLine(
  maxVisible(
    minVisible(z.string({ required_error: "Give a reason; it is kept in the audit log." }).trim(), 3, "Give a reason; it is kept in the audit log."),
    MAX_REASON_LENGTH,
    keepToMessage("the reason", MAX_REASON_LENGTH),
  ),
  oneLineMessage("the reason"),
);
export const moderationForm = z.object({
  argumentId: id("Unknown argument."),
  reason: moderationReason,
});

/**
 * A steelman (ADR 031): the best case for the side of a perspective the writer did not take. The
 * side is the lean it argues for; whether the writer may argue it is the action's to check
 * against their answer (`steelmanSideRefusal`).
 */
export function steelmanForm(doc: { perspectives: readonly { key: string }[] }) {
  const keys = doc.perspectives.map((p) => p.key) as [string, ...string[]];
  return z.object({
    perspective: z.enum(keys, { errorMap: () => ({ message: "Choose one of this case's perspectives." }) }),
    side: z.enum(STEELMAN_SIDES, { errorMap: () => ({ message: "Choose the side you are making the case for." }) }),
    body: markdownBody("Write the other side's best case."),
  });
}

/** A "fair to us" rating of one steelman, 1 to 5. */
export const steelmanRatingForm = z.object({
  steelmanId: id("Unknown steelman."),
  rating: wholeNumberField("Choose how fair it is, from 1 to 5.", { min: 1, max: 5 }),
});
export const steelmanIdForm = z.object({ steelmanId: id("Unknown steelman.") });
export const steelmanModerationForm = z.object({
  steelmanId: id("Unknown steelman."),
  reason: moderationReason,
});
