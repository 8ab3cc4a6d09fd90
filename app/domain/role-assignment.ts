/**
 * Splitting a role-play room into the case's roles (issue 17, ADR 028): balanced, with each
 * standing spread across the roles. The facilitator sees who plays which role, so the split must
 * say as little as it can of who shares a standing (ADR 009, "which group a known person is in"):
 * people are dealt in an order shuffled by a seed only the server knows, the seed is the
 * workshop's own (assigning an unchanged room again gives the same split, so splits cannot be
 * drawn again and again and compared), and only standings held by at least `minGroup` (k) people
 * are spread; smaller ones are dealt with the people who declared none.
 */

/** A participant as the assignment reads them: their id and declared standing (null: not declared). */
export interface RoleCandidate {
  id: number;
  standing: string | null;
}

/**
 * Assigns every candidate one of `roles`.
 *
 * The rule: candidates are grouped by standing; a standing held by fewer than `minGroup` of them
 * joins the group of those who declared none (one group); the groups are taken in a shuffled order, each group's members shuffled, and the whole sequence is dealt
 * round-robin over the roles from a shuffled starting role, the turn carrying on from one group
 * to the next. Dealing the whole room in one sequence keeps the roles balanced (sizes differ by at
 * most one); dealing each group's members one after another spreads every standing as evenly as
 * possible (its count per role differs by at most one). The shuffles come from `seed` alone, so
 * the same input always gives the same assignment.
 *
 * @param input.minGroup the fewest people a standing needs to be spread on its own (the k-threshold; 1 spreads every standing)
 *
 * @param input.candidates the people to assign, e.g. `[{ id: 4, standing: "manager" }, { id: 7, standing: null }]`
 * @param input.roles the roles, at least one, e.g. `["employee", "employer"]`
 * @param input.seed any string; the server draws a random one per assignment
 * @returns the role per candidate id, e.g. `Map { 4 => "employer", 7 => "employee" }`
 */
export function assignRoles(input: { candidates: readonly RoleCandidate[]; roles: readonly string[]; seed: string; minGroup?: number }): Map<number, string> {
  const { candidates, roles, seed, minGroup = 1 } = input;
  if (roles.length === 0) throw new Error("assignRoles needs at least one role");
  const random = seededRandom(seed);
  const sizes = new Map<string | null, number>();
  for (const candidate of candidates) sizes.set(candidate.standing, (sizes.get(candidate.standing) ?? 0) + 1);
  const groups = new Map<string, RoleCandidate[]>();
  // Sorted first, so the result depends on the candidates, not on the order they were listed in.
  for (const candidate of [...candidates].sort((a, b) => a.id - b.id)) {
    const key = candidate.standing !== null && sizes.get(candidate.standing)! >= minGroup ? candidate.standing : "";
    const group = groups.get(key);
    if (group) group.push(candidate);
    else groups.set(key, [candidate]);
  }
  const groupOrder = shuffle([...groups.keys()].sort(), random);
  const assignment = new Map<number, string>();
  let turn = Math.floor(random() * roles.length);
  for (const key of groupOrder) {
    for (const candidate of shuffle(groups.get(key)!, random)) {
      assignment.set(candidate.id, roles[turn % roles.length]!);
      turn += 1;
    }
  }
  return assignment;
}

/**
 * The role a participant who joins after the assignment gets: the one with the fewest people
 * now, the first in the case's order on a tie.
 *
 * @param roles the room's roles, in the case's order
 * @param present how many people in the room now (removed people left out) play each role, e.g.
 *   `{ employee: 2, employer: 1 }` (`roleCounts` of their roles); a role left out counts 0, other keys are ignored
 */
export function roleForNewcomer(roles: readonly string[], present: Readonly<Record<string, number>>): string {
  if (roles.length === 0) throw new Error("roleForNewcomer needs at least one role");
  const count = (role: string) => (Object.hasOwn(present, role) ? present[role]! : 0);
  return roles.reduce((best, role) => (count(role) < count(best) ? role : best), roles[0]!);
}

/** How many people play each role, e.g. `{ employee: 3, employer: 2 }` (roles nobody plays count 0; unknown roles are ignored). */
export function roleCounts(roles: readonly string[], present: readonly (string | null)[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(roles.map((r) => [r, 0]));
  for (const role of present) if (role !== null && role in counts) counts[role]! += 1;
  return counts;
}

/** A role's name as people see it: "Employee" for `employee`. */
export function roleName(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}

/** Fisher–Yates with the given source of randomness; returns the array it was given, shuffled. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A small deterministic generator (FNV-1a of the seed, then mulberry32): the same seed, the same numbers in [0, 1). */
function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i += 1) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The roles a case can be role-played in: the perspectives with a role brief, in the author's
 * order, when there are at least two of them (one role is not role-play); otherwise null.
 *
 * @param doc a case document's role briefs, e.g. `{ roles: [{ perspective: "employee", markdown: "…" }] }`
 */
export function rolePlayRoles(doc: { roles: readonly { perspective: string; markdown: string }[] }): string[] | null {
  const roles = [...new Set(doc.roles.filter((r) => r.markdown.trim() !== "").map((r) => r.perspective))];
  return roles.length >= 2 ? roles : null;
}

/**
 * The swap (ADR 032): every role passes to the next one in the room's roles, in the case's order,
 * the last to the first, so with two roles each person plays the other side; `steps` −1 undoes
 * it (going back from the swap stage). Roles the room does not have map to themselves.
 *
 * @param roles the room's roles in the case's order, e.g. `["employee", "employer"]`
 * @returns each role's role after the swap, e.g. `Map { "employee" => "employer", "employer" => "employee" }`
 */
export function swappedRoles(roles: readonly string[], steps: 1 | -1 = 1): Map<string, string> {
  const n = roles.length;
  return new Map(roles.map((role, i) => [role, roles[(((i + steps) % n) + n) % n]!]));
}
