/**
 * Authoring in the app: the editor's save (the form becomes a case document, is written as a case
 * file and checked by the same validator as `npm run cases:check`; problems come back on their
 * fields) and a case file's upload. Both are idempotent per submission (ADR 016): a form's key
 * gets its first answer again, so a double click or a late retry makes no second case or version.
 */
import { casePathWithNotice } from "../domain/case-notices";
import { createHash } from "node:crypto";
import type { DB } from "../../db/client";
import { db } from "../platform/db.server";
import { isolate } from "../domain/bidi";
import { formatCaseFileProblem, MAX_CASE_FILE_BYTES, parseCaseFile, serializeCaseFile, type CaseDraft } from "../domain/case-file";
import { decideOptionIdentities, formFieldForProblem, readCaseForm, type CaseFormValues, type OptionOriginQuestion } from "../domain/case-form";
import { KEY_REUSED_MESSAGE } from "../domain/idempotency";
import type { EditorPreview } from "../components/case-editor";
import { actionResponse, newPageKey, readSubmission } from "../http/idempotency.server";
import { readFormData } from "../http/forms";
import { requirePermission } from "../accounts/auth.server";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { recordAudit } from "../models/audit.server";
import { caseVersionDocuments, findCaseBySlug, saveCaseVersion, setCaseStatus, type CaseRecord } from "../models/cases.server";
import { answerOnce } from "../models/idempotency-keys.server";
import type { ActionOutcome } from "../http/forms";
import type { PublicUser } from "../models/users.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

export interface EditorResult {
  errors: Record<string, string>;
  values: CaseFormValues;
  stageSlots: number;
  /** Per perspective slot, the changed option lines the author must call a rewording or a new option (ADR 017). */
  optionQuestions?: Record<number, OptionOriginQuestion[]>;
  preview?: EditorPreview;
  message?: string;
}

export function previewOf(doc: CaseDraft): EditorPreview {
  return {
    title: doc.title,
    summary: doc.summary,
    stages: doc.stages.map((s) => ({ title: s.title, html: renderMarkdownCached(s.markdown) })),
    perspectives: doc.perspectives.map((p) => ({ key: p.key, prompt: p.prompt, options: p.options.map((o) => o.text) })),
    judgement: doc.judgement,
    rolePlay: doc.perspectives.flatMap((p) => {
      const brief = doc.roles.find((role) => role.perspective === p.key)?.markdown;
      const rehearsal = doc.rehearsals.find((r) => r.perspective === p.key);
      if (!brief && !rehearsal) return [];
      return [
        {
          perspective: p.key,
          briefHtml: brief ? renderMarkdownCached(brief) : null,
          rehearsalHtml: rehearsal ? renderMarkdownCached(rehearsal.prompt) : null,
          modelAnswersHtml: rehearsal?.modelAnswers ? renderMarkdownCached(rehearsal.modelAnswers) : null,
        },
      ];
    }),
    facilitatorNotesHtml: doc.facilitatorNotes ? renderMarkdownCached(doc.facilitatorNotes) : null,
  };
}

/** A refusal or a page to show again (`status`, `body`), or where to go after saving; `replayed` when that is a repeat's first answer. */
type Outcome<B> = ActionOutcome<B> | { redirect: string; replayed: boolean };

/** The loader of the pages that start a case (new, upload): the right to edit cases, and a new page key for their keyed forms (ADR 016). */
export async function startCaseLoader({ request }: LoaderFunctionArgs): Promise<{ pageKey: string }> {
  await requirePermission(request, "case.edit");
  return { pageKey: newPageKey() };
}

/** Their action: the right to edit cases, then `handle` on the form, answered as the key's answer (ADR 016). */
export function startCaseAction<B>(handle: (formData: FormData, user: PublicUser) => Promise<Outcome<B>>) {
  return async ({ request }: ActionFunctionArgs): Promise<Response> => {
    const user = await requirePermission(request, "case.edit");
    return actionResponse(await handle(await readFormData(request), user));
  };
}

/** The editor's buttons: two that only answer with the form again, two that save (a form sent without one saves). */
const EDITOR_INTENTS = ["add-stage", "preview", "save", "publish"] as const;

/**
 * Runs the editor's form: "add-stage" and "preview" only answer with the form again; "save" and
 * "publish" validate, then save a version once per idempotency key.
 *
 * @param existing the case being edited, or null for a new case
 */
export async function handleEditor(formData: FormData, user: PublicUser, existing: CaseRecord | null): Promise<Outcome<EditorResult>> {
  const intent = String(formData.get("intent") ?? "save");
  const form = readCaseForm(formData);
  // Editing keeps the address: the slug is fixed once a case exists.
  const typed: CaseDraft = existing ? { ...form.doc, slug: existing.slug } : form.doc;
  const values: CaseFormValues = existing ? { ...form.values, slug: existing.slug } : form.values;

  if (!(EDITOR_INTENTS as readonly string[]).includes(intent)) return { status: 400, body: { errors: { form: "Unknown action." }, values, stageSlots: form.stageSlots } };
  if (intent === "add-stage") return { status: 200, body: { errors: {}, values, stageSlots: form.stageSlots + 1 } };
  if (intent === "preview") return { status: 200, body: { errors: {}, values, stageSlots: form.stageSlots, preview: previewOf(typed) } };

  // Which option each line is: kept, reworded (the author says so) or new (ADR 017).
  const field = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  const identities = decideOptionIdentities(typed, existing?.doc ?? null, field, existing ? await caseVersionDocuments(db(), existing.id) : []);
  const doc = identities.doc;
  const optionQuestions = Object.keys(identities.questions).length > 0 ? identities.questions : undefined;
  const errors: Record<string, string> = {};
  for (const problem of [...form.problems, ...identities.problems]) errors[problem.field] ??= problem.message;
  const source = serializeCaseFile(doc);
  const parsed = parseCaseFile(source);
  if (!parsed.ok) {
    for (const problem of parsed.problems) errors[formFieldForProblem(problem, doc)] ??= capitalize(problem.message);
  }
  const refuse = (errors: Record<string, string>, status = 400) => ({ status, body: { errors, values, stageSlots: form.stageSlots, optionQuestions } });
  if (Object.keys(errors).length > 0) return refuse(errors);
  if (!parsed.ok) return refuse({ form: "The case could not be saved." });

  const read = readSubmission(formData, null, `user:${user.id}`, existing ? `case:${existing.id}:edit` : "cases:new", intent);
  if (!read.ok) return refuse({ form: read.message });
  const publish = intent === "publish";
  const status = existing ? (publish ? "published" : existing.status) : publish ? "published" : "draft";
  const once = await answerOnce<{ location?: string; errors?: Record<string, string> }>(db(), read.submission, async (trx) => {
    // Checked inside the key's transaction: a repeat of this form finds its own case and is
    // answered with the first answer before it gets here.
    if (!existing && (await findCaseBySlug(trx, doc.slug))) return { status: 400, body: { errors: { slug: `"${doc.slug}" is already used by another case; choose another address.` } } };
    const outcome = await saveCaseVersion(trx, { doc: parsed.doc, source, origin: "app", filePath: null, userId: user.id, status });
    await recordAudit(trx, {
      actorUserId: user.id,
      action: existing ? "case.edited" : "case.created",
      subjectType: "case",
      subjectId: parsed.doc.slug,
      detail: `${status}${outcome === "unchanged" ? ", no content change" : ""}`,
    });
    return { status: 302, body: { location: publish ? casePathWithNotice(parsed.doc.slug, "published") : `/cases/${parsed.doc.slug}` } };
  });
  if (once.kind === "reused") return refuse({ form: KEY_REUSED_MESSAGE }, 422);
  if (once.answer.status !== 302) return refuse(once.answer.body.errors ?? {}, once.answer.status);
  return { redirect: once.answer.body.location!, replayed: once.kind === "repeat" };
}

/** What the upload page shows after a refusal: each problem as `file:line: message`. */
export interface UploadResult {
  problems: string[];
}

/**
 * Uploads a case file: a new slug becomes a draft (or is published straight away when asked), an
 * existing one gets a new version when its content changed. Once per idempotency key; the key's
 * fingerprint includes the file's name and content hash, so the same form with another file is
 * refused (422) rather than answered as the first.
 */
export async function handleUpload(formData: FormData, user: PublicUser): Promise<Outcome<UploadResult>> {
  const file = formData.get("file");
  if (!(file instanceof File) || file.size === 0) return { status: 400, body: { problems: ["file: choose a .md case file to upload"] } };
  if (file.size > MAX_CASE_FILE_BYTES) {
    return { status: 413, body: { problems: [`${file.name}: is too large (${Math.ceil(file.size / 1024)} KB); a case file may be at most ${MAX_CASE_FILE_BYTES / 1024} KB`] } };
  }
  const source = await file.text();
  const result = parseCaseFile(source);
  if (!result.ok) return { status: 400, body: { problems: result.problems.map((p) => formatCaseFileProblem(file.name, p)) } };
  const contentHash = createHash("sha256").update(source).digest("hex");
  const read = readSubmission(formData, null, `user:${user.id}`, "cases:upload", "upload", [], [["file", `${file.name}:${contentHash}`]]);
  if (!read.ok) return { status: 400, body: { problems: [read.message] } };
  const once = await answerOnce<{ location: string }>(db(), read.submission, async (trx: DB) => {
    const existing = await findCaseBySlug(trx, result.doc.slug);
    const outcome = await saveCaseVersion(trx, {
      doc: result.doc,
      source,
      origin: "app",
      filePath: null,
      userId: user.id,
      // A new case arrives as a draft to review; an existing one keeps its status.
      status: existing ? undefined : formData.get("publish") === "on" ? "published" : "draft",
    });
    await recordAudit(trx, { actorUserId: user.id, action: "case.uploaded", subjectType: "case", subjectId: result.doc.slug, detail: `${isolate(file.name)}: ${outcome}` });
    return { status: 302, body: { location: `/cases/${result.doc.slug}` } };
  });
  if (once.kind === "reused") return { status: 422, body: { problems: [KEY_REUSED_MESSAGE] } };
  return { redirect: once.answer.body.location, replayed: once.kind === "repeat" };
}

export async function archiveCase(found: CaseRecord, user: PublicUser, archive: boolean): Promise<void> {
  await setCaseStatus(db(), found.id, archive ? "archived" : "published");
  await recordAudit(db(), { actorUserId: user.id, action: archive ? "case.archived" : "case.restored", subjectType: "case", subjectId: found.slug });
}

/** Validator messages read as "must not be empty"; beside a field they read better as a sentence. */
function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
