/**
 * The case page's form actions: positions, arguments, replies, endorsements, edits,
 * steelmen and their ratings (ADR 031), and moderation. Each checks who may do it and answers
 * with field errors or what changed. The creates (a position, an argument, a reply, an
 * endorsement, a steelman, a rating) are idempotent per submission: a repeat of a form's key gets
 * the first answer (ADR 016).
 */
import type { DB } from "../db/client";
import { readConfig } from "./config.server";
import { db } from "./db.server";
import { canEditArgument, MAX_THREAD_DEPTH } from "./domain/argument-threads";
import type { CaseDocument } from "./domain/case-file";
import { argumentContribution, creditRefusal } from "./domain/counting";
import { argumentForm, argumentIdForm, editForm, moderationForm, positionForm, replyForm, steelmanForm, steelmanIdForm, steelmanModerationForm, steelmanRatingForm } from "./domain/debate-forms";
import { ratingRefusal, steelmanSideRefusal } from "./domain/steelmen";
import { findMySteelman, findSteelman, rateSteelman, releaseSteelmenIfDue, saveSteelman, setSteelmanStatus } from "./models/steelmen.server";
import { KEY_REUSED_MESSAGE } from "./domain/idempotency";
import { isolate } from "./domain/bidi";
import { renderMarkdown } from "./domain/markdown";
import { readSubmission } from "./idempotency.server";
import { can } from "./domain/permissions";
import { parseForm, type FieldErrors } from "./forms";
import { createArgument, createReply, depthOf, editArgumentBody, findArgument, setArgumentStatus, toggleEndorsement } from "./models/arguments.server";
import { recordAudit } from "./models/audit.server";
import { answerOnce } from "./models/idempotency-keys.server";
import { findCaseVersionByNumber, type CaseRecord } from "./models/cases.server";
import { mapBallotOption } from "./domain/option-identity";
import { answeredPerspectives, currentJudgement, recordPosition } from "./models/positions.server";
import { currentRelease } from "./models/result-releases.server";
import type { PublicUser } from "./models/users.server";

export interface CaseActionResult {
  intent: string;
  /** Which form on the page the result belongs to: a perspective key or an argument id. */
  target: string;
  errors: FieldErrors;
  values?: Record<string, string>;
  message?: string;
  previewHtml?: string;
}

/** `replayed`: the first answer to this submission's idempotency key, sent again. */
type Outcome = { status: number; body: CaseActionResult; replayed?: boolean };

const ok = (intent: string, target: string, message: string): Outcome => ({ status: 200, body: { intent, target, errors: {}, message } });
const refused = (status: number, intent: string, target: string, message: string): Outcome => ({
  status,
  body: { intent, target, errors: { form: message }, message: undefined },
});
const invalid = (intent: string, target: string, errors: FieldErrors, values: Record<string, string>): Outcome => ({
  status: 400,
  body: { intent, target, errors, values },
});

function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") values[key] = value;
  return values;
}

async function argumentOnCase(database: DB, caseId: number, formData: FormData, intent: string) {
  const form = parseForm(argumentIdForm, formData);
  if (!form.ok) return { error: refused(400, intent, "", "That argument does not exist.") };
  const argument = await findArgument(database, form.data.argumentId);
  if (!argument || argument.caseId !== caseId) return { error: refused(404, intent, String(form.data.argumentId), "That argument does not exist on this case.") };
  return { argument };
}

/** The intents that create something, and the form each answers to (a perspective key, "new", an argument id). */
const CREATES: Record<string, (formData: FormData) => string> = {
  position: (formData) => String(formData.get("perspective") ?? ""),
  argument: () => "new",
  reply: (formData) => String(formData.get("parentId") ?? ""),
  endorse: (formData) => String(formData.get("argumentId") ?? ""),
  steelman: (formData) => `steelman-${String(formData.get("perspective") ?? "")}`,
  "rate-steelman": (formData) => `steelman-${String(formData.get("steelmanId") ?? "")}`,
};

export async function handleCaseAction(found: CaseRecord, user: PublicUser, formData: FormData): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "");
  const targetOf = CREATES[intent];
  if (!targetOf) return act(db(), found, user, formData, intent);
  const read = readSubmission(formData, null, `user:${user.id}`, `case:${found.id}`, intent);
  if (!read.ok) return refused(400, intent, targetOf(formData), read.message);
  const once = await answerOnce(db(), read.submission, (trx) => act(trx, found, user, formData, intent));
  if (once.kind === "reused") return refused(422, intent, targetOf(formData), KEY_REUSED_MESSAGE);
  // The k-th new answer since the last release releases the results (and the library's count).
  if (once.kind === "first" && intent === "position" && once.answer.status === 200) {
    await currentRelease(db(), found.id, readConfig().kThreshold, "trigger");
    // Steelmen open and their scores move only at a release of the results (ADR 031).
    await releaseSteelmenIfDue(db(), found.id, readConfig().kThreshold);
  }
  return { ...once.answer, replayed: once.kind === "repeat" };
}

/** One action; a create runs inside its idempotency key's transaction, so every query goes through `database`. */
async function act(database: DB, found: CaseRecord, user: PublicUser, formData: FormData, intent: string): Promise<Outcome> {
  const doc: CaseDocument = found.doc;

  switch (intent) {
    case "position": {
      const target = String(formData.get("perspective") ?? "");
      const form = parseForm(positionForm(doc), formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const { perspective, option, judgement, legal, confidence, movedBy } = form.data;
      if (movedBy !== null) {
        // Only a visible argument by someone else can be what moved you (counting.ts).
        const argument = await findArgument(database, movedBy);
        const refusal = creditRefusal("moved-by", argument && argument.caseId === found.id ? argumentContribution(argument) : undefined, user.id);
        if (refusal) return invalid(intent, target, { movedBy: refusal.message }, formValues(formData));
        // What changed your mind on this perspective is an argument about it, named when you change
        // an answer: a first answer names nothing (persuasion.ts counts re-answers only).
        if (argument!.perspective !== perspective) {
          return invalid(intent, target, { movedBy: `Name an argument made as the ${perspective}, or "No particular argument".` }, formValues(formData));
        }
        if (!(await answeredPerspectives(database, user.id, found.id)).has(perspective)) {
          return invalid(intent, target, { movedBy: "You can name what changed your mind once you change an answer; this is your first answer here." }, formValues(formData));
        }
      }
      // The form names its option by id and says which version it showed (ADR 017).
      const shown = form.data.version === found.version ? { id: found.versionId, doc } : await findCaseVersionByNumber(database, found.id, form.data.version);
      if (!shown || form.data.version > found.version) {
        return invalid(intent, target, { version: "This form names a version of the case that does not exist. Reload the page and answer again." }, formValues(formData));
      }
      const mapped = mapBallotOption(
        shown.doc.perspectives.find((p) => p.key === perspective),
        doc.perspectives.find((p) => p.key === perspective)!,
        option,
        found.version,
      );
      if (!mapped.ok) return { status: mapped.status, body: { intent, target, errors: { [mapped.field]: mapped.message }, values: formValues(formData) } };
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
      return ok(intent, perspective, saved.changed ? `Your new answer as the ${perspective} is saved; your earlier one stays in your history.` : `Your answer as the ${perspective} is saved.`);
    }

    case "preview":
    case "argument": {
      const form = parseForm(argumentForm(doc), formData);
      if (!form.ok) return invalid(intent, "new", form.errors, form.values);
      if (intent === "preview") {
        return { status: 200, body: { intent, target: "new", errors: {}, values: formValues(formData), previewHtml: renderMarkdown(form.data.body) } };
      }
      await createArgument(database, { caseId: found.id, userId: user.id, ...form.data });
      return ok(intent, "new", "Your argument is posted.");
    }

    case "reply": {
      const form = parseForm(replyForm, formData);
      const target = String(formData.get("parentId") ?? "");
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const parent = await findArgument(database, form.data.parentId);
      if (!parent || parent.caseId !== found.id || parent.status !== "visible") return refused(404, intent, target, "That argument is no longer open for replies.");
      if ((await depthOf(database, parent.id)) >= MAX_THREAD_DEPTH - 1) return refused(400, intent, target, "Replies go at most two levels deep; reply to the post above instead.");
      await createReply(database, { caseId: found.id, userId: user.id, parentId: parent.id, body: form.data.body });
      return ok(intent, target, "Your reply is posted.");
    }

    case "endorse": {
      const { argument, error } = await argumentOnCase(database, found.id, formData, intent);
      if (error) return error;
      const refusal = creditRefusal("endorsement", argumentContribution(argument), user.id);
      if (refusal) return refused(refusal.reason === "own" ? 403 : 400, intent, String(argument.id), refusal.message);
      const result = await toggleEndorsement(database, argument.id, user.id);
      return ok(intent, String(argument.id), result === "endorsed" ? "Marked as an argument that moved you." : "Endorsement withdrawn.");
    }

    case "edit": {
      const form = parseForm(editForm, formData);
      const target = String(formData.get("argumentId") ?? "");
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const argument = await findArgument(database, form.data.argumentId);
      if (!argument || argument.caseId !== found.id) return refused(404, intent, target, "That argument does not exist on this case.");
      if (argument.userId !== user.id) return refused(403, intent, target, "Only its author can edit an argument.");
      if (!canEditArgument(argument, user.id, new Date())) return refused(403, intent, target, "Arguments can be edited for 15 minutes after posting.");
      await editArgumentBody(database, argument.id, form.data.body);
      return ok(intent, target, "Your edit is saved.");
    }

    case "delete": {
      const { argument, error } = await argumentOnCase(database, found.id, formData, intent);
      if (error) return error;
      if (argument.userId !== user.id) return refused(403, intent, String(argument.id), "Only its author can delete an argument.");
      await setArgumentStatus(database, argument.id, "deleted", null);
      await recordAudit(database, { actorUserId: user.id, action: "argument.deleted", subjectType: "argument", subjectId: String(argument.id), detail: `by its author on ${found.slug}` });
      return ok(intent, String(argument.id), "Deleted.");
    }

    case "hide":
    case "restore": {
      const target = String(formData.get("argumentId") ?? "");
      if (!can(user.role, "argument.moderate")) return refused(403, intent, target, "Only facilitators and admins can hide or restore arguments.");
      const form = parseForm(moderationForm, formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const argument = await findArgument(database, form.data.argumentId);
      if (!argument || argument.caseId !== found.id || argument.status === "deleted") return refused(404, intent, target, "That argument does not exist on this case.");
      await setArgumentStatus(database, argument.id, intent === "hide" ? "hidden" : "visible", intent === "hide" ? form.data.reason : null);
      await recordAudit(database, {
        actorUserId: user.id,
        action: intent === "hide" ? "argument.hidden" : "argument.restored",
        subjectType: "argument",
        subjectId: String(argument.id),
        detail: `${found.slug}, by ${isolate(argument.authorName)}: ${isolate(form.data.reason)}`,
      });
      return ok(intent, target, intent === "hide" ? "Hidden; the reason is in the audit log." : "Restored.");
    }

    case "steelman": {
      const target = `steelman-${String(formData.get("perspective") ?? "")}`;
      const form = parseForm(steelmanForm(doc), formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const { perspective, side, body } = form.data;
      const sideProblem = steelmanSideRefusal(await currentJudgement(database, user.id, found.id, perspective), side);
      if (sideProblem) return invalid(intent, target, { side: sideProblem }, formValues(formData));
      const mine = await findMySteelman(database, found.id, user.id, perspective);
      // Raters rate the text they read: once open, a steelman stays as it was rated (ADR 031).
      if (mine && mine.opened) return refused(409, intent, target, "Your steelman is open for rating, so it can no longer be changed.");
      if (mine && mine.status === "hidden") return refused(403, intent, target, "A moderator has hidden your steelman; it cannot be changed.");
      const saved = await saveSteelman(database, { caseId: found.id, userId: user.id, perspective, side, body });
      return ok(intent, target, saved === "created" ? "Your steelman is saved. It opens for rating with others, at the next release of the results." : "Your steelman is updated.");
    }

    case "rate-steelman": {
      const target = `steelman-${String(formData.get("steelmanId") ?? "")}`;
      const form = parseForm(steelmanRatingForm, formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const steelman = await findSteelman(database, form.data.steelmanId);
      const onCase = steelman && steelman.caseId === found.id ? steelman : undefined;
      const refusal = ratingRefusal(onCase, user.id, onCase ? await currentJudgement(database, user.id, found.id, onCase.perspective) : undefined);
      if (refusal) return refused(refusal.status, intent, target, refusal.message);
      const rated = await rateSteelman(database, onCase!.id, user.id, form.data.rating);
      return ok(intent, target, rated === "rated" ? "Your rating is saved. Nobody sees who rated." : "Your rating is changed.");
    }

    case "steelman-delete": {
      const form = parseForm(steelmanIdForm, formData);
      const target = `steelman-${String(formData.get("steelmanId") ?? "")}`;
      if (!form.ok) return refused(400, intent, target, "That steelman does not exist.");
      const steelman = await findSteelman(database, form.data.steelmanId);
      if (!steelman || steelman.caseId !== found.id || steelman.status === "deleted") return refused(404, intent, target, "That steelman does not exist on this case.");
      if (steelman.userId !== user.id) return refused(403, intent, target, "Only its author can delete a steelman.");
      await setSteelmanStatus(database, steelman.id, "deleted", null);
      return ok(intent, `steelman-${steelman.perspective}`, "Your steelman is deleted.");
    }

    case "steelman-hide":
    case "steelman-restore": {
      const target = `steelman-${String(formData.get("steelmanId") ?? "")}`;
      if (!can(user.role, "argument.moderate")) return refused(403, intent, target, "Only facilitators and admins can hide or restore steelmen.");
      const form = parseForm(steelmanModerationForm, formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const steelman = await findSteelman(database, form.data.steelmanId);
      if (!steelman || steelman.caseId !== found.id || steelman.status === "deleted") return refused(404, intent, target, "That steelman does not exist on this case.");
      const hide = intent === "steelman-hide";
      await setSteelmanStatus(database, steelman.id, hide ? "hidden" : "visible", hide ? form.data.reason : null);
      // No author name in the log's detail: steelmen are shown without one (ADR 031).
      await recordAudit(database, {
        actorUserId: user.id,
        action: hide ? "steelman.hidden" : "steelman.restored",
        subjectType: "steelman",
        subjectId: String(steelman.id),
        detail: `${found.slug}: ${isolate(form.data.reason)}`,
      });
      return ok(intent, target, hide ? "Hidden; the reason is in the audit log." : "Restored.");
    }

    default:
      return refused(400, intent, "", "Unknown action.");
  }
}
