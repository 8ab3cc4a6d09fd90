import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/auth.server";
import { db } from "~/db.server";
import { findCaseBySlug, findCaseVersionSource } from "~/models/cases.server";

/** The case file exactly as stored; it holds facilitator notes, so only staff who may read them get it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "case.read-source");
  const found = await findCaseBySlug(db(), params.slug ?? "");
  if (!found) return new Response("There is no case at this address.", { status: 404 });
  const source = (await findCaseVersionSource(db(), found.id, found.version)) ?? "";
  return new Response(source, {
    headers: {
      "Content-Type": "text/markdown; charset=utf-8",
      // ?download=1 is the editor's "Export as .md"; otherwise the file opens in the browser.
      "Content-Disposition": `${new URL(request.url).searchParams.has("download") ? "attachment" : "inline"}; filename="${found.slug}.md"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
