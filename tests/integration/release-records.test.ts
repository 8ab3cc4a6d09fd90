/**
 * The records every online release held (`release_records`, migration 0011; ADR 009, "Several
 * releases read together"): kept release by release, and adopted once for a case released before
 * they were kept.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";

const K = 3;
const app = await startApp({ kThreshold: K });
const { answer, crowd, readResults } = await releaseAttacks(app);
afterAll(() => app.cleanup());

async function caseId(slug: string): Promise<number> {
  return (await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
}
async function recordsOf(slug: string) {
  return app
    .db()
    .selectFrom("release_records")
    .selectAll()
    .where("case_id", "=", await caseId(slug))
    .orderBy("user_id")
    .orderBy("perspective")
    .orderBy("from_release")
    .execute();
}

describe("release records", () => {
  it("keeps each released answer with the run of releases that held it", async () => {
    const slug = "the-lockout";
    const reader = await app.person("facilitator", "other");
    const first = await crowd(slug, "frontline", K, [0, 1], [1, 1]);
    await readResults(reader, slug);
    expect((await recordsOf(slug)).map((r) => [r.from_release, r.until_release])).toEqual(Array(2 * K).fill([0, null]));

    // All three answer anew as the employee: release 1 replaces those records only.
    for (const person of first) await answer(person, slug, [1, 2], [1, 1]);
    const second = await readResults(reader, slug);
    expect(second.released?.people).toBe(K);
    const records = await recordsOf(slug);
    expect(records.filter((r) => r.perspective === "employee").map((r) => [r.from_release, r.until_release])).toEqual(
      Array.from({ length: K }, () => [
        [0, 1],
        [1, null],
      ]).flat(),
    );
    // Their employer answers were written again too (answerCase answers both), so they moved as well.
    expect(records.every((r) => r.until_release === null || r.until_release === 1)).toBe(true);
  });

  it("adopts a release stored before records were kept: its current answers count as taken by its last release", async () => {
    const slug = "the-quiet-fix";
    const reader = await app.person("facilitator", "other");
    await crowd(slug, "frontline", K, [0, 1], [1, 1]);
    await crowd(slug, "manager", K, [1, 1], [0, 0]);
    await readResults(reader, slug);
    // As a release made before migration 0011 was stored: no records, no `jointFrom`.
    const id = await caseId(slug);
    await app.db().deleteFrom("release_records").where("case_id", "=", id).execute();
    const stored = await app.db().selectFrom("result_releases").select("grouping").where("case_id", "=", id).executeTakeFirstOrThrow();
    const state = JSON.parse(stored.grouping!) as { jointFrom?: number; history: unknown[] };
    delete state.jointFrom;
    const last = state.history.length - 1;
    await app
      .db()
      .updateTable("result_releases")
      .set({ grouping: JSON.stringify(state) })
      .where("case_id", "=", id)
      .execute();

    await crowd(slug, "frontline", K, [2, -1], [0, 2]);
    const after = await readResults(reader, slug);
    expect(after.released?.people).toBe(3 * K);
    const records = await recordsOf(slug);
    // The adopted records start at the last stored release; the newcomers' at the next one.
    expect(records.filter((r) => r.from_release === last)).toHaveLength(2 * 2 * K);
    expect(records.filter((r) => r.from_release === last + 1)).toHaveLength(2 * K);
    expect(records).toHaveLength(3 * 2 * K);
    const now = await app.db().selectFrom("result_releases").select("grouping").where("case_id", "=", id).executeTakeFirstOrThrow();
    expect((JSON.parse(now.grouping!) as { jointFrom?: number }).jointFrom).toBe(last);
  });
});
