import type { CaseStatus, Role, Standing } from "../../db/schema";

export type { CaseStatus, Role, Standing };

export const ROLES: readonly Role[] = ["participant", "facilitator", "author", "admin"];
export const STANDINGS: readonly Standing[] = ["frontline", "manager", "hr", "other"];

export const ROLE_LABELS: Record<Role, string> = {
  participant: "Participant",
  facilitator: "Facilitator",
  author: "Author",
  admin: "Admin",
};

export const STANDING_LABELS: Record<Standing, string> = {
  frontline: "Front line",
  manager: "Manager",
  hr: "HR / people team",
  other: "Other",
};

/**
 * Who may do what, in one table: loaders and actions ask `can(role, permission)`, and the
 * authorization tests are generated from this same table.
 */
export const PERMISSIONS = {
  "case.read-facilitator-notes": ["facilitator", "author", "admin"],
  "case.read-source": ["facilitator", "author", "admin"],
  // Role briefs, rehearsal prompts and model answers (ADR 027): those who write cases. A later
  // role-play workshop gives each person their own role's brief, never this permission.
  "case.read-role-briefs": ["author", "admin"],
  "case-problems.read": ["author", "admin"],
  // Writing cases in the app, drafts, versions, archive; reading drafts and archived cases.
  "case.edit": ["author", "admin"],
  "users.manage": ["admin"],
  "audit.read": ["admin"],
  "argument.moderate": ["facilitator", "admin"],
  // Running a workshop; each workshop is further limited to its own facilitator (and admins).
  "workshops.run": ["facilitator", "admin"],
  // Facilitators prepare sessions from the async results, so they need not vote to see them.
  "results.read-without-answering": ["facilitator", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * The parts of a case a viewer may reach, each behind its own URL or page section:
 * - "page": the case page (stages, perspectives, discussion, sources) and its `.data`;
 * - "facilitator-notes": the notes section of the page;
 * - "role-briefs": role briefs, rehearsal prompts and model answers (ADR 027), wherever shown; the
 *   source without them is served to those who may read the source but not them;
 * - "source": the case file at /cases/:slug/source (it holds the notes);
 * - "history": versions and diffs at /cases/:slug/history;
 * - "results": /cases/:slug/results and a workshop comparison's online line (answered-first is checked there);
 * - "edit": the editor, archive and restore at /cases/:slug/edit;
 * - "debate": answering and arguing on the case page (POST /cases/:slug);
 * - "workshop": creating a workshop on the case at /workshops.
 */
export const CASE_PARTS = ["page", "facilitator-notes", "role-briefs", "source", "history", "results", "edit", "debate", "workshop"] as const;
export type CasePart = (typeof CASE_PARTS)[number];

/** What each part needs of the viewer on a published case; "signed-in" is any account. */
const PUBLISHED_CASE_PARTS: Record<CasePart, "anyone" | "signed-in" | Permission> = {
  page: "anyone",
  "facilitator-notes": "case.read-facilitator-notes",
  "role-briefs": "case.read-role-briefs",
  source: "case.read-source",
  history: "case.edit",
  results: "signed-in",
  edit: "case.edit",
  debate: "signed-in",
  workshop: "workshops.run",
};

/** Drafts and archived cases take no answers, results or workshops; the rest is for those who write cases. */
const UNPUBLISHED_CASE_PARTS: readonly CasePart[] = ["page", "facilitator-notes", "role-briefs", "source", "history", "edit"];

/**
 * Who may see which part of a case, from its status and the viewer's role (null: no account), in
 * one place: every route that loads a case by its slug asks this (through `loadCaseFor` in
 * app/cases/access.server.ts), and the security suite generates its case matrix from it.
 *
 * A published case is open to everyone, its parts to the roles in PUBLISHED_CASE_PARTS. A draft or
 * archived case exists only for people with "case.edit" (authors, admins): for anyone else every
 * part, the source included, is "not found", so the address does not even reveal the case exists.
 * Returns one boolean per part.
 */
export function caseVisibility(status: CaseStatus, role: Role | null | undefined): Record<CasePart, boolean> {
  const visible = {} as Record<CasePart, boolean>;
  for (const part of CASE_PARTS) {
    if (status !== "published") {
      visible[part] = can(role, "case.edit") && UNPUBLISHED_CASE_PARTS.includes(part);
      continue;
    }
    const needs = PUBLISHED_CASE_PARTS[part];
    visible[part] = needs === "anyone" ? true : needs === "signed-in" ? Boolean(role) : can(role, needs);
  }
  return visible;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function isStanding(value: unknown): value is Standing {
  return typeof value === "string" && (STANDINGS as readonly string[]).includes(value);
}
