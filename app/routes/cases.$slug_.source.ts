import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadCaseFor } from "~/cases/access.server";
import { db } from "~/platform/db.server";
import { withoutRoleSections } from "~/domain/case-file";
import { contentDisposition } from "~/domain/content-disposition";
import { findCaseVersionSource } from "~/models/cases.server";

/**
 * The case file exactly as stored; it holds facilitator notes, so only staff who may read them get
 * it, and of a draft or archived case only those who may see that case at all (caseVisibility).
 * Role briefs, rehearsal prompts and model answers are cut out for those who may not read them
 * (facilitators; ADR 027): the rest stays as written and still passes cases:check.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { found, visible } = await loadCaseFor(request, params.slug, "source");
  const stored = (await findCaseVersionSource(db(), found.id, found.version)) ?? "";
  const source = visible["role-briefs"] ? stored : withoutRoleSections(stored);
  return new Response(source, {
    headers: {
      "Content-Type": "text/markdown; charset=utf-8",
      // ?download=1 is the editor's "Export as .md"; otherwise the file opens in the browser.
      "Content-Disposition": contentDisposition(new URL(request.url).searchParams.has("download") ? "attachment" : "inline", `${found.slug}.md`),
      "X-Content-Type-Options": "nosniff",
    },
  });
}
