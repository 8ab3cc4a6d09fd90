/**
 * The case page's form actions: positions, arguments, replies, endorsements, edits,
 * steelmen and their ratings (ADR 031), and moderation. Each checks who may do it and answers
 * with field errors or what changed. The creates (a position, an argument, a reply, an
 * endorsement, a steelman, a rating) are idempotent per submission: a repeat of a form's key gets
 * the first answer (ADR 016).
 */
import type { DB } from "../../db/client";
import type { ArgumentStatus } from "../../db/schema";
import type { ZodType, ZodTypeDef } from "zod";
import { readConfig } from "../platform/config.server";
import { db } from "../platform/db.server";
import { canEditArgument, MAX_THREAD_DEPTH } from "../domain/argument-threads";
import type { CaseDocument } from "../domain/case-file";
import { argumentContribution, creditRefusal } from "../domain/counting";
import { argumentForm, argumentIdForm, editForm, moderationForm, positionForm, replyForm, steelmanForm, steelmanIdForm, steelmanModerationForm, steelmanRatingForm } from "../domain/debate-forms";
import { ratingRefusal, steelmanSideRefusal } from "../domain/steelmen";
import { findMySteelman, findSteelman, rateSteelman, releaseSteelmenIfDue, saveSteelman, setSteelmanStatus } from "../models/steelmen.server";
import { KEY_REUSED_MESSAGE } from "../domain/idempotency";
import { isolate } from "../domain/bidi";
import { renderMarkdown } from "../domain/markdown";
import { readSubmission } from "../http/idempotency.server";
import { can } from "../domain/permissions";
import { parseForm, type ActionOutcome, type FieldErrors } from "../http/forms";
import { createArgument, createReply, depthOf, editArgumentBody, findArgument, setArgumentStatus, toggleEndorsement } from "../models/arguments.server";
import { recordAudit } from "../models/audit.server";
import { answerOnce } from "../models/idempotency-keys.server";
import { findCaseVersionByNumber, type CaseRecord } from "../models/cases.server";
import { mapBallotOption } from "../domain/option-identity";
import { answeredPerspectives, currentJudgement, recordPosition } from "../models/positions.server";
import { currentRelease } from "../models/result-releases.server";
import type { PublicUser } from "../models/users.server";

export interface CaseActionResult {
  intent: string;
  /** Which form on the page the result belongs to: a perspective key or an argument id. */
  target: string;
  errors: FieldErrors;
  values?: Record<string, string>;
  message?: string;
  previewHtml?: string;
}

type Outcome = ActionOutcome<CaseActionResult>;

/** What every intent's handler is given: the case, who acts, the form, and the database to use (a create's is its idempotency key's transaction). */
interface IntentContext {
  database: DB;
  found: CaseRecord;
  doc: CaseDocument;
  user: PublicUser;
  formData: FormData;
  intent: string;
  /** The form on the page this intent answers (`CaseIntent.target`). */
  target: string;
}

/** One intent of the case page: the form it answers, whether it creates something (once per submission, ADR 016), and its handler. */
interface CaseIntent {
  target: (formData: FormData) => string;
  creates?: true;
  run: (context: IntentContext) => Promise<Outcome>;
}

const ok = ({ intent, target }: IntentContext, message: string, to = target): Outcome => ({ status: 200, body: { intent, target: to, errors: {}, message } });
const refused = ({ intent, target }: Pick<IntentContext, "intent" | "target">, status: number, message: string): Outcome => ({
  status,
  body: { intent, target, errors: { form: message }, message: undefined },
});
const invalid = ({ intent, target }: IntentContext, errors: FieldErrors, values: Record<string, string>): Outcome => ({
  status: 400,
  body: { intent, target, errors, values },
});

function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") values[key] = value;
  return values;
}

const field = (name: string) => (formData: FormData) => String(formData.get(name) ?? "");

async function argumentOnCase(context: IntentContext) {
  const form = parseForm(argumentIdForm, context.formData);
  if (!form.ok) return { error: refused({ ...context, target: "" }, 400, "That argument does not exist.") };
  const argument = await findArgument(context.database, form.data.argumentId);
  if (!argument || argument.caseId !== context.found.id) return { error: refused(context, 404, "That argument does not exist on this case.") };
  return { argument };
}

// Built before INTENTS names them (`moderate` itself is hoisted). The log names an argument's author.
const moderateArgument = moderate({
  kind: "argument",
  plural: "arguments",
  form: moderationForm,
  find: (database, form) => findArgument(database, form.argumentId),
  setStatus: setArgumentStatus,
  detail: (slug, argument, reason) => `${slug}, by ${isolate(argument.authorName)}: ${isolate(reason)}`,
});

/** A steelman's log names no author (ADR 031). */
const moderateSteelman = moderate({
  kind: "steelman",
  plural: "steelmen",
  form: steelmanModerationForm,
  find: (database, form) => findSteelman(database, form.steelmanId),
  setStatus: setSteelmanStatus,
  detail: (slug, _steelman, reason) => `${slug}: ${isolate(reason)}`,
});

/** Every intent the case page's forms send, by name. */
const INTENTS: Record<string, CaseIntent> = {
  position: { target: field("perspective"), creates: true, run: answerPerspective },
  preview: { target: () => "new", run: postArgument },
  argument: { target: () => "new", creates: true, run: postArgument },
  reply: { target: field("parentId"), creates: true, run: postReply },
  endorse: { target: field("argumentId"), creates: true, run: toggleEndorsementOf },
  edit: { target: field("argumentId"), run: editArgument },
  delete: { target: field("argumentId"), run: deleteArgument },
  hide: { target: field("argumentId"), run: moderateArgument },
  restore: { target: field("argumentId"), run: moderateArgument },
  steelman: { target: (formData) => `steelman-${field("perspective")(formData)}`, creates: true, run: writeSteelman },
  "rate-steelman": { target: (formData) => `steelman-${field("steelmanId")(formData)}`, creates: true, run: rateSteelmanOf },
  "steelman-delete": { target: (formData) => `steelman-${field("steelmanId")(formData)}`, run: deleteSteelman },
  "steelman-hide": { target: (formData) => `steelman-${field("steelmanId")(formData)}`, run: moderateSteelman },
  "steelman-restore": { target: (formData) => `steelman-${field("steelmanId")(formData)}`, run: moderateSteelman },
};

/**
 * Runs one form of the case page (`intent` names it, INTENTS lists them). A create runs once per
 * idempotency key: a repeat gets the first answer (`replayed`), a key reused for another form a
 * 422. An answer that is the k-th since the last release releases the results and the steelmen.
 */
export async function handleCaseAction(found: CaseRecord, user: PublicUser, formData: FormData): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "");
  const handler = Object.hasOwn(INTENTS, intent) ? INTENTS[intent]! : undefined;
  if (!handler) return refused({ intent, target: "" }, 400, "Unknown action.");
  const target = handler.target(formData);
  const contextIn = (database: DB): IntentContext => ({ database, found, doc: found.doc, user, formData, intent, target });
  if (!handler.creates) return handler.run(contextIn(db()));
  const read = readSubmission(formData, null, `user:${user.id}`, `case:${found.id}`, intent);
  if (!read.ok) return refused({ intent, target }, 400, read.message);
  const once = await answerOnce(db(), read.submission, (trx) => handler.run(contextIn(trx)));
  if (once.kind === "reused") return refused({ intent, target }, 422, KEY_REUSED_MESSAGE);
  // The k-th new answer since the last release releases the results (and the library's count).
  if (once.kind === "first" && intent === "position" && once.answer.status === 200) {
    await currentRelease(db(), found.id, readConfig().kThreshold, "trigger");
    // Steelmen open and their scores move only at a release of the results (ADR 031).
    await releaseSteelmenIfDue(db(), found.id, readConfig().kThreshold);
  }
  return { ...once.answer, replayed: once.kind === "repeat" };
}

/** A position on one perspective: option, judgement, legal answer, confidence, and what changed the person's mind. */
async function answerPerspective(context: IntentContext): Promise<Outcome> {
  const { database, found, doc, user, formData } = context;
  const form = parseForm(positionForm(doc), formData);
  if (!form.ok) return invalid(context, form.errors, form.values);
  const { perspective, option, judgement, legal, confidence, movedBy } = form.data;
  if (movedBy !== null) {
    // Only a visible argument by someone else can be what moved you (counting.ts).
    const argument = await findArgument(database, movedBy);
    const refusal = creditRefusal("moved-by", argument && argument.caseId === found.id ? argumentContribution(argument) : undefined, user.id);
    if (refusal) return invalid(context, { movedBy: refusal.message }, formValues(formData));
    // What changed your mind on this perspective is an argument about it, named when you change
    // an answer: a first answer names nothing (persuasion.ts counts re-answers only).
    if (argument!.perspective !== perspective) {
      return invalid(context, { movedBy: `Name an argument made as the ${perspective}, or "No particular argument".` }, formValues(formData));
    }
    if (!(await answeredPerspectives(database, user.id, found.id)).has(perspective)) {
      return invalid(context, { movedBy: "You can name what changed your mind once you change an answer; this is your first answer here." }, formValues(formData));
    }
  }
  // The form names its option by id and says which version it showed (ADR 017).
  const shown = form.data.version === found.version ? { id: found.versionId, doc } : await findCaseVersionByNumber(database, found.id, form.data.version);
  if (!shown || form.data.version > found.version) {
    return invalid(context, { version: "This form names a version of the case that does not exist. Reload the page and answer again." }, formValues(formData));
  }
  const mapped = mapBallotOption(
    shown.doc.perspectives.find((p) => p.key === perspective),
    doc.perspectives.find((p) => p.key === perspective)!,
    option,
    found.version,
  );
  if (!mapped.ok) return { status: mapped.status, body: { intent: context.intent, target: context.target, errors: { [mapped.field]: mapped.message }, values: formValues(formData) } };
  const saved = await recordPosition(database, {
    caseId: found.id,
    // Counted on the current version, which offers the option (moved or reworded, it is the same one).
    caseVersionId: found.versionId,
    userId: user.id,
    perspective,
    option: mapped.option,
    judgement,
    legal,
    confidence,
    standing: user.standing,
    movedByArgumentId: movedBy,
  });
  return ok(context, saved.changed ? `Your new answer as the ${perspective} is saved; your earlier one stays in your history.` : `Your answer as the ${perspective} is saved.`);
}

/** A new argument, or its preview (rendered, nothing saved). */
async function postArgument(context: IntentContext): Promise<Outcome> {
  const form = parseForm(argumentForm(context.doc), context.formData);
  if (!form.ok) return invalid(context, form.errors, form.values);
  if (context.intent === "preview") {
    return { status: 200, body: { intent: context.intent, target: context.target, errors: {}, values: formValues(context.formData), previewHtml: renderMarkdown(form.data.body) } };
  }
  await createArgument(context.database, { caseId: context.found.id, userId: context.user.id, ...form.data });
  return ok(context, "Your argument is posted.");
}

async function postReply(context: IntentContext): Promise<Outcome> {
  const { database, found, user } = context;
  const form = parseForm(replyForm, context.formData);
  if (!form.ok) return invalid(context, form.errors, form.values);
  const parent = await findArgument(database, form.data.parentId);
  if (!parent || parent.caseId !== found.id || parent.status !== "visible") return refused(context, 404, "That argument is no longer open for replies.");
  if ((await depthOf(database, parent.id)) >= MAX_THREAD_DEPTH - 1) return refused(context, 400, "Replies go at most two levels deep; reply to the post above instead.");
  await createReply(database, { caseId: found.id, userId: user.id, parentId: parent.id, body: form.data.body });
  return ok(context, "Your reply is posted.");
}

/** Marks an argument as one that moved the person, or withdraws the mark. */
async function toggleEndorsementOf(context: IntentContext): Promise<Outcome> {
  const { argument, error } = await argumentOnCase(context);
  if (error) return error;
  const at = { ...context, target: String(argument.id) };
  const refusal = creditRefusal("endorsement", argumentContribution(argument), context.user.id);
  if (refusal) return refused(at, refusal.reason === "own" ? 403 : 400, refusal.message);
  const result = await toggleEndorsement(context.database, argument.id, context.user.id);
  return ok(at, result === "endorsed" ? "Marked as an argument that moved you." : "Endorsement withdrawn.");
}

/** Its author's edit, within 15 minutes of posting. */
async function editArgument(context: IntentContext): Promise<Outcome> {
  const form = parseForm(editForm, context.formData);
  if (!form.ok) return invalid(context, form.errors, form.values);
  const argument = await findArgument(context.database, form.data.argumentId);
  if (!argument || argument.caseId !== context.found.id) return refused(context, 404, "That argument does not exist on this case.");
  if (argument.userId !== context.user.id) return refused(context, 403, "Only its author can edit an argument.");
  if (!canEditArgument(argument, context.user.id, new Date())) return refused(context, 403, "Arguments can be edited for 15 minutes after posting.");
  await editArgumentBody(context.database, argument.id, form.data.body);
  return ok(context, "Your edit is saved.");
}

async function deleteArgument(context: IntentContext): Promise<Outcome> {
  const { argument, error } = await argumentOnCase(context);
  if (error) return error;
  const at = { ...context, target: String(argument.id) };
  if (argument.userId !== context.user.id) return refused(at, 403, "Only its author can delete an argument.");
  await setArgumentStatus(context.database, argument.id, "deleted", null);
  await recordAudit(context.database, {
    actorUserId: context.user.id,
    action: "argument.deleted",
    subjectType: "argument",
    subjectId: String(argument.id),
    detail: `by its author on ${context.found.slug}`,
  });
  return ok(at, "Deleted.");
}

/** Writes or rewrites the person's steelman of one perspective's other side (ADR 031). */
async function writeSteelman(context: IntentContext): Promise<Outcome> {
  const { database, found, user, formData } = context;
  const form = parseForm(steelmanForm(context.doc), formData);
  if (!form.ok) return invalid(context, form.errors, form.values);
  const { perspective, side, body } = form.data;
  const sideProblem = steelmanSideRefusal(await currentJudgement(database, user.id, found.id, perspective), side);
  if (sideProblem) return invalid(context, { side: sideProblem }, formValues(formData));
  const mine = await findMySteelman(database, found.id, user.id, perspective);
  // Raters rate the text they read: once open, a steelman stays as it was rated (ADR 031).
  if (mine && mine.opened) return refused(context, 409, "Your steelman is open for rating, so it can no longer be changed.");
  if (mine && mine.status === "hidden") return refused(context, 403, "A moderator has hidden your steelman; it cannot be changed.");
  const saved = await saveSteelman(database, { caseId: found.id, userId: user.id, perspective, side, body });
  return ok(context, saved === "created" ? "Your steelman is saved. It opens for rating with others, at the next release of the results." : "Your steelman is updated.");
}

/** A "fair to us" rating by someone on the steelman's side (`ratingRefusal`). */
async function rateSteelmanOf(context: IntentContext): Promise<Outcome> {
  const { database, found, user } = context;
  const form = parseForm(steelmanRatingForm, context.formData);
  if (!form.ok) return invalid(context, form.errors, form.values);
  const steelman = await findSteelman(database, form.data.steelmanId);
  const onCase = steelman && steelman.caseId === found.id ? steelman : undefined;
  const refusal = ratingRefusal(onCase, user.id, onCase ? await currentJudgement(database, user.id, found.id, onCase.perspective) : undefined);
  if (refusal) return refused(context, refusal.status, refusal.message);
  const rated = await rateSteelman(database, onCase!.id, user.id, form.data.rating);
  return ok(context, rated === "rated" ? "Your rating is saved. Nobody sees who rated." : "Your rating is changed.");
}

async function deleteSteelman(context: IntentContext): Promise<Outcome> {
  const form = parseForm(steelmanIdForm, context.formData);
  if (!form.ok) return refused(context, 400, "That steelman does not exist.");
  const steelman = await findSteelman(context.database, form.data.steelmanId);
  if (!steelman || steelman.caseId !== context.found.id || steelman.status === "deleted") return refused(context, 404, "That steelman does not exist on this case.");
  if (steelman.userId !== context.user.id) return refused(context, 403, "Only its author can delete a steelman.");
  await setSteelmanStatus(context.database, steelman.id, "deleted", null);
  return ok(context, "Your steelman is deleted.", `steelman-${steelman.perspective}`);
}

/** What moderating one kind of text needs: its form, how it is found and hidden, and what the audit log says of it. */
interface Moderated<F, T extends { id: number; caseId: number; status: ArgumentStatus }> {
  kind: "argument" | "steelman";
  /** The refusal's words for the kind: "arguments", "steelmen". */
  plural: string;
  form: ZodType<F, ZodTypeDef, unknown>;
  find: (database: DB, form: F) => Promise<T | undefined>;
  setStatus: (database: DB, id: number, status: ArgumentStatus, reason: string | null) => Promise<void>;
  /** The audit log's detail: where, and (for an argument) whose. */
  detail: (slug: string, text: T, reason: string) => string;
}

/** A moderator hides a text of one kind (with a reason, kept in the audit log) or restores it. */
function moderate<F extends { reason: string }, T extends { id: number; caseId: number; status: ArgumentStatus }>(kind: Moderated<F, T>) {
  return async (context: IntentContext): Promise<Outcome> => {
    const { database, found, user, intent } = context;
    if (!can(user.role, "argument.moderate")) return refused(context, 403, `Only facilitators and admins can hide or restore ${kind.plural}.`);
    const form = parseForm(kind.form, context.formData);
    if (!form.ok) return invalid(context, form.errors, form.values);
    const text = await kind.find(database, form.data);
    if (!text || text.caseId !== found.id || text.status === "deleted") return refused(context, 404, `That ${kind.kind} does not exist on this case.`);
    const hide = intent === "hide" || intent === "steelman-hide";
    await kind.setStatus(database, text.id, hide ? "hidden" : "visible", hide ? form.data.reason : null);
    await recordAudit(database, {
      actorUserId: user.id,
      action: `${kind.kind}.${hide ? "hidden" : "restored"}`,
      subjectType: kind.kind,
      subjectId: String(text.id),
      detail: kind.detail(found.slug, text, form.data.reason),
    });
    return ok(context, hide ? "Hidden; the reason is in the audit log." : "Restored.");
  };
}
