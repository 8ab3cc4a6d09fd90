/**
 * Who may use each URL, in one table. Loaders and actions enforce it (with `can()` from
 * permissions.ts and the workshop checks in workshop-access.server.ts); the authorization tests
 * (tests/security/authorization.test.ts) generate one test per entry and visitor from it, and
 * fail when a route file has no entry here. What each role may see of a case by its status (draft,
 * published, archived) is `caseVisibility` in permissions.ts; tests/security/case-visibility.test.ts
 * checks every case route against it. Pure: no I/O.
 */
import { can, type Permission, type Role } from "./permissions";

/**
 * - "public": anyone, with or without an account.
 * - "signed-in": any account.
 * - a Permission: an account whose role has it (see PERMISSIONS).
 * - "workshop-facilitator": the workshop's own facilitator, or an admin.
 * - "workshop-participant": a device that joined the workshop (no account needed).
 */
export type AccessRule = "public" | "signed-in" | Permission | "workshop-facilitator" | "workshop-participant";

/**
 * How a refusal looks:
 * - "login" (the default): people without an account are sent to /login, accounts get 403.
 * - "not-found": 404 for everyone, so the page does not reveal that it exists (drafts).
 * - "join": sent to /join/<code> to join the workshop first.
 * - "forbidden": 403 for everyone (resource routes that a browser never navigates to).
 */
export type Refusal = "login" | "not-found" | "join" | "forbidden";

export interface RouteAccess {
  method: "GET" | "POST";
  /** With example params: `:slug` a published case, `:draft` a draft case, `:id` and `:code` a workshop. */
  path: string;
  /** For actions that do several things, the `intent` field of the form. */
  intent?: string;
  /** Any one of these rules lets the visitor in. */
  rule: AccessRule | readonly AccessRule[];
  refusal?: Refusal;
  /** The module that serves it, as a path from app/routes: a route module, or `../…` for the endpoints Express serves ahead of Remix (the phone vote, the live stream). */
  file: string;
}

/** Everything that decides access: the account's role (null without one) and its tie to the workshop. */
export interface Visitor {
  role: Role | null;
  /** The signed-in account is the facilitator who created the workshop. */
  runsWorkshop: boolean;
  /** This device joined the workshop (with or without an account). */
  joinedWorkshop: boolean;
}

export type AccessOutcome = "allow" | "login" | "forbidden" | "not-found" | "join";

const CONTROL_INTENTS = ["next", "back", "open-voting", "close-voting", "reveal-results", "end", "reset-round", "remove-participant", "spotlight", "hide-submission", "show-submission"];
const MODERATION_INTENTS = ["hide", "restore", "steelman-hide", "steelman-restore"];
const CASE_INTENTS = ["position", "preview", "argument", "reply", "endorse", "edit", "delete", "steelman", "rate-steelman", "steelman-delete"];
const EDITOR_INTENTS = ["preview", "add-stage", "save", "publish"];

/** A page whose form posts to itself under the same rule as the page. */
function getAndPost(path: string, rule: AccessRule, file: string): RouteAccess[] {
  return [
    { method: "GET", path, rule, file },
    { method: "POST", path, rule, file },
  ];
}

export const ROUTE_ACCESS: readonly RouteAccess[] = [
  { method: "GET", path: "/", rule: "public", file: "_index.tsx" },
  { method: "GET", path: "/healthz", rule: "public", file: "healthz.ts" },
  { method: "GET", path: "/livez", rule: "public", file: "livez.ts" },
  { method: "GET", path: "/readyz", rule: "public", file: "readyz.ts" },
  { method: "GET", path: "/no-such-page", rule: "public", file: "$.tsx" },
  { method: "GET", path: "/privacy", rule: "public", file: "privacy.tsx" },
  ...getAndPost("/signup", "public", "signup.tsx"),
  ...getAndPost("/login", "public", "login.tsx"),
  ...getAndPost("/logout", "public", "logout.tsx"),
  ...getAndPost("/forgot-password", "public", "forgot-password.tsx"),
  ...getAndPost("/reset-password/not-a-reset-token", "public", "reset-password.$token.tsx"),

  { method: "GET", path: "/me", rule: "signed-in", file: "me.tsx" },
  { method: "POST", path: "/me", intent: "profile", rule: "signed-in", file: "me.tsx" },
  { method: "POST", path: "/me", intent: "password", rule: "signed-in", file: "me.tsx" },

  ...getAndPost("/admin", "users.manage", "admin._index.tsx"),
  { method: "GET", path: "/admin/audit", rule: "audit.read", file: "admin.audit.tsx" },
  { method: "GET", path: "/admin/case-problems", rule: "case-problems.read", file: "admin.case-problems.tsx" },

  { method: "GET", path: "/cases/:slug", rule: "public", file: "cases.$slug.tsx" },
  { method: "GET", path: "/cases/:draft", rule: "case.edit", refusal: "not-found", file: "cases.$slug.tsx" },
  ...CASE_INTENTS.map((intent): RouteAccess => ({ method: "POST", path: "/cases/:slug", intent, rule: "signed-in", file: "cases.$slug.tsx" })),
  ...MODERATION_INTENTS.map((intent): RouteAccess => ({ method: "POST", path: "/cases/:slug", intent, rule: "argument.moderate", file: "cases.$slug.tsx" })),
  { method: "GET", path: "/cases/:slug/results", rule: "signed-in", file: "cases.$slug_.results.tsx" },
  { method: "GET", path: "/cases/:slug/source", rule: "case.read-source", file: "cases.$slug_.source.ts" },
  { method: "GET", path: "/cases/:slug/history", rule: "case.edit", file: "cases.$slug_.history.tsx" },
  { method: "GET", path: "/cases/:slug/edit", rule: "case.edit", file: "cases.$slug_.edit.tsx" },
  ...EDITOR_INTENTS.map((intent): RouteAccess => ({ method: "POST", path: "/cases/:slug/edit", intent, rule: "case.edit", file: "cases.$slug_.edit.tsx" })),
  { method: "POST", path: "/cases/:slug/edit", intent: "archive", rule: "case.edit", file: "cases.$slug_.edit.tsx" },
  // Restoring acts on an archived case, which does not exist for anyone but authors and admins (caseVisibility).
  { method: "POST", path: "/cases/:slug/edit", intent: "restore", rule: "case.edit", refusal: "not-found", file: "cases.$slug_.edit.tsx" },
  { method: "GET", path: "/cases/new", rule: "case.edit", file: "cases.new.tsx" },
  ...EDITOR_INTENTS.map((intent): RouteAccess => ({ method: "POST", path: "/cases/new", intent, rule: "case.edit", file: "cases.new.tsx" })),
  ...getAndPost("/cases/upload", "case.edit", "cases.upload.tsx"),

  ...getAndPost("/workshops", "workshops.run", "workshops._index.tsx"),
  { method: "GET", path: "/workshops/:id", rule: "workshop-facilitator", file: "workshops.$id.tsx" },
  ...CONTROL_INTENTS.map((intent): RouteAccess => ({ method: "POST", path: "/workshops/:id", intent, rule: "workshop-facilitator", file: "workshops.$id.tsx" })),
  { method: "GET", path: "/workshops/:id/projector", rule: "workshop-facilitator", file: "workshops.$id_.projector.tsx" },
  { method: "GET", path: "/workshops/:id/compare", rule: "workshop-facilitator", file: "workshops.$id_.compare.tsx" },
  { method: "GET", path: "/workshops/:id/debrief.md", rule: "workshop-facilitator", file: "workshops.$id_.debrief[.]md.ts" },
  { method: "GET", path: "/workshops/:id/positions.csv", rule: "workshop-facilitator", file: "workshops.$id_.positions[.]csv.ts" },
  { method: "GET", path: "/workshops/:id/events", rule: ["workshop-facilitator", "workshop-participant"], refusal: "forbidden", file: "../workshops/workshop-events-endpoint.server.ts" },

  ...getAndPost("/join", "public", "join.($code).tsx"),
  ...getAndPost("/join/:code", "public", "join.($code).tsx"),
  { method: "GET", path: "/w/:code", rule: "workshop-participant", refusal: "join", file: "w.$code.tsx" },
  // "write" and "rate": a role-play room's steelman and rehearsal steps (ADR 034).
  ...["vote", "submit", "upvote", "write", "rate"].map((intent): RouteAccess => ({ method: "POST", path: "/w/:code", intent, rule: "workshop-participant", refusal: "join", file: "w.$code.tsx" })),
  // The phone page's JavaScript sends votes here (JSON); a device that has not joined gets a 403 saying where to join.
  { method: "POST", path: "/w/:code/vote", rule: "workshop-participant", refusal: "forbidden", file: "../workshops/phone-vote-endpoint.server.ts" },
];

function satisfies(rule: AccessRule, visitor: Visitor): boolean {
  switch (rule) {
    case "public":
      return true;
    case "signed-in":
      return visitor.role !== null;
    case "workshop-facilitator":
      return can(visitor.role, "workshops.run") && (visitor.runsWorkshop || visitor.role === "admin");
    case "workshop-participant":
      return visitor.joinedWorkshop;
    default:
      return can(visitor.role, rule);
  }
}

export function mayUse(entry: Pick<RouteAccess, "rule">, visitor: Visitor): boolean {
  const rules: readonly AccessRule[] = typeof entry.rule === "string" ? [entry.rule] : entry.rule;
  return rules.some((rule) => satisfies(rule, visitor));
}

/** What the visitor should get: in, or which kind of refusal. */
export function accessOutcome(entry: Pick<RouteAccess, "rule" | "refusal">, visitor: Visitor): AccessOutcome {
  if (mayUse(entry, visitor)) return "allow";
  switch (entry.refusal ?? "login") {
    case "not-found":
      return "not-found";
    case "join":
      return "join";
    case "forbidden":
      return "forbidden";
    case "login":
      return visitor.role === null ? "login" : "forbidden";
  }
}
