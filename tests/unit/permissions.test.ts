import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES } from "../../app/domain/permissions";

describe("permissions", () => {
  it("let only facilitators, authors and admins read facilitator notes", () => {
    expect(ROLES.filter((role) => can(role, "case.read-facilitator-notes"))).toEqual(["facilitator", "author", "admin"]);
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
