/** Loading a case for a viewer: the one door every route that takes a case's slug goes through. */
import { redirect } from "@remix-run/node";
import { getUser, type PublicUser } from "../accounts/auth.server";
import { db } from "../platform/db.server";
import { caseVisibility, type CasePart } from "../domain/permissions";
import { findCaseBySlug, type CaseRecord } from "../models/cases.server";

export function caseNotFound(): Response {
  return new Response("There is no case at this address.", { status: 404, statusText: "Not Found" });
}

/**
 * The case at `slug` as `request`'s viewer may see it, for the given part (see `caseVisibility`).
 * Throws (as Remix loaders and actions do) a 404 when there is no such case or the viewer may not
 * see its page at all (drafts and archived cases for everyone but authors and admins), so a hidden
 * case looks exactly like a missing one; when the page is visible but the part is not, a redirect
 * to /login without an account and a 403 with one. Returns the viewer (null without an account),
 * the case and everything the viewer may see of it.
 */
export async function loadCaseFor(request: Request, slug: string | undefined, part: CasePart): Promise<{ user: PublicUser | null; found: CaseRecord; visible: Record<CasePart, boolean> }> {
  const [user, found] = await Promise.all([getUser(request), findCaseBySlug(db(), slug ?? "")]);
  if (!found) throw caseNotFound();
  const visible = caseVisibility(found.status, user?.role);
  if (!visible.page) throw caseNotFound();
  if (!visible[part]) {
    if (!user) throw toLogin(request);
    throw new Response(
      found.status === "published"
        ? "You do not have permission to open this page."
        : `This case is ${found.status === "draft" ? "a draft" : "archived"}: it takes no answers, results or workshops unless it is published.`,
      { status: 403, statusText: "Forbidden" },
    );
  }
  return { user, found, visible };
}

function toLogin(request: Request): Response {
  const url = new URL(request.url);
  return redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** `loadCaseFor` for parts only accounts use (answering, results, editing): the viewer is never null. */
export async function loadCaseForAccount(request: Request, slug: string | undefined, part: CasePart): Promise<{ user: PublicUser; found: CaseRecord; visible: Record<CasePart, boolean> }> {
  const loaded = await loadCaseFor(request, slug, part);
  if (!loaded.user) throw toLogin(request);
  return { ...loaded, user: loaded.user };
}
