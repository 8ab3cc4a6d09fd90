import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { requirePermission } from "~/auth.server";
import { handleEditor, type EditorResult } from "~/case-editor.server";
import { CaseEditor } from "~/components/case-editor";
import { readFormData } from "~/forms";

export const meta: MetaFunction = () => [{ title: "New case · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "case.edit");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "case.edit");
  const outcome = await handleEditor(await readFormData(request), user, null);
  if ("redirect" in outcome) return redirect(outcome.redirect);
  return Response.json(outcome.body, { status: outcome.status });
}

export default function NewCase() {
  const result = useActionData<EditorResult>();
  return (
    <>
      <p className="muted">
        <Link to="/">Library</Link> / new case
      </p>
      <h1>New case</h1>
      <CaseEditor mode="new" status={null} values={result?.values ?? {}} errors={result?.errors ?? {}} stageSlots={result?.stageSlots ?? 3} preview={result?.preview} />
    </>
  );
}
