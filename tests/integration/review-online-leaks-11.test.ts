/**
 * Eleventh privacy review of online results (ADR 009), of the changes of ADR 024's amendment
 * (session 10): readers of large cases served the stored release while a plan runs (a), a
 * release's aggregates kept as the stored ones plus what its plan moved (b), the records of
 * interchangeable people beyond k left out of a plan (c), and the records read outside the read
 * transaction in slices (d). Each test plays the app (routes and models) as a reader would.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";
import { releaseAttacks } from "./release-attacks";
import { SlowQueries } from "./slow-queries";
import { releasedGapCells, releasedMovedByRows, releasedResultRows } from "../../app/models/positions.server";
import { currentRelease } from "../../app/models/result-releases.server";
import { tallyMovedBy } from "../../app/domain/persuasion";

const K = 3;
const app = await startApp({ kThreshold: K });
const { crowd, newcomersThroughModel, readResults, argueOn, actOn, answerOne } = await releaseAttacks(app);
afterAll(() => app.cleanup());

const caseIdOf = async (slug: string) => (await app.db().selectFrom("cases").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;

/** The stored release's aggregates beside a scan of every released answer (what every release computed before (b)). */
async function storedAndScanned(slug: string) {
  const id = await caseIdOf(slug);
  const row = await app.db().selectFrom("result_releases").select(["result_rows", "gap_cells", "moved_by"]).where("case_id", "=", id).executeTakeFirstOrThrow();
  const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    stored: { rows: sorted(JSON.parse(row.result_rows) as unknown[]), gaps: sorted(JSON.parse(row.gap_cells) as unknown[]), movedBy: sorted(JSON.parse(row.moved_by!) as unknown[]) },
    scanned: {
      rows: sorted(await releasedResultRows(app.db(), id)),
      gaps: sorted(await releasedGapCells(app.db(), id)),
      movedBy: sorted(tallyMovedBy(await releasedMovedByRows(app.db(), id))),
    },
  };
}

describe("(b) aggregates kept as the stored ones plus what a plan moved", () => {
  // Found: the moved-by counts never went down. A plan's changes are signed (−1 for a released
  // answer that leaves, +1 for one that enters), but they were folded into the stored counts by
  // `tallyMovedBy`, which skips entries of zero or less: an argument's "changed N minds" stayed at
  // N after its namers answered again without naming it, unlike a scan of the released answers.
  it("lowers an argument's 'changed N minds' when the people who named it answer again without naming it", async () => {
    const slug = "the-quiet-fix";
    const reader = await app.person("facilitator", "other");
    const frontline = await crowd(slug, "frontline", K, [0, 1], [1, -1]);
    const managers = await crowd(slug, "manager", K, [1, 2], [0, 0]);
    await readResults(reader, slug);

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
    const named = await readResults(reader, slug);
    expect(named.changedMinds.find((a) => a.id === argumentId)?.count).toBe(K);

    // The same three answer again, naming nothing: the release takes all three at once.
    for (const person of frontline) {
      await actOn(slug, person, { intent: "position", perspective: "employee", ...(await app.ballot(slug, "employee", 0)), judgement: "1", legal: "no", confidence: "high" });
    }
    const after = await readResults(reader, slug);
    expect(after.released?.waiting).toBe(false);
    expect(after.changedMinds.find((a) => a.id === argumentId)).toBeUndefined();
    const { stored, scanned } = await storedAndScanned(slug);
    expect(stored).toEqual(scanned);
  });
});

/** The case's author publishes a new version made from the current one's source by `edit` (as the fifth review did). */
async function publish(slug: string, edit: (source: string) => string) {
  const { findCaseBySlug, findCaseVersionSource, saveCaseVersion } = await import("../../app/models/cases.server");
  const { parseCaseFile } = await import("../../app/domain/case-file");
  const found = (await findCaseBySlug(app.db(), slug))!;
  const source = edit((await findCaseVersionSource(app.db(), found.id, found.version))!);
  const parsed = parseCaseFile(source);
  if (!parsed.ok) throw new Error(`the edited case must parse: ${JSON.stringify(parsed.problems)}`);
  await saveCaseVersion(app.db(), { doc: parsed.doc, source, origin: "app", filePath: null, userId: null });
}
const CUSTOMER = "\n  customer:\n    prompt: You are the patient. What do you do?\n    options:\n      - Thank the nurse\n      - Report the nurse\n      - Say nothing\n";
const withCustomer = (source: string) => source.replace("\njudgement:", `${CUSTOMER}judgement:`);
const withoutCustomer = (source: string) => source.replace(CUSTOMER, "\n");

describe("(b) after a version removed a perspective", () => {
  // Found: a release made incrementally after a version change that released nobody kept the
  // moved-by counts of a perspective the version removed (the stored tally merges perspectives,
  // so the plan's perspectives cannot filter it; a scan does). A release shows only the
  // perspectives it was planned with (fifth review): "changed 3 people's minds" as the customer
  // stayed on the page although the customer perspective was gone.
  it("shows no persuasion figure of a perspective the release does not show", async () => {
    const slug = "empathy-from-the-top";
    const reader = await app.person("facilitator", "other");
    await publish(slug, withCustomer);
    const people = [];
    for (const standing of ["frontline", "frontline", "frontline", "manager", "manager", "manager"] as const) {
      const person = await app.person("participant", standing);
      for (const perspective of ["employee", "employer", "customer"] as const) await answerOne(person, slug, perspective, 0, 1);
      people.push(person);
    }
    expect((await readResults(reader, slug)).released?.people).toBe(6);
    await actOn(slug, people[3]!, { intent: "argument", perspective: "customer", side: "for", lens: "", body: "A patient owes the nurse the truth about what went wrong." });
    const argumentId = (await app.db().selectFrom("arguments").select("id").where("body", "=", "A patient owes the nurse the truth about what went wrong.").executeTakeFirstOrThrow()).id;
    for (const person of people.slice(0, 3)) {
      await actOn(slug, person, {
        intent: "position",
        perspective: "customer",
        ...(await app.ballot(slug, "customer", 1)),
        judgement: "-1",
        legal: "unsure",
        confidence: "medium",
        movedBy: String(argumentId),
      });
    }
    expect((await readResults(reader, slug)).changedMinds.find((a) => a.id === argumentId)?.count).toBe(K);

    // The author removes the customer perspective; the next read plans against it and releases
    // nobody (nothing is pending). Three newcomers then answer the two perspectives left.
    await publish(slug, withoutCustomer);
    await readResults(reader, slug);
    await crowd(slug, "frontline", K, [1, 1], [1, 1]);
    const after = await readResults(reader, slug);
    expect(after.released?.people).toBe(6 + K);
    expect(after.perspectives.map((p) => p.key)).not.toContain("customer");
    expect(after.changedMinds.map((a) => a.perspective)).not.toContain("customer");
    const id = await caseIdOf(slug);
    const stored = JSON.parse((await app.db().selectFrom("result_releases").select("moved_by").where("case_id", "=", id).executeTakeFirstOrThrow()).moved_by!) as { argumentId: number }[];
    expect(stored.map((m) => m.argumentId)).not.toContain(argumentId);
  });
});

describe("(a) a reader served the stored release while a plan runs", () => {
  // Refused: a reader who waits at most a few ms gets the release already stored, exactly as
  // every earlier reader got it (rows, gap, persuasion, grouping, time), marked waiting; never a
  // mixture with the answers the running plan is about to take. Seeing an older release after a
  // newer one adds nothing: both are in the history the joint test reads whole, in any order.
  it("serves exactly a release of the history, never a part of the next one", async () => {
    const slug = "the-lockout";
    const reader = await app.person("facilitator", "other");
    await crowd(slug, "frontline", K, [0, 1], [1, 1]);
    await crowd(slug, "manager", K, [1, 2], [0, 0]);
    const id = await caseIdOf(slug);
    const first = await currentRelease(app.db(), id, K);
    expect(first?.people).toBe(2 * K);

    await newcomersThroughModel(slug, "hr", K, { option: 1, judgement: -3, legal: "no", confidence: "high" });
    const served = await currentRelease(app.db().withPlugin(new SlowQueries(20)), id, K, "fresh", { maxWaitMs: 20 });
    expect(served).toEqual({ ...first, waiting: true });
    // The plan lands behind; the next reader gets it whole.
    for (let i = 0; i < 200; i += 1) {
      const row = await app.db().selectFrom("result_releases").select("people").where("case_id", "=", id).executeTakeFirstOrThrow();
      if (row.people === 3 * K) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await readResults(reader, slug)).released?.people).toBe(3 * K);
  });
});
