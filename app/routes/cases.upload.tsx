import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { handleUpload, startCaseAction, startCaseLoader, type UploadResult } from "~/cases/editor.server";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { formKey } from "~/domain/idempotency";
import { answerHeaders } from "~/http/idempotency.server";

export const meta: MetaFunction = () => [{ title: "Upload a case file · Casebook" }];

/** Keeps Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

export const loader = startCaseLoader;

export const action = startCaseAction(handleUpload);

export default function UploadCase() {
  const key = formKey(useLoaderData<typeof loader>().pageKey, "upload");
  const result = useActionData<UploadResult>();
  return (
    <>
      <p className="muted">
        <Link to="/">Library</Link> / upload
      </p>
      <h1>Upload a case file</h1>
      <p>
        A Markdown file in the case file format (see the README): front matter, then <code>## Stage:</code> sections. A file whose slug is new creates a draft; a file whose slug exists adds a new
        version of that case.
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
        <IdempotencyKeyField value={key} />
        <div className="field">
          <label htmlFor="file">Case file (.md, up to 200 KB)</label>
          <input id="file" type="file" name="file" accept=".md,text/markdown,text/plain" required />
        </div>
        <label className="choice">
          <input type="checkbox" name="publish" /> Publish a new case straight away (otherwise it is saved as a draft)
        </label>
        <div>
          <SendButton sendingKey={key}>Upload</SendButton>
        </div>
      </Form>
    </>
  );
}
