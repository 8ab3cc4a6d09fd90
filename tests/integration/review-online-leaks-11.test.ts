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
import { releasedGapCells, releasedMovedByRows, releasedResultRows } from "../../app/models/positions.server";
import { tallyMovedBy } from "../../app/domain/persuasion";

const K = 3;
const app = await startApp({ kThreshold: K });
const { crowd, readResults, argueOn, actOn } = await releaseAttacks(app);
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
      await actOn(slug, person, { intent: "position", perspective: "employee", ...(await app.ballot(slug, "employee", 1)), judgement: "-2", legal: "no", confidence: "high", movedBy: String(argumentId) });
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
