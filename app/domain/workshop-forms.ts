import { z } from "zod";
import { wholeNumberField } from "./whole-number";
import type { CaseDocument } from "./case-file";
import { STANDINGS } from "./permissions";
import { readRating } from "./role-play-texts";
import { readCapacity } from "./room-defences";
import { readTimerMinutes } from "./step-timer";
import { isStageId, TEXT_KINDS, type TextKind, type WorkshopPlan } from "./workshop-stages";
import { oneLineMessage, singleLine } from "./single-line";
import { TEXT_LIMITS } from "./text-limits";
import { keepToMessage, maxVisible, requiredText } from "./visible-length";

export const MAX_SUBMISSION_LENGTH = TEXT_LIMITS.submission;

export const createWorkshopForm = z.object({
  caseSlug: z.string({ required_error: "Choose a case." }).trim().min(1, "Choose a case.").max(80, "Choose a case from the list."),
  title: singleLine(maxVisible(requiredText("Give the workshop a title."), TEXT_LIMITS.workshopTitle, keepToMessage("the title", TEXT_LIMITS.workshopTitle)), oneLineMessage("the workshop title")),
  perspectives: z.array(z.string().max(40)).min(1, "Poll at least one perspective."),
  twoRounds: z.boolean(),
  resultsMode: z.enum(["live", "reveal"], { errorMap: () => ({ message: "Choose when the room sees results." }) }),
  askStanding: z.boolean(),
  /** Run as role-play (ADR 028): only on a case with role briefs, which the action checks. */
  rolePlay: z.boolean(),
});

/** Reads the create form, whose perspectives are checkboxes (several values under one name). */
export function readCreateWorkshopForm(formData: FormData) {
  return createWorkshopForm.safeParse({
    caseSlug: formData.get("caseSlug") ?? undefined,
    title: formData.get("title") ?? undefined,
    perspectives: formData.getAll("perspectives").filter((v): v is string => typeof v === "string"),
    twoRounds: formData.get("twoRounds") === "on",
    resultsMode: formData.get("resultsMode") ?? undefined,
    askStanding: formData.get("askStanding") === "on",
    rolePlay: formData.get("rolePlay") === "on",
  });
}

export const joinForm = z.object({
  code: z.string({ required_error: "Enter the code shown on the screen." }).max(40, "Enter the 6-character code shown on the screen."),
  displayName: singleLine(maxVisible(z.string().trim(), TEXT_LIMITS.participantName, keepToMessage("your name", TEXT_LIMITS.participantName)), oneLineMessage("your name"))
    .optional()
    .transform((v) => (v ? v : null)),
  standing: z
    .union([z.literal(""), z.enum(STANDINGS as [string, ...string[]])], { errorMap: () => ({ message: "Choose one of the listed standings." }) })
    .optional()
    .transform((v) => (v ? v : null)),
});

/** Schemas already built, by perspective keys and option ids (all a schema depends on). */
const voteForms = new Map<string, ReturnType<typeof buildVoteForm>>();

/**
 * One vote covers every polled perspective: fields `option-<key>` (the option's stable id, never
 * its position: ADR 017) and `judgement-<key>`. A workshop runs on one case version, so an id it
 * does not offer is simply not a choice. Built once per shape, because a room's whole burst of
 * votes uses the same one.
 */
export function workshopVoteForm(perspectives: CaseDocument["perspectives"]) {
  const shapeKey = JSON.stringify(perspectives.map((p) => [p.key, p.options.map((o) => o.id)]));
  let form = voteForms.get(shapeKey);
  if (!form) {
    if (voteForms.size >= 200) voteForms.clear();
    form = buildVoteForm(perspectives);
    voteForms.set(shapeKey, form);
  }
  return form;
}

function buildVoteForm(perspectives: CaseDocument["perspectives"]) {
  const shape: Record<string, z.ZodTypeAny> = {
    movedBy: z
      .union([z.literal(""), wholeNumberField("Choose an argument from the list.", { min: 1 })], { errorMap: () => ({ message: "Choose an argument from the list." }) })
      .optional()
      .transform((v) => (v === "" || v === undefined ? null : v)),
  };
  for (const p of perspectives) {
    const ids = p.options.map((o) => o.id) as [string, ...string[]];
    shape[`option-${p.key}`] = z.enum(ids, { errorMap: () => ({ message: `Choose what you would do as the ${p.key}.` }) });
    shape[`judgement-${p.key}`] = wholeNumberField(`Choose a judgement as the ${p.key}.`, { min: -3, max: 3 });
  }
  return z.object(shape);
}

export const submissionForm = z.object({
  kind: z.enum(["argument", "question"], { errorMap: () => ({ message: "Choose argument or question." }) }),
  body: maxVisible(requiredText("Write something first."), MAX_SUBMISSION_LENGTH, keepToMessage("it", MAX_SUBMISSION_LENGTH)),
});

export const idForm = (field: string, message: string) => z.object({ [field]: wholeNumberField(message, { min: 1 }) });

// The facilitator's controls (app/workshops/control.server.ts). Each schema reads one step of a
// control's form, in the order the control checks it, so the first refusal stays the same.

/** A confirmation box: true only when ticked ("yes"); the control says what ticking it means. */
const confirmed = z
  .string()
  .optional()
  .transform((v) => v === "yes");

export const confirmForm = z.object({ confirm: confirmed });

/** Next or Back may name the stage the page showed (ADR 016): a repeat then finds the workshop already moved. */
export const stageMoveForm = (plan: WorkshopPlan) =>
  z.object({
    from: z
      .string()
      .refine((from) => isStageId(from, plan) && from !== "ended", "from: name the stage you are moving from, as the control panel shows it.")
      .optional(),
  });

/** Which of the plan's rounds to reset, and the box that confirms its votes go. */
export const resetRoundForm = (rounds: readonly number[]) => {
  const message = `Choose round ${rounds.slice(0, -1).join(", ")} or ${rounds.at(-1)} to reset.`;
  return z.object({
    round: wholeNumberField(message).refine((round) => rounds.includes(round), message),
    confirm: confirmed,
  });
};

/** A schema that hands one field to a domain reader, whose message becomes the field's error. */
function readField<T>(field: string, read: (raw: string | null) => { ok: true; value: T } | { ok: false; message: string }) {
  return z.object({ [field]: z.string().optional() }).transform((form, ctx) => {
    const result = read(form[field] ?? null);
    if (result.ok) return result.value;
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: result.message });
    return z.NEVER;
  });
}

/** The room's capacity: empty for none (readCapacity). */
export const capacityForm = readField("capacity", (raw) => {
  const read = readCapacity(raw);
  return read.ok ? { ok: true, value: read.capacity } : read;
});

/** The step timer's minutes (readTimerMinutes). */
export const timerForm = readField("minutes", (raw) => {
  const read = readTimerMinutes(raw);
  return read.ok ? { ok: true, value: read.minutes } : read;
});

/** How far back to count joins; burstWindow decides which windows there are. */
export const voidBurstForm = (message: string) => z.object({ minutes: wholeNumberField(message) });

/** The window the count showed (readBurstWindow checks it), and the box that confirms the removal. */
export const voidBurstConfirmForm = z.object({ since: z.string().optional(), until: z.string().optional(), confirm: confirmed });

/** The state the spotlight button asked for: "on" (also when absent) or "off". */
export const spotlightForm = z.object({
  spotlight: z.enum(["on", "off"], { errorMap: () => ({ message: "spotlight: must be on or off." }) }).default("on"),
});

/** One of this room's roles. */
export const roleChoiceForm = (roles: readonly string[], message: string) =>
  z.object({
    role: z.string({ message }).refine((role) => roles.includes(role), message),
  });

// A phone's role-play steps (app/workshops/role-play-steps.server.ts).

export const textKindForm = z.object({
  kind: z.enum(TEXT_KINDS, { errorMap: () => ({ message: "kind: choose steelman or rehearsal." }) }),
});

/** A rating of a text of `kind` (readRating: 1 to 5 for a steelman, yes or no per criterion for a rehearsal line). */
export const textRatingForm = (kind: TextKind) =>
  z.record(z.string()).transform((values, ctx) => {
    const read = readRating(kind, { get: (name) => values[name] ?? null });
    if (read.ok) return read.rating;
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [read.field], message: read.message });
    return z.NEVER;
  });

/** The state the upvote button showed it would give: "yes" (also when absent) or "no". */
export const upvoteForm = z.object({
  upvoted: z.enum(["yes", "no"], { errorMap: () => ({ message: "upvoted: must be yes or no." }) }).default("yes"),
});
