/**
 * The in-app case editor's save: the form becomes a case document, is written as a case file and
 * checked by the same validator as `npm run cases:check`; problems come back on their fields.
 */
import { db } from "./db.server";
import { parseCaseFile, serializeCaseFile, type CaseDraft } from "./domain/case-file";
import { decideOptionIdentities, formFieldForProblem, readCaseForm, type CaseFormValues, type OptionOriginQuestion } from "./domain/case-form";
import type { EditorPreview } from "./components/case-editor";
import { renderMarkdownCached } from "./markdown-cache.server";
import { recordAudit } from "./models/audit.server";
import { findCaseBySlug, saveCaseVersion, setCaseStatus, type CaseRecord } from "./models/cases.server";
import type { PublicUser } from "./models/users.server";


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
    facilitatorNotesHtml: doc.facilitatorNotes ? renderMarkdownCached(doc.facilitatorNotes) : null,
  };
}

type Outcome = { status: number; body: EditorResult } | { redirect: string };

export async function handleEditor(formData: FormData, user: PublicUser, existing: CaseRecord | null): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "save");
  const form = readCaseForm(formData);
  // Editing keeps the address: the slug is fixed once a case exists.
  const typed: CaseDraft = existing ? { ...form.doc, slug: existing.slug } : form.doc;
  const values: CaseFormValues = existing ? { ...form.values, slug: existing.slug } : form.values;

  if (intent === "add-stage") return { status: 200, body: { errors: {}, values, stageSlots: form.stageSlots + 1 } };
  if (intent === "preview") return { status: 200, body: { errors: {}, values, stageSlots: form.stageSlots, preview: previewOf(typed) } };

  // Which option each line is: kept, reworded (the author says so) or new (ADR 017).
  const field = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  const identities = decideOptionIdentities(typed, existing?.doc ?? null, field);
  const doc = identities.doc;
  const optionQuestions = Object.keys(identities.questions).length > 0 ? identities.questions : undefined;
  const errors: Record<string, string> = {};
  for (const problem of [...form.problems, ...identities.problems]) errors[problem.field] ??= problem.message;
  const source = serializeCaseFile(doc);
  const parsed = parseCaseFile(source);
  if (!parsed.ok) {
    for (const problem of parsed.problems) errors[formFieldForProblem(problem, doc)] ??= capitalize(problem.message);
  }
  if (!existing && parsed.ok && (await findCaseBySlug(db(), doc.slug))) errors.slug ??= `"${doc.slug}" is already used by another case; choose another address.`;
  if (Object.keys(errors).length > 0) return { status: 400, body: { errors, values, stageSlots: form.stageSlots, optionQuestions } };
  if (!parsed.ok) return { status: 400, body: { errors: { form: "The case could not be saved." }, values, stageSlots: form.stageSlots, optionQuestions } };

  const publish = intent === "publish";
  const status = existing ? (publish ? "published" : existing.status) : publish ? "published" : "draft";
  const outcome = await saveCaseVersion(db(), { doc: parsed.doc, source, origin: "app", filePath: null, userId: user.id, status });
  await recordAudit(db(), {
    actorUserId: user.id,
    action: existing ? "case.edited" : "case.created",
    subjectType: "case",
    subjectId: parsed.doc.slug,
    detail: `${status}${outcome === "unchanged" ? ", no content change" : ""}`,
  });
  return { redirect: `/cases/${parsed.doc.slug}` };
}

export async function archiveCase(found: CaseRecord, user: PublicUser, archive: boolean): Promise<void> {
  await setCaseStatus(db(), found.id, archive ? "archived" : "published");
  await recordAudit(db(), { actorUserId: user.id, action: archive ? "case.archived" : "case.restored", subjectType: "case", subjectId: found.slug });
}

/** Validator messages read as "must not be empty"; beside a field they read better as a sentence. */
function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
