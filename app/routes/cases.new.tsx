import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { handleEditor, startCaseAction, startCaseLoader, type EditorResult } from "~/cases/editor.server";
import { CaseEditor } from "~/components/case-editor";
import { answerHeaders } from "~/http/idempotency.server";

export const meta: MetaFunction = () => [{ title: "New case · Casebook" }];

/** Keeps Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

export const loader = startCaseLoader;

export const action = startCaseAction((formData, user) => handleEditor(formData, user, null));

export default function NewCase() {
  const { pageKey } = useLoaderData<typeof loader>();
  const result = useActionData<EditorResult>();
  return (
    <>
      <p className="muted">
        <Link to="/">Library</Link> / new case
      </p>
      <h1>New case</h1>
      <CaseEditor mode="new" pageKey={pageKey} status={null} values={result?.values ?? {}} errors={result?.errors ?? {}} stageSlots={result?.stageSlots ?? 3} preview={result?.preview} />
    </>
  );
}
