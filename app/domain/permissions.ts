import type { Role, Standing } from "../../db/schema";

export type { Role, Standing };

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

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function isStanding(value: unknown): value is Standing {
  return typeof value === "string" && (STANDINGS as readonly string[]).includes(value);
}
