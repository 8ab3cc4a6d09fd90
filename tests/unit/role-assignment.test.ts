import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignRoles, roleCounts, roleForNewcomer, roleName, rolePlayRoles, type RoleCandidate } from "../../app/domain/role-assignment";

const STANDINGS = ["frontline", "manager", "hr", "other", null] as const;

/** A room: distinct ids, each with a standing (or none declared). */
const room = fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 10_000 }), standing: fc.constantFrom(...STANDINGS) }), { selector: (c) => c.id, maxLength: 80 });
const roleSets = fc.constantFrom(["employee", "employer"], ["employee", "employer", "customer"], ["employer", "employee", "applicant", "client"]);
const seed = fc.string({ maxLength: 20 });

function spread(values: number[]): number {
  return Math.max(...values) - Math.min(...values);
}

describe("assignRoles", () => {
  it("gives every participant exactly one of the roles, and nobody else one", () => {
    fc.assert(
      fc.property(room, roleSets, seed, (candidates, roles, s) => {
        const assignment = assignRoles({ candidates, roles, seed: s });
        expect([...assignment.keys()].sort((a, b) => a - b)).toEqual(candidates.map((c) => c.id).sort((a, b) => a - b));
        for (const role of assignment.values()) expect(roles).toContain(role);
      }),
    );
  });

  it("balances the roles: their sizes differ by at most one", () => {
    fc.assert(
      fc.property(room, roleSets, seed, (candidates, roles, s) => {
        const counts = roleCounts(roles, [...assignRoles({ candidates, roles, seed: s }).values()]);
        expect(spread(Object.values(counts))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("mixes standings: each standing's people per role differ by at most one", () => {
    fc.assert(
      fc.property(room, roleSets, seed, (candidates, roles, s) => {
        const assignment = assignRoles({ candidates, roles, seed: s });
        for (const standing of STANDINGS) {
          const group = candidates.filter((c) => c.standing === standing).map((c) => assignment.get(c.id)!);
          expect(spread(Object.values(roleCounts(roles, group))), `standing ${standing}`).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it("spreads only the standings held by at least minGroup people; smaller ones go with the undeclared", () => {
    fc.assert(
      fc.property(room, roleSets, seed, fc.integer({ min: 1, max: 8 }), (candidates, roles, s, minGroup) => {
        const assignment = assignRoles({ candidates, roles, seed: s, minGroup });
        const count = (standing: string | null) => candidates.filter((c) => c.standing === standing).length;
        for (const standing of STANDINGS) {
          if (standing === null || count(standing) < minGroup) continue;
          const group = candidates.filter((c) => c.standing === standing).map((c) => assignment.get(c.id)!);
          expect(spread(Object.values(roleCounts(roles, group)))).toBeLessThanOrEqual(1);
        }
        const pooled = candidates.filter((c) => c.standing === null || count(c.standing) < minGroup).map((c) => assignment.get(c.id)!);
        expect(spread(Object.values(roleCounts(roles, pooled)))).toBeLessThanOrEqual(1);
        expect(spread(Object.values(roleCounts(roles, [...assignment.values()])))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("does not always split a standing smaller than minGroup: two HR people may play the same role", () => {
    const candidates: RoleCandidate[] = [{ id: 1, standing: "hr" }, { id: 2, standing: "hr" }, ...Array.from({ length: 8 }, (_, i) => ({ id: 10 + i, standing: null }))];
    const together = Array.from({ length: 40 }, (_, i) => assignRoles({ candidates, roles: ["employee", "employer"], seed: String(i), minGroup: 5 })).filter((a) => a.get(1) === a.get(2));
    expect(together.length).toBeGreaterThan(0);
    // Spread on its own (minGroup 1), the pair is always split.
    expect(Array.from({ length: 40 }, (_, i) => assignRoles({ candidates, roles: ["employee", "employer"], seed: String(i) })).every((a) => a.get(1) !== a.get(2))).toBe(true);
  });

  it("gives the same assignment for the same input, whatever order the participants are listed in", () => {
    fc.assert(
      fc.property(room, roleSets, seed, (candidates, roles, s) => {
        const once = assignRoles({ candidates, roles, seed: s });
        const again = assignRoles({ candidates: [...candidates].reverse(), roles, seed: s });
        expect([...again.entries()].sort((a, b) => a[0] - b[0])).toEqual([...once.entries()].sort((a, b) => a[0] - b[0]));
      }),
    );
  });

  it("puts two managers and two front-line people of a room of four one of each into each role", () => {
    const candidates: RoleCandidate[] = [
      { id: 1, standing: "manager" },
      { id: 2, standing: "manager" },
      { id: 3, standing: "frontline" },
      { id: 4, standing: "frontline" },
    ];
    const assignment = assignRoles({ candidates, roles: ["employee", "employer"], seed: "a" });
    expect(assignment.get(1)).not.toBe(assignment.get(2));
    expect(assignment.get(3)).not.toBe(assignment.get(4));
  });

  it("deals in an order the seed decides, so the ids alone do not say who shares a standing", () => {
    const candidates: RoleCandidate[] = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, standing: i < 6 ? "manager" : "frontline" }));
    const outcomes = new Set(["1", "2", "3", "4", "5", "6", "7", "8"].map((s) => JSON.stringify([...assignRoles({ candidates, roles: ["employee", "employer"], seed: s }).entries()])));
    expect(outcomes.size).toBeGreaterThan(1);
  });

  it("assigns nobody in an empty room, and refuses no roles at all", () => {
    expect(assignRoles({ candidates: [], roles: ["employee", "employer"], seed: "x" }).size).toBe(0);
    expect(() => assignRoles({ candidates: [{ id: 1, standing: null }], roles: [], seed: "x" })).toThrow(/at least one role/);
  });
});

describe("roleForNewcomer", () => {
  it("gives the role with the fewest people, the first in the case's order on a tie", () => {
    expect(roleForNewcomer(["employee", "employer"], { employee: 2, employer: 1 })).toBe("employer");
    expect(roleForNewcomer(["employee", "employer"], { employer: 1, employee: 1 })).toBe("employee");
    expect(roleForNewcomer(["employer", "employee"], {})).toBe("employer");
    expect(roleForNewcomer(["employee", "employer"], { employee: 1 })).toBe("employer");
    expect(roleForNewcomer(["employee", "employer"], { employee: 1, "": 4, client: 0 })).toBe("employer");
  });

  it("keeps an assigned room balanced as people keep joining", () => {
    fc.assert(
      fc.property(room, roleSets, seed, fc.integer({ min: 0, max: 30 }), (candidates, roles, s, newcomers) => {
        const present = [...assignRoles({ candidates, roles, seed: s }).values()];
        for (let i = 0; i < newcomers; i += 1) present.push(roleForNewcomer(roles, roleCounts(roles, present)));
        expect(spread(Object.values(roleCounts(roles, present)))).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("rolePlayRoles", () => {
  it("lists the perspectives with a brief in the author's order, when there are at least two", () => {
    expect(
      rolePlayRoles({
        roles: [
          { perspective: "employer", markdown: "B" },
          { perspective: "employee", markdown: "A" },
        ],
      }),
    ).toEqual(["employer", "employee"]);
    expect(rolePlayRoles({ roles: [{ perspective: "employee", markdown: "A" }] })).toBeNull();
    expect(
      rolePlayRoles({
        roles: [
          { perspective: "employee", markdown: "A" },
          { perspective: "employer", markdown: "  " },
        ],
      }),
    ).toBeNull();
    expect(rolePlayRoles({ roles: [] })).toBeNull();
  });

  it("names a role as people read it", () => {
    expect(roleName("employer")).toBe("Employer");
  });
});
