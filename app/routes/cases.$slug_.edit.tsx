import { casePathWithNotice } from "~/domain/case-notices";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { loadCaseForAccount } from "~/cases/access.server";
import { archiveCase, handleEditor, previewOf, type EditorResult } from "~/cases/editor.server";
import { CaseEditor } from "~/components/case-editor";
import { isolate } from "~/domain/bidi";
import { caseFormValues } from "~/domain/case-form";
import { readFormData } from "~/http/forms";
import { answerHeaders, newPageKey, actionResponse } from "~/http/idempotency.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Edit: ${isolate(data.title)} · Casebook` : "Edit case · Casebook" }];

function editableCase(request: Request, slug: string | undefined) {
  return loadCaseForAccount(request, slug, "edit");
}

/** Keeps Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { found } = await editableCase(request, params.slug);
  return {
    slug: found.slug,
    title: found.doc.title,
    status: found.status,
    version: found.version,
    values: caseFormValues(found.doc),
    stageSlots: found.doc.stages.length + 1,
    preview: previewOf(found.doc),
    // New on every load; the editor's idempotency key is this plus its name (ADR 016).
    pageKey: newPageKey(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, found } = await editableCase(request, params.slug);
  const formData = await readFormData(request);
  const intent = formData.get("intent");
  if (intent === "archive" || intent === "restore") {
    await archiveCase(found, user, intent === "archive");
    return redirect(casePathWithNotice(found.slug, intent === "archive" ? "archived" : "restored"));
  }
  const outcome = await handleEditor(formData, user, found);
  return actionResponse(outcome);
}

export default function EditCase() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<EditorResult>();
  return (
    <>
      <p className="muted">
        <Link to={`/cases/${data.slug}`}>
          <bdi>{data.title}</bdi>
        </Link>{" "}
        / edit · <Link to={`/cases/${data.slug}/history`}>History</Link> · <a href={`/cases/${data.slug}/source?download=1`}>Export as .md</a>
      </p>
      <h1>
        Edit: <bdi>{data.title}</bdi> <span className="badge-muted">{data.status}</span>
      </h1>
      <p className="muted">
        Version {data.version}.{" "}
        {data.status === "published"
          ? "Publishing changes makes a new version; answers keep the version they were given on. Options you move keep their answers; if you change an option's wording, you will be asked whether it is the same option reworded or a new one."
          : ""}
      </p>
      <CaseEditor
        mode="edit"
        pageKey={data.pageKey}
        status={data.status}
        values={result?.values ?? data.values}
        errors={result?.errors ?? {}}
        stageSlots={result?.stageSlots ?? data.stageSlots}
        preview={result?.preview ?? data.preview}
        optionQuestions={result?.optionQuestions}
      />
      <Form method="post" className="inline-form archive-form">
        <input type="hidden" name="intent" value={data.status === "archived" ? "restore" : "archive"} />
        <button type="submit" className="secondary">
          {data.status === "archived" ? "Restore to the library" : "Archive (hide from the library, keep all answers)"}
        </button>
      </Form>
    </>
  );
}
