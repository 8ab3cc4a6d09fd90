import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/accounts/auth.server";
import { handleEditor, type EditorResult } from "~/cases/editor.server";
import { CaseEditor } from "~/components/case-editor";
import { readFormData } from "~/http/forms";
import { answerHeaders, newPageKey, actionResponse } from "~/http/idempotency.server";

export const meta: MetaFunction = () => [{ title: "New case · Casebook" }];

/** Keeps Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "case.edit");
  // pageKey: new on every load; the editor's idempotency key is this plus its name (ADR 016).
  return { pageKey: newPageKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "case.edit");
  const outcome = await handleEditor(await readFormData(request), user, null);
  return actionResponse(outcome);
}

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
