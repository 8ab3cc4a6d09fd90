/**
 * Release plans whose cost follows what changed, not the case's size (issue #19, ADR 024):
 * - a reader of a case whose plans are slow waits for a plan at most its limit, then gets the
 *   release already made, marked as leaving answers waiting, while the plan goes on behind;
 * - a release's aggregates are the stored ones plus what its plan moved, equal to a scan of
 *   every released answer whatever happened before (re-answers, persuasion, new people);
 * - a backlog larger than one plan's slice (PLAN_POSITIONS) is released in several plans, each
 *   reading at most that many new positions, and a reader still gets all of it.
 */
import { SlowQueries } from "./slow-queries";
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";
import { releasedGapCells, releasedMovedByRows, releasedResultRows } from "../../app/models/positions.server";
import { tallyMovedBy } from "../../app/domain/persuasion";
import { currentRelease, LARGE_RELEASE_PEOPLE, READER_WAIT_MS, readerWaitMs } from "../../app/models/result-releases.server";

const K = 3;
const app = await startApp({ kThreshold: K });
const { crowd, newcomersThroughModel, readResults, answer, argueOn, actOn } = await releaseAttacks(app);
afterAll(() => app.cleanup());

/** Polls `done` every 25 ms, at most 5 s. */
const eventually = async (done: () => Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await done()); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
};

describe("readers and slow release plans", () => {
  it("serves the release already made when the plan outlasts the reader's wait, and the plan lands behind it", async () => {
    const slug = "the-lockout";
    const reader = await app.person("facilitator", "other");
    await crowd(slug, "frontline", K, [0, 1], [1, 1]);
    expect((await readResults(reader, slug)).released?.people).toBe(K);
    const { id } = await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();

    // Newcomers answer through the model, so no answer form triggers a plan before the reader's.
    await newcomersThroughModel(slug, "frontline", K, { option: 0, judgement: 1, legal: "unsure", confidence: "medium" });
    const slow = app.db().withPlugin(new SlowQueries(20));
    const served = await currentRelease(slow, id, K, "fresh", { maxWaitMs: 30 });
    expect(served?.people).toBe(K);
    expect(served?.waiting).toBe(true);

    // The plan went on behind; once it is written, readers get the newcomers too.
    const peopleNow = async () => (await app.db().selectFrom("result_releases").select("people").where("case_id", "=", id).executeTakeFirstOrThrow()).people;
    await eventually(async () => (await peopleNow()) === 2 * K);
    expect(await peopleNow()).toBe(2 * K);
    const after = await readResults(reader, slug);
    expect(after.released?.people).toBe(2 * K);
    expect(after.released?.waiting).toBe(false);
  });

  it("a reader of a small case waits for the plan, one of a large case at most READER_WAIT_MS", () => {
    expect(readerWaitMs(0)).toBe(Infinity);
    expect(readerWaitMs(LARGE_RELEASE_PEOPLE - 1)).toBe(Infinity);
    expect(readerWaitMs(LARGE_RELEASE_PEOPLE)).toBe(READER_WAIT_MS);
    expect(readerWaitMs(10_000_000)).toBe(READER_WAIT_MS);
    expect(readerWaitMs(LARGE_RELEASE_PEOPLE, 0)).toBe(0);
  });

  it("keeps a release's aggregates equal to a scan of its released answers as people arrive, change their minds and name arguments", async () => {
    const slug = "the-quiet-fix";
    const reader = await app.person("facilitator", "other");
    const { id } = await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
    const stored = async () => app.db().selectFrom("result_releases").select(["result_rows", "gap_cells", "moved_by", "people"]).where("case_id", "=", id).executeTakeFirstOrThrow();
    const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    const expectScanned = async () => {
      const row = await stored();
      expect(sorted(JSON.parse(row.result_rows) as unknown[])).toEqual(sorted(await releasedResultRows(app.db(), id)));
      expect(sorted(JSON.parse(row.gap_cells) as unknown[])).toEqual(sorted(await releasedGapCells(app.db(), id)));
      expect(sorted(JSON.parse(row.moved_by!) as unknown[])).toEqual(sorted(tallyMovedBy(await releasedMovedByRows(app.db(), id))));
    };
    const frontline = await crowd(slug, "frontline", K, [0, 1], [1, -1]);
    const managers = await crowd(slug, "manager", K, [1, 2], [0, 0]);
    await readResults(reader, slug);
    await expectScanned();

    const argumentId = await argueOn(slug, managers[0]!, "The fix hid the fault from the customers who were owed the truth.");
    for (const person of frontline) {
      await actOn(slug, person, {
        intent: "position",
        perspective: "employee",
        ...(await app.ballot(slug, "employee", 1)),
        judgement: "-2",
        legal: "no",
        confidence: "high",
        movedBy: String(argumentId),
      });
    }
    await readResults(reader, slug);
    await expectScanned();
    expect(JSON.parse((await stored()).moved_by!)).toEqual([{ argumentId, count: K }]);

    for (const person of managers) await answer(person, slug, [0, 3], [2, 1]);
    await crowd(slug, "hr", K, [1, -3], [1, 3]);
    expect((await readResults(reader, slug)).released?.people).toBe(3 * K);
    await expectScanned();
  });

  it("releases a backlog larger than one plan's slice a slice at a time, and the reader gets all of it", async () => {
    const slug = "the-long-call";
    const { id } = await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
    // Four groups of K people answering alike: 2K positions each, one group per slice.
    for (let group = 0; group < 4; group += 1) await newcomersThroughModel(slug, "frontline", K, { option: 0, judgement: 1, legal: "unsure", confidence: "medium" });
    const newest = await app
      .db()
      .selectFrom("positions")
      .select((eb) => eb.fn.max("id").as("id"))
      .where("case_id", "=", id)
      .executeTakeFirstOrThrow();

    const release = await currentRelease(app.db(), id, K, "fresh", { planPositions: 2 * K });
    expect(release?.people).toBe(4 * K);
    expect(release?.waiting).toBe(false);
    const row = await app.db().selectFrom("result_releases").select(["grouping", "through_position_id"]).where("case_id", "=", id).executeTakeFirstOrThrow();
    expect(row.through_position_id).toBe(Number(newest.id));
    // One release per slice, each holding one more group: no plan read the whole backlog.
    const history = (JSON.parse(row.grouping!) as { history: { released: Record<string, number> }[] }).history;
    expect(history.map((entry) => entry.released.frontline)).toEqual([K, 2 * K, 3 * K, 4 * K]);
  });

  it("a person left waiting by one slice is taken with the next slice's people", async () => {
    const slug = "the-overpayment";
    const { id } = await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
    // Eight people answering alike, two to a slice: fewer than K in a slice wait for the next one.
    await newcomersThroughModel(slug, "frontline", 8, { option: 0, judgement: 1, legal: "unsure", confidence: "medium" });
    const release = await currentRelease(app.db(), id, K, "fresh", { planPositions: 4 });
    expect(release?.people).toBe(8);
    expect(release?.waiting).toBe(false);
    const row = await app.db().selectFrom("result_releases").select("grouping").where("case_id", "=", id).executeTakeFirstOrThrow();
    const history = (JSON.parse(row.grouping!) as { history: { released: Record<string, number> }[] }).history;
    expect(history.map((entry) => entry.released.frontline)).toEqual([4, 8]);
  });
});
