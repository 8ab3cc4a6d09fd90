import { z } from "zod";
import { LENSES, type CaseDocument } from "./case-file";
import { markdownRenderProblem } from "./markdown";
import { CONFIDENCE_LEVELS, LEGAL_ANSWERS, SIDES } from "./scales";
import { oneLineMessage, singleLine } from "./single-line";
import { TEXT_LIMITS } from "./text-limits";
import { keepToMessage, maxVisible, minVisible, visibleLengthProblem } from "./visible-length";

export const MAX_ARGUMENT_LENGTH = TEXT_LIMITS.argument;
export const MAX_REASON_LENGTH = TEXT_LIMITS.moderationReason;

const id = (message: string) => z.coerce.number({ invalid_type_error: message }).int(message).positive(message);

const body = maxVisible(z.string({ required_error: "Write your argument." }).trim().min(1, "Write something before posting."), MAX_ARGUMENT_LENGTH, keepToMessage("it", MAX_ARGUMENT_LENGTH))
  // What is stored must render: one post the renderer cannot handle would otherwise be a notice on every view.
  .superRefine((text: string, ctx) => {
    // zod runs this even after the limit failed: a body over the limit is refused already, and not worth rendering.
    if (visibleLengthProblem(text, MAX_ARGUMENT_LENGTH)) return;
    const problem = markdownRenderProblem(text);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Your text ${problem}.` });
  });

/** z.coerce.number turns "" into 0, which would record an unanswered field as the first option or "Torn". */
const blankAsMissing = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** A position on one perspective of this case; the option arrives as its index in the list shown. */
export function positionForm(doc: CaseDocument) {
  const keys = doc.perspectives.map((p) => p.key) as [string, ...string[]];
  return z
    .object({
      perspective: z.enum(keys, { errorMap: () => ({ message: "Choose one of this case's perspectives." }) }),
      option: z.preprocess(blankAsMissing, z.coerce.number({ invalid_type_error: "Choose what you would do." }).int("Choose what you would do.")),
      judgement: z.preprocess(
        blankAsMissing,
        z.coerce
          .number({ invalid_type_error: "Choose a judgement on the scale." })
          .int("Choose a judgement on the scale.")
          .min(-3, "Choose a judgement on the scale.")
          .max(3, "Choose a judgement on the scale."),
      ),
      legal: z.enum(LEGAL_ANSWERS, { errorMap: () => ({ message: "Say whether it was legal or within policy (yes, no or unsure)." }) }),
      confidence: z.enum(CONFIDENCE_LEVELS, { errorMap: () => ({ message: "Choose how confident you are." }) }),
      movedBy: z
        .union([z.literal(""), id("Choose an argument from the list.")], { errorMap: () => ({ message: "Choose an argument from the list." }) })
        .optional()
        .transform((value) => (value === "" || value === undefined ? null : value)),
    })
    .superRefine((value, ctx) => {
      const options = doc.perspectives.find((p) => p.key === value.perspective)?.options ?? [];
      if (value.option < 0 || value.option >= options.length) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["option"], message: "Choose what you would do." });
      }
    });
}

export function argumentForm(doc: CaseDocument) {
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
export const moderationForm = z.object({
  argumentId: id("Unknown argument."),
  reason: singleLine(
    maxVisible(
      minVisible(z.string({ required_error: "Give a reason; it is kept in the audit log." }).trim(), 3, "Give a reason; it is kept in the audit log."),
      MAX_REASON_LENGTH,
      keepToMessage("the reason", MAX_REASON_LENGTH),
    ),
    oneLineMessage("the reason"),
  ),
});
