/**
 * The release records a process keeps between plans (ADR 024 amendment, `KeptRecords`): plans
 * made with them are the plans a process reading the whole history every time makes. The same
 * story is played twice on fresh databases, once as one process keeps the records, once with
 * them forgotten before every request (as if each request reached a new process), and every
 * release is compared.
 */
import { describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";
import { forgetSingleton } from "../../app/platform/singleton.server";

const K = 3;
const SLUG = "the-lockout";

/** Plays the story; returns every release as stored after each read (time left out). */
async function playStory(forgetBetweenRequests: boolean) {
  const app = await startApp({ kThreshold: K });
  try {
    const attacks = await releaseAttacks(app);
    const fresh = <T>(request: () => Promise<T>) => {
      if (forgetBetweenRequests) forgetSingleton("kept-release-records");
      return request();
    };
    const answer = (person: Awaited<ReturnType<typeof app.person>>, employee: [number, number], employer: [number, number]) => fresh(() => attacks.answer(person, SLUG, employee, employer));
    const reader = await app.person("facilitator", "other");
    const { id } = await app.db().selectFrom("cases").select("id").where("slug", "=", SLUG).executeTakeFirstOrThrow();
    const releases: unknown[] = [];
    const read = async () => {
      await fresh(() => attacks.readResults(reader, SLUG));
      const row = await app.db().selectFrom("result_releases").selectAll().where("case_id", "=", id).executeTakeFirstOrThrow();
      const { released_at: _time, ...rest } = row;
      releases.push(rest);
    };
    const people = async (standing: "frontline" | "manager" | "hr" | "other", count: number) => Promise.all(Array.from({ length: count }, () => app.person("participant", standing)));

    // Twelve people alike (one class, nine beyond k), and smaller standings.
    const frontline = await people("frontline", 12);
    for (const person of frontline) await answer(person, [0, 1], [1, -1]);
    const managers = await people("manager", 4);
    for (const person of managers) await answer(person, [1, 2], [0, 0]);
    const hr = await people("hr", 3);
    for (const person of hr) await answer(person, [1, -2], [1, 3]);
    await read();

    // Some of the class change their minds: kept ones (the lowest ids) and ones beyond k.
    for (const person of [frontline[0]!, frontline[10]!, frontline[11]!]) await answer(person, [1, -1], [1, -1]);
    await read();
    for (const person of [frontline[1]!, frontline[2]!, frontline[9]!]) await answer(person, [1, -1], [1, -1]);
    await read();

    // An argument is named by some of the class as what changed their minds.
    const argumentId = await fresh(() => attacks.argueOn(SLUG, managers[0]!, "Locking her out kept the others safe."));
    for (const person of frontline.slice(3, 7)) {
      const ballot = await app.ballot(SLUG, "employee", 1);
      await fresh(() => attacks.actOn(SLUG, person, { intent: "position", perspective: "employee", ...ballot, judgement: "2", legal: "no", confidence: "high", movedBy: String(argumentId) }));
    }
    await read();

    // Newcomers, and one of the smaller standings changes.
    for (const person of await people("other", 4)) await answer(person, [0, 0], [0, 0]);
    await answer(hr[0]!, [0, 3], [0, 3]);
    await read();
    return releases;
  } finally {
    await app.cleanup();
  }
}

describe("release records kept between plans", () => {
  // Two stories of 33 people each: about 6 s on SQLite, longer on PostgreSQL under load.
  it("make every release the whole history makes", { timeout: 120_000 }, async () => {
    const kept = await playStory(false);
    const readAgain = await playStory(true);
    expect(kept).toHaveLength(5);
    expect(kept).toEqual(readAgain);
    // The story released people and changes (not five empty releases).
    expect((kept.at(-1) as { people: number }).people).toBeGreaterThanOrEqual(19);
  });
});
