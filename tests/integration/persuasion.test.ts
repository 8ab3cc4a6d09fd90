/**
 * Persuasion, shown (issue 16): how many people an argument changed the mind of, from the
 * answers that name it, released with the results (persuasion.ts, ADR 009): on the argument, on
 * the results page, on the author's /me and in the header, each following the counting rule.
 */
import { afterAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

const K = 3;
const app = await startApp({ kThreshold: K });
const caseRoute = await import("../../app/routes/cases.$slug");
const resultsRoute = await import("../../app/routes/cases.$slug_.results");
const meRoute = await import("../../app/routes/me");
const rootRoute = await import("../../app/root");
afterAll(() => app.cleanup());

type Person = Awaited<ReturnType<typeof app.person>>;

async function act(person: Person, slug: string, fields: Record<string, string>) {
  const response = await settle(() => caseRoute.action({ request: app.post(`/cases/${slug}`, fields, person.cookie), params: { slug }, context: {} }));
  return { status: (response as Response).status, body: await json<{ errors: Record<string, string> }>(response) };
}

async function argue(author: Person, slug: string, body: string): Promise<number> {
  expect((await act(author, slug, { intent: "argument", perspective: "employee", side: "for", body })).status).toBe(200);
  return (await app.db().selectFrom("arguments").select("id").where("body", "=", body).executeTakeFirstOrThrow()).id;
}

/** Changes one's employee answer to judgement 2, naming `movedBy` ("" for none). */
async function changeMind(person: Person, slug: string, movedBy: string) {
  const answered = await act(person, slug, { intent: "position", perspective: "employee", ...(await app.ballot(slug, "employee", 1)), judgement: "2", legal: "unsure", confidence: "medium", movedBy });
  expect(answered.status, JSON.stringify(answered.body)).toBe(200);
}

async function changedMindsOnCasePage(reader: Person, slug: string, argumentId: number): Promise<number> {
  const data = await caseRoute.loader({ request: app.get(`/cases/${slug}`, reader.cookie), params: { slug }, context: {} });
  return data.debate.threads.find((t) => t.id === argumentId)!.changedMinds;
}

async function resultsOf(reader: Person, slug: string) {
  const data = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, reader.cookie), params: { slug }, context: {} });
  if (data.locked) throw new Error("the reader may read results");
  return data.results;
}

describe("an argument that changed minds", () => {
  it("shows how many people named it, once released, on the argument, the results page, the author's /me and header", async () => {
    const slug = "the-lockout";
    const author = await app.person("participant", "manager");
    const reader = await app.person("facilitator", "other");
    const argumentId = await argue(author, slug, "Locking her out protected the other customers.");
    const people: Person[] = [];
    for (let i = 0; i < 2 * K; i += 1) {
      const person = await app.person("participant", "frontline");
      await app.answerCase(person, slug, [0, -2], [0, 0]);
      people.push(person);
    }
    expect((await resultsOf(reader, slug)).changedMinds).toEqual([]);

    // One person changes their mind naming it: one re-answer waits for k (the shift's rule), so nothing shows.
    await changeMind(people[0]!, slug, String(argumentId));
    expect(await changedMindsOnCasePage(reader, slug, argumentId)).toBe(0);
    // Two more, one of them naming no argument: three re-answers are released together, two name it.
    await changeMind(people[1]!, slug, String(argumentId));
    await changeMind(people[2]!, slug, "");
    expect(await changedMindsOnCasePage(reader, slug, argumentId)).toBe(2);
    const results = await resultsOf(reader, slug);
    expect(results.changedMinds).toEqual([expect.objectContaining({ id: argumentId, count: 2 })]);

    // The author is told: the header's number, then /me, which marks it seen.
    const header = async () => (await rootRoute.loader({ request: app.get("/", author.cookie), params: {}, context: {} })).user!.newlyPersuaded;
    expect(await header()).toBe(2);
    const me = await meRoute.loader({ request: app.get("/me", author.cookie), params: {}, context: {} });
    expect(me.persuasion).toEqual({ total: 2, unread: 2 });
    expect(me.myArguments.find((a) => a.id === argumentId)?.changedMinds).toBe(2);
    expect(await header()).toBe(0);
    expect((await meRoute.loader({ request: app.get("/me", author.cookie), params: {}, context: {} })).persuasion).toEqual({ total: 2, unread: 0 });
  });

  it("stops counting an argument a moderator hid, everywhere (the counting rule)", async () => {
    const slug = "the-fee-waiver";
    const author = await app.person("participant", "manager");
    const moderator = await app.person("facilitator", "other");
    const argumentId = await argue(author, slug, "A waiver is a kindness the rules allow.");
    const people: Person[] = [];
    for (let i = 0; i < K; i += 1) {
      const person = await app.person("participant", "frontline");
      await app.answerCase(person, slug, [0, -2], [0, 0]);
      people.push(person);
    }
    for (const person of people) await changeMind(person, slug, String(argumentId));
    expect(await changedMindsOnCasePage(moderator, slug, argumentId)).toBe(K);
    expect((await act(moderator, slug, { intent: "hide", argumentId: String(argumentId), reason: "Off topic" })).status).toBe(200);
    expect(await changedMindsOnCasePage(moderator, slug, argumentId)).toBe(0);
    expect((await resultsOf(moderator, slug)).changedMinds).toEqual([]);
    expect((await meRoute.loader({ request: app.get("/me", author.cookie), params: {}, context: {} })).persuasion.total).toBe(0);
  });
});
