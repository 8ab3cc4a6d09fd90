import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { requirePermission } from "~/auth.server";
import { db } from "~/db.server";
import { isolate } from "~/domain/bidi";
import { formatCaseFileProblem, MAX_CASE_FILE_BYTES, parseCaseFile } from "~/domain/case-file";
import { recordAudit } from "~/models/audit.server";
import { findCaseBySlug, saveCaseVersion } from "~/models/cases.server";
import { readFormData } from "~/forms";

export const meta: MetaFunction = () => [{ title: "Upload a case file · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "case.edit");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "case.edit");
  const formData = await readFormData(request);
  const file = formData.get("file");
  if (!(file instanceof File) || file.size === 0) return Response.json({ problems: ["file: choose a .md case file to upload"] }, { status: 400 });
  if (file.size > MAX_CASE_FILE_BYTES) {
    return Response.json({ problems: [`${file.name}: is too large (${Math.ceil(file.size / 1024)} KB); a case file may be at most ${MAX_CASE_FILE_BYTES / 1024} KB`] }, { status: 413 });
  }
  const source = await file.text();
  const result = parseCaseFile(source);
  if (!result.ok) return Response.json({ problems: result.problems.map((p) => formatCaseFileProblem(file.name, p)) }, { status: 400 });
  const existing = await findCaseBySlug(db(), result.doc.slug);
  const outcome = await saveCaseVersion(db(), {
    doc: result.doc,
    source,
    origin: "app",
    filePath: null,
    userId: user.id,
    // A new case arrives as a draft to review; an existing one keeps its status.
    status: existing ? undefined : formData.get("publish") === "on" ? "published" : "draft",
  });
  await recordAudit(db(), { actorUserId: user.id, action: `case.uploaded`, subjectType: "case", subjectId: result.doc.slug, detail: `${isolate(file.name)}: ${outcome}` });
  return redirect(`/cases/${result.doc.slug}`);
}

export default function UploadCase() {
  const result = useActionData<{ problems: string[] }>();
  return (
    <>
      <p className="muted">
        <Link to="/">Library</Link> / upload
      </p>
      <h1>Upload a case file</h1>
      <p>
        A Markdown file in the case file format (see the README): front matter, then <code>## Stage:</code> sections. A file whose slug is new
        creates a draft; a file whose slug exists adds a new version of that case.
      </p>
      {result?.problems.length ? (
        <div className="form-error" role="alert">
          <p>The file was not saved. Fix these and upload it again:</p>
          <ul className="problem-list">
            {result.problems.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="stack">
        <div className="field">
          <label htmlFor="file">Case file (.md, up to 200 KB)</label>
          <input id="file" type="file" name="file" accept=".md,text/markdown,text/plain" required />
        </div>
        <label className="choice">
          <input type="checkbox" name="publish" /> Publish a new case straight away (otherwise it is saved as a draft)
        </label>
        <div>
          <button type="submit">Upload</button>
        </div>
      </Form>
    </>
  );
}
