import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, settle, startApp } from "./app-under-test";

// k = 3: the results release at every third complete answer, and steelmen with them (ADR 031).
const app = await startApp({ kThreshold: 3 });
const caseRoute = await import("../../app/routes/cases.$slug");

const SLUG = "the-lockout";
type Person = Awaited<ReturnType<typeof app.person>>;
type Body = { intent: string; target: string; errors: Record<string, string>; message?: string };
type PageData = Awaited<ReturnType<typeof caseRoute.loader>>;

async function act(person: Person | null, fields: Record<string, string>) {
  const response = (await settle(() => caseRoute.action({ request: app.post(`/cases/${SLUG}`, fields, person?.cookie), params: { slug: SLUG }, context: {} }))) as Response;
  if (response.status === 302) return { status: 302, replayed: null, body: null };
  return { status: response.status, replayed: response.headers.get("Idempotent-Replayed"), body: await json<Body>(response) };
}

async function page(person: Person | null): Promise<PageData> {
  return caseRoute.loader({ request: app.get(`/cases/${SLUG}`, person?.cookie), params: { slug: SLUG }, context: {} });
}

/** Answers both perspectives: option 0, the given employee judgement, and the employer's 0. */
const answer = (person: Person, employeeJudgement: number, employerJudgement = 0) => app.answerCase(person, SLUG, [0, employeeJudgement], [1, employerJudgement]);
const write = (person: Person, side: string, body: string, key = randomUUID()) => act(person, { intent: "steelman", perspective: "employee", side, body, idempotencyKey: `k-${key}` });
const rate = (person: Person, steelmanId: number, rating: number, key = randomUUID()) =>
  act(person, { intent: "rate-steelman", steelmanId: String(steelmanId), rating: String(rating), idempotencyKey: `k-${key}` });
const steelmenOf = () => app.db().selectFrom("steelmen").selectAll().orderBy("id").execute();
const ratingsOf = (steelmanId: number) => app.db().selectFrom("steelman_ratings").selectAll().where("steelman_id", "=", steelmanId).execute();

/** Three newcomers answer, which makes the next release of the results (and of the steelmen). */
async function nextRelease() {
  for (let i = 0; i < 3; i++) await answer(await app.person(), 1 - i);
}

afterAll(() => app.cleanup());

describe("steelmen on the case page", () => {
  let writers: Person[];
  let raters: Person[];
  let torn: Person;
  let stranger: Person;
  let moderator: Person;
  let ids: number[];

  beforeAll(async () => {
    writers = [await app.person(), await app.person(), await app.person()];
    raters = [await app.person(), await app.person(), await app.person()];
    torn = await app.person();
    stranger = await app.person();
    moderator = await app.person("facilitator");
    for (const w of writers) await answer(w, 2);
  });

  it("asks for the side the person did not take, and refuses the side they took", async () => {
    const refused = await write(writers[0]!, "right", "The lead was right.");
    expect(refused.status).toBe(400);
    expect(refused.body!.errors.side).toMatch(/side you did not take/);
    const unanswered = await write(stranger, "wrong", "Without answering.");
    expect(unanswered.body!.errors.side).toMatch(/Answer this perspective first/);
    expect((await page(writers[0]!)).steelmen.write).toEqual([
      expect.objectContaining({ perspective: "employee", sides: ["wrong"], mine: null }),
      expect.objectContaining({ perspective: "employer", sides: ["right", "wrong"] }),
    ]);
  });

  it("refuses a steelman with nothing visible in it (control or invisible characters only), which raters would see as a blank card", async () => {
    for (const body of ["\u0007\u0000", " \u200b\u2060 ", "\u202e\u001b"]) {
      const refused = await write(writers[0]!, "wrong", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body!.errors.body).toEqual(expect.any(String));
    }
    expect(await steelmenOf()).toEqual([]);
  });

  it("keeps one steelman per person and perspective, editable while pending, and creates once per submission", async () => {
    const key = randomUUID();
    const first = await write(writers[0]!, "wrong", "Targets **are** no excuse.", key);
    const repeat = await write(writers[0]!, "wrong", "Targets **are** no excuse.", key);
    expect([first.status, repeat.status, repeat.replayed]).toEqual([200, 200, "true"]);
    const reused = await write(writers[0]!, "wrong", "Something else under the same key.", key);
    expect(reused.status).toBe(422);
    expect((await write(writers[0]!, "wrong", "Targets are no excuse: one injury costs more than a week of rate.")).status).toBe(200);
    expect(await steelmenOf()).toEqual([
      expect.objectContaining({ user_id: writers[0]!.id, side: "wrong", body: "Targets are no excuse: one injury costs more than a week of rate.", opened_at: null }),
    ]);
    await write(writers[1]!, "wrong", "A lockout takes twelve minutes; a hand takes a lifetime.");
    await write(writers[2]!, "wrong", "He taught a new starter to copy him.");
    ids = (await steelmenOf()).map((s) => s.id);
  });

  it("opens steelmen for rating only in a batch of k, at a release of the results", async () => {
    await answer(raters[0]!, -2);
    await answer(raters[1]!, -3);
    // Two raters answered since the last release: no release, nothing open, nothing to rate.
    expect((await page(raters[0]!)).steelmen.rate).toEqual([expect.objectContaining({ side: "wrong", items: [] })]);
    expect((await rate(raters[0]!, ids[0]!, 4)).body!.errors.form).toBe("That steelman is not open for rating yet.");
    await answer(raters[2]!, -1);
    expect((await steelmenOf()).every((s) => s.opened_at !== null)).toBe(true);
    const shown = (await page(raters[0]!)).steelmen.rate[0]!;
    expect(shown.items.map((i) => i.id)).toEqual(ids);
    // No author's name leaves the server with a steelman.
    expect(JSON.stringify(shown)).not.toContain(writers[0]!.name);
    expect((await write(writers[0]!, "wrong", "Too late to change.")).status).toBe(409);
  });

  it("lets only people who answered the steelman's side rate it, never its author", async () => {
    expect((await rate(writers[1]!, ids[0]!, 5)).status).toBe(403);
    await answer(torn, 0);
    expect((await rate(torn, ids[0]!, 5)).status).toBe(403);
    expect((await rate(stranger, ids[0]!, 5)).status).toBe(403);
    expect((await act(null, { intent: "rate-steelman", steelmanId: String(ids[0]), rating: "5" })).status).toBe(302);
    // The author changes sides: still not their own steelman to rate.
    await app.answerCase(writers[0]!, SLUG, [0, -1], [1, 0]);
    const own = await rate(writers[0]!, ids[0]!, 5);
    expect([own.status, own.body!.errors.form]).toEqual([403, "You cannot rate your own steelman."]);
    expect(await ratingsOf(ids[0]!)).toEqual([]);
    expect((await page(writers[0]!)).steelmen.rate[0]!.items.map((i) => i.id)).toEqual(ids.slice(1));
  });

  it("takes one rating per person, changeable, and creates it once per submission", async () => {
    const key = randomUUID();
    const [first, repeat] = await Promise.all([rate(raters[0]!, ids[0]!, 4, key), rate(raters[0]!, ids[0]!, 4, key)]);
    expect([first.status, repeat.status].sort()).toEqual([200, 200]);
    expect([first.replayed, repeat.replayed]).toContain("true");
    expect((await rate(raters[0]!, ids[0]!, 5)).body!.message).toBe("Your rating is changed.");
    expect((await ratingsOf(ids[0]!)).map((r) => r.value)).toEqual([5]);
    expect((await rate(raters[0]!, ids[0]!, 6)).body!.errors.rating).toMatch(/from 1 to 5/);
    expect((await page(raters[0]!)).steelmen.rate[0]!.items.find((i) => i.id === ids[0])!.myRating).toBe(5);
  });

  it("shows a score only once k people rated, at the next release, coarsely and without a count", async () => {
    await rate(raters[1]!, ids[0]!, 4);
    await rate(raters[2]!, ids[0]!, 4);
    await rate(raters[1]!, ids[1]!, 2);
    await rate(raters[2]!, ids[1]!, 3);
    // k ratings, but no release since: the board shows nothing yet.
    const before = (await page(raters[0]!)).steelmen.best!;
    expect(before[0]!.sides.find((s) => s.side === "wrong")!.items).toEqual([]);
    // A torn person may steelman either side; alone on "right", theirs waits for others at the release.
    expect((await write(torn, "right", "Rate targets are the firm's promise to customers.")).status).toBe(200);
    await nextRelease();
    expect((await steelmenOf()).find((s) => s.user_id === torn.id)!.opened_at).toBeNull();
    const wrong = (await page(raters[0]!)).steelmen.best![0]!.sides.find((s) => s.side === "wrong")!;
    // 5, 4, 4: a mean of 4.33, shown as 4.5 of 5; the second steelman has two ratings, so no score.
    expect(wrong.items.map((i) => [i.id, i.score])).toEqual([[ids[0], "4.5 of 5"]]);
    expect(JSON.stringify(wrong)).not.toMatch(/rater|count/i);
  });

  it("moves a released score only after k new or changed ratings", async () => {
    await rate(raters[1]!, ids[0]!, 1);
    await rate(raters[2]!, ids[0]!, 1);
    await nextRelease();
    const score = async () => (await page(raters[0]!)).steelmen.best![0]!.sides.find((s) => s.side === "wrong")!.items.find((i) => i.id === ids[0])?.score;
    expect(await score()).toBe("4.5 of 5");
    await rate(raters[0]!, ids[0]!, 1);
    await nextRelease();
    expect(await score()).toBe("1 of 5");
  });

  it("opens and scores only what the results release saw, whenever a reader happens to release the steelmen", async () => {
    // As if a results release had been made where no steelman release followed it (a read of the results page).
    await app.db().deleteFrom("steelman_releases").execute();
    for (const w of writers)
      expect((await act(w, { intent: "steelman", perspective: "employer", side: "right", body: `Employer's case, by a torn writer ${w.id}.`, idempotencyKey: `k-${randomUUID()}` })).status).toBe(200);
    await page(raters[0]!);
    const employerSteelmen = async () => (await steelmenOf()).filter((s) => s.perspective === "employer");
    expect((await employerSteelmen()).map((s) => s.opened_at)).toEqual([null, null, null]);
    await nextRelease();
    expect((await employerSteelmen()).every((s) => s.opened_at !== null)).toBe(true);
  });

  it("withholds the best steelmen, like the results, from someone who has not answered every perspective", async () => {
    expect((await page(stranger)).steelmen.best).toBeNull();
    expect((await page(null)).steelmen.best).toBeNull();
  });

  it("does not show a hidden steelman nor count its ratings; only moderators hide, and a restore brings it back", async () => {
    expect((await act(raters[0]!, { intent: "steelman-hide", steelmanId: String(ids[2]), reason: "Off topic" })).status).toBe(403);
    expect((await act(moderator, { intent: "steelman-hide", steelmanId: String(ids[2]), reason: "Off topic" })).status).toBe(200);
    expect((await rate(raters[0]!, ids[2]!, 5)).status).toBe(400);
    // Ratings given before it was hidden stay stored but count for nothing while it is hidden.
    await app
      .db()
      .insertInto("steelman_ratings")
      .values(raters.map((r) => ({ steelman_id: ids[2]!, user_id: r.id, value: 5, released_value: null, created_at: "2026-11-30T00:00:00.000Z", updated_at: "2026-11-30T00:00:00.000Z" })))
      .execute();
    await nextRelease();
    const board = async () => (await page(raters[0]!)).steelmen;
    expect((await board()).best![0]!.sides.find((s) => s.side === "wrong")!.items.map((i) => i.id)).not.toContain(ids[2]);
    expect((await board()).rate[0]!.items.map((i) => i.id)).not.toContain(ids[2]);
    expect((await app.db().selectFrom("steelmen").select("released_score").where("id", "=", ids[2]!).executeTakeFirstOrThrow()).released_score).toBeNull();
    expect((await act(moderator, { intent: "steelman-restore", steelmanId: String(ids[2]), reason: "Back on topic" })).status).toBe(200);
    await nextRelease();
    expect((await board()).best![0]!.sides.find((s) => s.side === "wrong")!.items.map((i) => [i.id, i.score])).toContainEqual([ids[2], "5 of 5"]);
  });

  it("lets the author delete their steelman, which then neither shows nor counts", async () => {
    expect((await act(raters[0]!, { intent: "steelman-delete", steelmanId: String(ids[2]) })).status).toBe(403);
    expect((await act(writers[2]!, { intent: "steelman-delete", steelmanId: String(ids[2]) })).status).toBe(200);
    const seen = await page(raters[0]!);
    expect(seen.steelmen.best![0]!.sides.flatMap((s) => s.items.map((i) => i.id))).not.toContain(ids[2]);
    expect((await rate(raters[0]!, ids[2]!, 4)).status).toBe(400);
    // A new one is a new steelman: pending, unrated, waiting for a batch; the deleted one stays stored.
    expect((await write(writers[2]!, "wrong", "He knew the sensor was faulty.")).status).toBe(200);
    const rows = (await steelmenOf()).filter((s) => s.user_id === writers[2]!.id && s.perspective === "employee");
    expect(rows.map((s) => [s.status, s.opened_at === null, s.released_score])).toEqual([
      ["deleted", false, 10],
      ["visible", true, null],
    ]);
  });
});
