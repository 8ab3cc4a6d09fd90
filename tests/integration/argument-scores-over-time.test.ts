/**
 * The case page's bridging scores and "most bridging" order (ADR 009, ADR 018): built from
 * endorsers' public leans (the sides of the other arguments they endorsed) and their standings,
 * never from anyone's answers, and released with the results because standings are protected.
 * Each attack below is played as an attacker would, with accounts of their own, reading the
 * page's data before and after; each compares worlds that differ only in private answers or
 * standings, with endorsers given public leans so the scores are not all 0.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Standing } from "../../db/schema";
import { settle, startApp } from "./app-under-test";

const K = 3;
const app = await startApp({ kThreshold: K });
const caseRoute = await import("../../app/routes/cases.$slug");
const resultsRoute = await import("../../app/routes/cases.$slug_.results");

type Person = Awaited<ReturnType<typeof app.person>>;
afterAll(() => app.cleanup());

async function act(person: Person, slug: string, fields: Record<string, string>) {
  const response = await settle(() => caseRoute.action({ request: app.post(`/cases/${slug}`, fields, person.cookie), params: { slug }, context: {} }));
  expect((response as Response).status).toBe(200);
}

/** Answers both perspectives: `judgement` as the employee (the arguments' perspective), 0 as the employer. */
async function answer(person: Person, slug: string, judgement: number) {
  for (const [perspective, value] of [
    ["employee", judgement],
    ["employer", 0],
  ] as const) {
    await act(person, slug, { intent: "position", perspective, ...(await app.ballot(slug, perspective, 0)), judgement: String(value), legal: "unsure", confidence: "medium" });
  }
}

async function answering(slug: string, standing: Standing, judgement: number, count = 1): Promise<Person[]> {
  const people: Person[] = [];
  for (let i = 0; i < count; i += 1) {
    const person = await app.person("participant", standing);
    await answer(person, slug, judgement);
    people.push(person);
  }
  return people;
}

/** Posts an argument as the employee and returns its id. */
async function argue(author: Person, slug: string, body: string, side: "for" | "against" | "depends" = "for"): Promise<number> {
  await act(author, slug, { intent: "argument", perspective: "employee", side, lens: "", body });
  const row = await app.db().selectFrom("arguments").select("id").where("body", "=", body).executeTakeFirstOrThrow();
  return row.id;
}

async function endorse(person: Person, slug: string, argumentId: number) {
  await act(person, slug, { intent: "endorse", argumentId: String(argumentId) });
}

/**
 * Two arguments as the employee, one "for" what the person in the case did and one "against":
 * endorsing one gives a person a public lean (right or wrong) on every other employee argument.
 * Posted after the arguments under test, so that those are scored first (oldest first).
 */
async function sideArguments(author: Person, slug: string): Promise<Record<"right" | "wrong", number>> {
  return { right: await argue(author, slug, `For: she did right (${slug}).`, "for"), wrong: await argue(author, slug, `Against: she did wrong (${slug}).`, "against") };
}

/** The bridging score the case page's data gives this reader for one argument. */
async function scoreOn(reader: Person, slug: string, argumentId: number) {
  const data = await caseRoute.loader({ request: app.get(`/cases/${slug}?sort=bridging`, reader.cookie), params: { slug }, context: {} });
  const thread = data.debate.threads.find((t) => t.id === argumentId);
  if (!thread) throw new Error(`argument ${argumentId} is not on the page`);
  return thread.bridging;
}

/** When the case's results were last released, as the results page says. */
async function releasedAt(reader: Person, slug: string) {
  const data = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, reader.cookie), params: { slug }, context: {} });
  if (data.locked) throw new Error("the reader has not answered");
  return data.results.released?.at ?? null;
}

describe("an attacker's own endorsement", () => {
  const slug = "the-quiet-fix";

  it("does not reveal the lean of an argument's only endorser, before or after the next release", async () => {
    // Two worlds side by side: argument A's only endorser judged it right, argument B's wrong; in
    // public both lean the same way. The attacker endorses both and compares: counted from
    // answers and live, A would score 1 and B 0.
    const author = (await answering(slug, "frontline", 0))[0]!;
    const first = await argue(author, slug, "A: ship it, then push in writing.");
    const second = await argue(author, slug, "B: ship it, then push in writing.");
    const sides = await sideArguments(author, slug);
    const [right] = await answering(slug, "frontline", 2);
    const [wrong] = await answering(slug, "frontline", -2);
    for (const endorser of [right!, wrong!]) await endorse(endorser, slug, sides.wrong);
    await endorse(right!, slug, first);
    await endorse(wrong!, slug, second);
    const [attacker] = await answering(slug, "frontline", -3);
    await endorse(attacker!, slug, sides.right);
    await endorse(attacker!, slug, first);
    await endorse(attacker!, slug, second);
    expect(await scoreOn(attacker!, slug, first)).toEqual(await scoreOn(attacker!, slug, second));

    // k more people answer (none of them endorsers): the results are released again.
    const before = await releasedAt(attacker!, slug);
    await answering(slug, "manager", 1, K);
    expect(await releasedAt(attacker!, slug)).not.toBe(before);
    expect(await scoreOn(attacker!, slug, first)).toEqual(await scoreOn(attacker!, slug, second));
  });
});

describe("watching one known endorser change their mind", () => {
  const slug = "no-authority";

  it("shows no change in the argument's score, even after the results are released again", async () => {
    // Five endorsers: two lean right in public (one of them the colleague the attacker watches),
    // three wrong; the score is min(2, 3) = 2.
    const author = (await answering(slug, "frontline", 0))[0]!;
    const argumentId = await argue(author, slug, "Go to the floor manager in person.");
    const sides = await sideArguments(author, slug);
    const [colleague] = await answering(slug, "frontline", 2);
    const rightLeaning = [colleague!, ...(await answering(slug, "frontline", 1))];
    const wrongLeaning = await answering(slug, "frontline", -2, 3);
    for (const endorser of rightLeaning) await endorse(endorser, slug, sides.right);
    for (const endorser of wrongLeaning) await endorse(endorser, slug, sides.wrong);
    for (const endorser of [...rightLeaning, ...wrongLeaning]) await endorse(endorser, slug, argumentId);
    // k people answer after the endorsements: a release that counts them all.
    const managers = await answering(slug, "manager", 0, K);
    const reader = (await answering(slug, "hr", 0))[0]!;
    const before = await scoreOn(reader, slug, argumentId);
    expect(before).toBe(2);
    const releasedBefore = await releasedAt(reader, slug);

    // The colleague changes their mind (right → wrong); then k people who never endorsed it change
    // theirs too: the results are released again (the colleague's change waits for others in
    // their group, ADR 009), and the score counts no answer at all.
    await answer(colleague!, slug, -1);
    expect(await scoreOn(reader, slug, argumentId)).toEqual(before);
    for (const manager of managers) await answer(manager, slug, 1);
    expect(await releasedAt(reader, slug)).not.toBe(releasedBefore);
    expect(await scoreOn(reader, slug, argumentId)).toEqual(before);
  });
});

describe("the standings term", () => {
  const slug = "off-script";

  it("does not reveal that one endorser's standing differs from the others'", async () => {
    // Two worlds side by side, each argument endorsed by k people leaning both ways in public:
    // A's last endorser is the only HR person, B's is front line like the rest. Counting every
    // standing apart, A would score half again as much.
    const author = (await answering(slug, "frontline", 0))[0]!;
    const first = await argue(author, slug, "A: stick to what you were trained to do.");
    const second = await argue(author, slug, "B: stick to what you were trained to do.");
    const sides = await sideArguments(author, slug);
    for (const [argumentId, lastStanding] of [
      [first, "hr"],
      [second, "frontline"],
    ] as const) {
      const right = [...(await answering(slug, "frontline", 2)), ...(await answering(slug, lastStanding, 3))];
      const wrong = await answering(slug, "frontline", -2, K - 2);
      for (const endorser of right) await endorse(endorser, slug, sides.right);
      for (const endorser of wrong) await endorse(endorser, slug, sides.wrong);
      for (const endorser of [...right, ...wrong]) await endorse(endorser, slug, argumentId);
    }
    await answering(slug, "manager", 0, K);
    const reader = (await answering(slug, "manager", 0))[0]!;
    // Both arguments have a score (k endorsers, both sides): the two worlds must show the same one.
    expect(await scoreOn(reader, slug, second)).toBeGreaterThan(0);
    expect(await scoreOn(reader, slug, first)).toEqual(await scoreOn(reader, slug, second));
  });
});

describe("released scores", () => {
  it("scores an argument from its endorsers' public leans, answered or not, at the first release after k endorsed it", async () => {
    const slug = "the-fee-waiver";
    const author = (await answering(slug, "frontline", 0))[0]!;
    const scored = await argue(author, slug, "Scored: say what you saw.");
    const popular = await argue(author, slug, "No side: stay out of it.");
    const sides = await sideArguments(author, slug);
    // Two who answered (and judged the opposite of their public lean) and two who never answered.
    const answered = [...(await answering(slug, "frontline", -2)), ...(await answering(slug, "manager", 2))];
    const silent = [await app.person("participant", "frontline"), await app.person("participant", "manager")];
    for (const endorser of [answered[0]!, silent[0]!]) await endorse(endorser, slug, sides.right);
    for (const endorser of [answered[1]!, silent[1]!]) await endorse(endorser, slug, sides.wrong);
    for (const endorser of [...answered, ...silent]) await endorse(endorser, slug, scored);
    // More endorsements than the scored one, from people who endorsed nothing else: no lean.
    for (let i = 0; i < 5; i += 1) await endorse(await app.person("participant", "hr"), slug, popular);
    // Anyone may read the case page; this reader has not answered, so reading releases nothing.
    const visitor = await app.person("participant", "hr");
    expect(await scoreOn(visitor, slug, scored)).toBeNull();

    const reader = (await answering(slug, "other", 0, K))[0]!;
    // min(2 right, 2 wrong), from public leans (counted from answers: min(1, 1)); front line and
    // managers are two groups of fewer than k: one kind of person.
    expect(await scoreOn(reader, slug, scored)).toBe(2);
    expect(await scoreOn(reader, slug, popular)).toBe(0);
    const data = await caseRoute.loader({ request: app.get(`/cases/${slug}?sort=bridging`, reader.cookie), params: { slug }, context: {} });
    const order = data.debate.threads.map((t) => t.id);
    expect(order.indexOf(scored)).toBeLessThan(order.indexOf(popular));
    const results = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, reader.cookie), params: { slug }, context: {} });
    if (results.locked) throw new Error("the reader has not answered");
    expect(results.results.topBridging.map((a) => [a.id, a.bridging])).toEqual([[scored, 2]]);
  });

  it("keeps each endorser's side from when it was first known: k endorsers persuaded to the other side later do not erase the score (issue 16)", async () => {
    const slug = "empathy-from-the-top";
    const author = (await answering(slug, "frontline", 0))[0]!;
    const argumentId = await argue(author, slug, "Lead from the top.");
    const sides = await sideArguments(author, slug);
    const right = await answering(slug, "frontline", 1, K);
    const wrong = await answering(slug, "frontline", -1, K);
    for (const endorser of right) await endorse(endorser, slug, sides.right);
    for (const endorser of wrong) await endorse(endorser, slug, sides.wrong);
    for (const endorser of [...right, ...wrong]) await endorse(endorser, slug, argumentId);
    await answering(slug, "manager", 0, K);
    const reader = (await answering(slug, "hr", 0))[0]!;
    expect(await scoreOn(reader, slug, argumentId)).toBe(K);

    // k of those leaning right are persuaded: they withdraw that endorsement and endorse the other
    // side. Their lean on this argument was recorded as "right" when they endorsed it, so the
    // argument still bridges both sides after the next release (before issue 16: min(0, 2k) = 0).
    for (const endorser of right) {
      await endorse(endorser, slug, sides.right); // a second endorsement withdraws
      await endorse(endorser, slug, sides.wrong);
    }
    await answering(slug, "manager", 0, K);
    expect(await scoreOn(reader, slug, argumentId)).toBe(K);
    const recorded = await app.db().selectFrom("endorsements").select(["user_id", "recorded_lean"]).where("argument_id", "=", argumentId).execute();
    expect(recorded.filter((r) => r.recorded_lean === "right")).toHaveLength(K);
    expect(recorded.filter((r) => r.recorded_lean === "wrong")).toHaveLength(K);
  });

  it("records the side an endorser's later endorsements first give, when they had none on endorsing", async () => {
    const slug = "the-overpayment";
    const author = (await answering(slug, "frontline", 0))[0]!;
    const argumentId = await argue(author, slug, "Pay what was worked.");
    const sides = await sideArguments(author, slug);
    const early = await answering(slug, "frontline", 1, K);
    const late = await answering(slug, "frontline", -1, K);
    // Endorsing the argument first: no other endorsement, so no lean yet.
    for (const endorser of [...early, ...late]) await endorse(endorser, slug, argumentId);
    const none = await app.db().selectFrom("endorsements").select("recorded_lean").where("argument_id", "=", argumentId).execute();
    expect(none.every((r) => r.recorded_lean === null)).toBe(true);
    // Their next endorsements give them a side, which is recorded; a later change does not move it.
    for (const endorser of early) await endorse(endorser, slug, sides.right);
    for (const endorser of late) await endorse(endorser, slug, sides.wrong);
    for (const endorser of early) {
      await endorse(endorser, slug, sides.right);
      await endorse(endorser, slug, sides.wrong);
    }
    await answering(slug, "manager", 0, K);
    const reader = (await answering(slug, "hr", 0))[0]!;
    expect(await scoreOn(reader, slug, argumentId)).toBe(K);
  });
});

describe("a release stored before scores were released", () => {
  it("gets its scores once, from the endorsers' public leans at the next read", async () => {
    const slug = "the-lockout";
    const author = (await answering(slug, "frontline", 0))[0]!;
    const argumentId = await argue(author, slug, "Open the doors.");
    const sides = await sideArguments(author, slug);
    const right = await answering(slug, "frontline", 2, 2);
    const wrong = await answering(slug, "frontline", -2, 2);
    for (const endorser of right) await endorse(endorser, slug, sides.right);
    for (const endorser of wrong) await endorse(endorser, slug, sides.wrong);
    for (const endorser of [...right, ...wrong]) await endorse(endorser, slug, argumentId);
    // One more answer, so the two who answered last are released with it (two would be under k).
    await answering(slug, "frontline", 0);
    // As a release made before migration 0007 was stored: no scores, and nothing pending.
    const { id: caseId } = await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
    await app.db().updateTable("result_releases").set({ argument_scores: null, through_position_id: 1_000_000 }).where("case_id", "=", caseId).execute();

    const visitor = await app.person("participant", "hr");
    expect(await scoreOn(visitor, slug, argumentId)).toBe(2);
    const stored = await app.db().selectFrom("result_releases").select("argument_scores").where("case_id", "=", caseId).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.argument_scores!)[String(argumentId)].score).toBe(2);
  });
});
