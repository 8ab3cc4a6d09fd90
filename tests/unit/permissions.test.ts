import { describe, expect, it } from "vitest";
import { can, CASE_PARTS, caseVisibility, PERMISSIONS, ROLES } from "../../app/domain/permissions";

describe("permissions", () => {
  it("let only facilitators, authors and admins read facilitator notes", () => {
    expect(ROLES.filter((role) => can(role, "case.read-facilitator-notes"))).toEqual(["facilitator", "author", "admin"]);
  });
  it("let only authors and admins read role briefs, rehearsal prompts and model answers", () => {
    expect(ROLES.filter((role) => can(role, "case.read-role-briefs"))).toEqual(["author", "admin"]);
  });
  it("keep user management to admins", () => {
    expect(ROLES.filter((role) => can(role, "users.manage"))).toEqual(["admin"]);
  });
  it("give an anonymous visitor nothing", () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(can(null, permission)).toBe(false);
    }
  });
});

describe("caseVisibility", () => {
  const partsFor = (status: "published" | "draft" | "archived", role: (typeof ROLES)[number] | null) => CASE_PARTS.filter((part) => caseVisibility(status, role)[part]);

  it("shows a published case's page to everyone, and its debate and results to any account", () => {
    expect(partsFor("published", null)).toEqual(["page"]);
    expect(partsFor("published", "participant")).toEqual(["page", "results", "debate"]);
  });
  it("gives facilitators a published case's notes, source and workshops, but not its history or editor", () => {
    expect(partsFor("published", "facilitator")).toEqual(["page", "facilitator-notes", "source", "results", "debate", "workshop"]);
  });
  it("gives authors and admins everything on a published case, workshops only to admins", () => {
    expect(partsFor("published", "author")).toEqual(["page", "facilitator-notes", "role-briefs", "source", "history", "results", "edit", "debate"]);
    expect(partsFor("published", "admin")).toEqual([...CASE_PARTS]);
  });
  it("hides every part of a draft or archived case, its source included, from everyone but authors and admins", () => {
    for (const status of ["draft", "archived"] as const) {
      for (const role of [null, "participant", "facilitator"] as const) expect(partsFor(status, role), `${status} as ${role}`).toEqual([]);
    }
  });
  it("lets authors and admins read and edit drafts and archived cases, which take no answers, results or workshops", () => {
    for (const status of ["draft", "archived"] as const) {
      for (const role of ["author", "admin"] as const) expect(partsFor(status, role), `${status} as ${role}`).toEqual(["page", "facilitator-notes", "role-briefs", "source", "history", "edit"]);
    }
  });
  it("never shows a part of a case whose page the viewer cannot see", () => {
    for (const status of ["published", "draft", "archived"] as const) {
      for (const role of [null, ...ROLES]) {
        const visible = caseVisibility(status, role);
        if (!visible.page) expect(CASE_PARTS.filter((part) => visible[part])).toEqual([]);
      }
    }
  });
});
