/**
 * The attacks of the privacy threat model (ADR 009) that combine online results read at
 * different times, each played as an attacker would with accounts of their own.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Standing } from "../../db/schema";
import { settle, startApp } from "./app-under-test";

const K = 5;
const app = await startApp({ kThreshold: K });
const resultsRoute = await import("../../app/routes/cases.$slug_.results");
const meRoute = await import("../../app/routes/me");

type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

/** Answers as the employee and as the employer (the same option and judgement unless given). */
const answer = (person: Person, slug: string, employee: [number, number], employer: [number, number] = employee) => app.answerCase(person, slug, employee, employer);

/** Everything the results page's data gives this person, minus the release's own time stamp. */
async function readResults(person: Person, slug: string) {
  const data = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, person.cookie), params: { slug }, context: {} });
  if (data.locked) throw new Error(`${person.name} has not answered ${slug}`);
  const { released, ...rest } = data.results;
  return { people: released?.people ?? 0, at: released?.at ?? null, ...rest };
}

async function changeStanding(person: Person, standing: Standing) {
  const response = await settle(() => meRoute.action({ request: app.post("/me", { displayName: person.name, standing }, person.cookie), params: {}, context: {} }));
  expect(response instanceof Response ? response.status : 200).toBe(200);
}

async function crowd(slug: string, standing: Standing, count: number, employee: [number, number], employer?: [number, number]): Promise<Person[]> {
  const people: Person[] = [];
  for (let i = 0; i < count; i += 1) {
    const person = await app.person("participant", standing);
    await answer(person, slug, employee, employer);
    people.push(person);
  }
  return people;
}

describe("watching the results over time", () => {
  const slug = "background-check";

  it("shows nothing new between just before and just after one known person answers", async () => {
    await crowd(slug, "frontline", 6, [0, -2]);
    const watcher = (await crowd(slug, "manager", 1, [2, 1], [0, -1]))[0]!;
    const before = await readResults(watcher, slug);
    expect(before.people).toBeGreaterThanOrEqual(K);

    const colleague = await app.person("participant", "hr");
    await answer(colleague, slug, [3, 3], [3, 3]);
    const after = await readResults(watcher, slug);
    expect(after).toEqual(before);
  });

  it("changes only in steps where every figure shown moves by none or at least k people", async () => {
    const slug = "the-overpayment";
    const watcher = await app.person("facilitator", "other");
    const seen = [await readResults(watcher, slug)];
    type Read = (typeof seen)[number];
    const stepsOf = (before: Read, after: Read): number[] => {
      const steps = [after.people - before.people];
      for (const perspective of after.perspectives) {
        const earlier = before.perspectives.find((p) => p.key === perspective.key)!;
        steps.push(perspective.respondents - earlier.respondents);
        const keys = new Set([...perspective.byStanding.groups, ...earlier.byStanding.groups].map((g) => g.key));
        for (const key of keys) {
          const count = (r: typeof perspective) => r.byStanding.groups.find((g) => g.key === key)?.count ?? 0;
          // A group that appears or goes is a change of all its people.
          steps.push(count(perspective) - count(earlier));
        }
      }
      return steps.map(Math.abs);
    };
    for (let person = 1; person <= 6 * K; person += 1) {
      await crowd(slug, person % 2 ? "frontline" : "manager", 1, [person % 3, (person % 7) - 3]);
      const now = await readResults(watcher, slug);
      if (JSON.stringify(now) === JSON.stringify(seen.at(-1))) continue;
      for (const step of stepsOf(seen.at(-1)!, now)) expect(step === 0 || step >= K, `a step of ${step} after person ${person}`).toBe(true);
      seen.push(now);
    }
    // Released in steps of K people. No breakdown is ever shown: every release is tested with all
    // earlier ones (ADR 009, "Several releases read together"), and here the first two batches
    // mixed the standings (3 + 2, then 2 + 3) while later ones held one standing each, so a
    // front-line row beside the totals would give the first batch's front line minus the second's
    // managers: four people.
    expect(seen.map((r) => r.people)).toEqual([0, K, 2 * K, 3 * K, 4 * K, 5 * K, 6 * K]);
    expect(seen.at(-1)!.perspectives[0]!.byStanding.groups).toEqual([]);
  });
});

describe("moving one's own standing between two reads", () => {
  const slug = "the-fee-waiver";

  it("does not move past answers between groups, so two breakdowns never subtract to a small group", async () => {
    // 7 front line, 5 managers, and a hidden group of 2 HR + 1 other. The attacker holds k
    // manager accounts and a facilitator's, reads the breakdown, moves every account to front
    // line, re-answers the same (k people changed: a new release) and reads again.
    await crowd(slug, "frontline", 7, [0, -3]);
    await crowd(slug, "manager", 5, [1, 1]);
    await crowd(slug, "hr", 2, [2, 3]);
    await crowd(slug, "other", 1, [2, 3]);
    const attackers = await crowd(slug, "manager", K, [1, 1]);
    const reader = await app.person("facilitator", "other");
    const before = await readResults(reader, slug);
    expect(before.people).toBe(20);

    for (const attacker of attackers) {
      await changeStanding(attacker, "frontline");
      await answer(attacker, slug, [1, 1]);
    }
    const after = await readResults(reader, slug);
    expect(after.at).not.toBe(before.at);
    for (const perspective of after.perspectives) {
      const earlier = before.perspectives.find((p) => p.key === perspective.key)!;
      expect(perspective.byStanding).toEqual(earlier.byStanding);
    }
    expect(after.gap).toEqual(before.gap);
  });

  it("counts a new answer under the standing of the person's first answer on the case", async () => {
    const person = await app.person("participant", "manager");
    await answer(person, slug, [0, 0], [0, 0]);
    await changeStanding(person, "hr");
    await answer(person, slug, [1, 1], [1, 1]);
    const rows = await app.db().selectFrom("positions").select(["standing", "is_current"]).where("user_id", "=", person.id).execute();
    expect(new Set(rows.map((r) => r.standing))).toEqual(new Set(["manager"]));
    const gap = await app.db().selectFrom("empathy_gaps").select("standing").where("user_id", "=", person.id).executeTakeFirstOrThrow();
    expect(gap.standing).toBe("manager");
  });
});

describe("the library", () => {
  it("shows how many took part only as released, in steps of at least k people", async () => {
    const slug = "the-lockout";
    const indexRoute = await import("../../app/routes/_index");
    const shown = async () => (await indexRoute.loader({ request: app.get("/"), params: {}, context: {} })).cases.find((c) => c.slug === slug)!.participants;
    await crowd(slug, "frontline", K - 1, [0, 0]);
    expect(await shown()).toBeNull();
    await crowd(slug, "frontline", 1, [0, 0]);
    expect(await shown()).toBe(K);
    await crowd(slug, "manager", K - 1, [0, 0]);
    expect(await shown()).toBe(K);
    await crowd(slug, "manager", 1, [0, 0]);
    expect(await shown()).toBe(2 * K);
  });
});
