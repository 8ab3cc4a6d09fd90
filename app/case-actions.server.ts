/**
 * The case page's form actions: positions, arguments, replies, endorsements, edits and
 * moderation. Each checks who may do it and answers with field errors or what changed.
 */
import { readConfig } from "./config.server";
import { db } from "./db.server";
import { canEditArgument, MAX_THREAD_DEPTH } from "./domain/argument-threads";
import type { CaseDocument } from "./domain/case-file";
import {
  argumentForm,
  argumentIdForm,
  editForm,
  moderationForm,
  positionForm,
  replyForm,
} from "./domain/debate-forms";
import { isolate } from "./domain/bidi";
import { renderMarkdown } from "./domain/markdown";
import { can } from "./domain/permissions";
import { parseForm, type FieldErrors } from "./forms";
import {
  createArgument,
  createReply,
  depthOf,
  editArgumentBody,
  findArgument,
  setArgumentStatus,
  toggleEndorsement,
} from "./models/arguments.server";
import { recordAudit } from "./models/audit.server";
import type { CaseRecord } from "./models/cases.server";
import { recordPosition } from "./models/positions.server";
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

type Outcome = { status: number; body: CaseActionResult };

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

async function argumentOnCase(caseId: number, formData: FormData, intent: string) {
  const form = parseForm(argumentIdForm, formData);
  if (!form.ok) return { error: refused(400, intent, "", "That argument does not exist.") };
  const argument = await findArgument(db(), form.data.argumentId);
  if (!argument || argument.caseId !== caseId) return { error: refused(404, intent, String(form.data.argumentId), "That argument does not exist on this case.") };
  return { argument };
}

export async function handleCaseAction(found: CaseRecord, user: PublicUser, formData: FormData): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "");
  const doc: CaseDocument = found.doc;

  switch (intent) {
    case "position": {
      const target = String(formData.get("perspective") ?? "");
      const form = parseForm(positionForm(doc), formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const { perspective, option, judgement, legal, confidence, movedBy } = form.data;
      if (movedBy !== null) {
        const argument = await findArgument(db(), movedBy);
        if (!argument || argument.caseId !== found.id) return invalid(intent, target, { movedBy: "Choose an argument from this case." }, formValues(formData));
      }
      const label = doc.perspectives.find((p) => p.key === perspective)!.options[option]!;
      const saved = await recordPosition(db(), {
        caseId: found.id,
        caseVersionId: found.versionId,
        userId: user.id,
        perspective,
        option: label,
        judgement,
        legal,
        confidence,
        standing: user.standing,
        movedByArgumentId: movedBy,
      });
      // The k-th new answer since the last release releases the results (and the library's count).
      await currentRelease(db(), found.id, readConfig().kThreshold);
      return ok(intent, perspective, saved.changed ? `Your new answer as the ${perspective} is saved; your earlier one stays in your history.` : `Your answer as the ${perspective} is saved.`);
    }

    case "preview":
    case "argument": {
      const form = parseForm(argumentForm(doc), formData);
      if (!form.ok) return invalid(intent, "new", form.errors, form.values);
      if (intent === "preview") {
        return { status: 200, body: { intent, target: "new", errors: {}, values: formValues(formData), previewHtml: renderMarkdown(form.data.body) } };
      }
      await createArgument(db(), { caseId: found.id, userId: user.id, ...form.data });
      return ok(intent, "new", "Your argument is posted.");
    }

    case "reply": {
      const form = parseForm(replyForm, formData);
      const target = String(formData.get("parentId") ?? "");
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const parent = await findArgument(db(), form.data.parentId);
      if (!parent || parent.caseId !== found.id || parent.status !== "visible") return refused(404, intent, target, "That argument is no longer open for replies.");
      if ((await depthOf(db(), parent.id)) >= MAX_THREAD_DEPTH - 1) return refused(400, intent, target, "Replies go at most two levels deep; reply to the post above instead.");
      await createReply(db(), { caseId: found.id, userId: user.id, parentId: parent.id, body: form.data.body });
      return ok(intent, target, "Your reply is posted.");
    }

    case "endorse": {
      const { argument, error } = await argumentOnCase(found.id, formData, intent);
      if (error) return error;
      if (argument.userId === user.id) return refused(403, intent, String(argument.id), "You cannot endorse your own argument.");
      if (argument.status !== "visible") return refused(400, intent, String(argument.id), "That argument can no longer be endorsed.");
      const result = await toggleEndorsement(db(), argument.id, user.id);
      return ok(intent, String(argument.id), result === "endorsed" ? "Marked as an argument that moved you." : "Endorsement withdrawn.");
    }

    case "edit": {
      const form = parseForm(editForm, formData);
      const target = String(formData.get("argumentId") ?? "");
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const argument = await findArgument(db(), form.data.argumentId);
      if (!argument || argument.caseId !== found.id) return refused(404, intent, target, "That argument does not exist on this case.");
      if (argument.userId !== user.id) return refused(403, intent, target, "Only its author can edit an argument.");
      if (!canEditArgument(argument, user.id, new Date())) return refused(403, intent, target, "Arguments can be edited for 15 minutes after posting.");
      await editArgumentBody(db(), argument.id, form.data.body);
      return ok(intent, target, "Your edit is saved.");
    }

    case "delete": {
      const { argument, error } = await argumentOnCase(found.id, formData, intent);
      if (error) return error;
      if (argument.userId !== user.id) return refused(403, intent, String(argument.id), "Only its author can delete an argument.");
      await setArgumentStatus(db(), argument.id, "deleted", null);
      await recordAudit(db(), { actorUserId: user.id, action: "argument.deleted", subjectType: "argument", subjectId: String(argument.id), detail: `by its author on ${found.slug}` });
      return ok(intent, String(argument.id), "Deleted.");
    }

    case "hide":
    case "restore": {
      const target = String(formData.get("argumentId") ?? "");
      if (!can(user.role, "argument.moderate")) return refused(403, intent, target, "Only facilitators and admins can hide or restore arguments.");
      const form = parseForm(moderationForm, formData);
      if (!form.ok) return invalid(intent, target, form.errors, form.values);
      const argument = await findArgument(db(), form.data.argumentId);
      if (!argument || argument.caseId !== found.id || argument.status === "deleted") return refused(404, intent, target, "That argument does not exist on this case.");
      await setArgumentStatus(db(), argument.id, intent === "hide" ? "hidden" : "visible", intent === "hide" ? form.data.reason : null);
      await recordAudit(db(), {
        actorUserId: user.id,
        action: intent === "hide" ? "argument.hidden" : "argument.restored",
        subjectType: "argument",
        subjectId: String(argument.id),
        detail: `${found.slug}, by ${isolate(argument.authorName)}: ${isolate(form.data.reason)}`,
      });
      return ok(intent, target, intent === "hide" ? "Hidden; the reason is in the audit log." : "Restored.");
    }

    default:
      return refused(400, intent, "", "Unknown action.");
  }
}
