import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readCaseFiles } from "../../app/cases/files.server";
import { findCaseBySlug, importCaseFiles, listCaseFileProblems, readLibrary, type CaseFile } from "../../app/models/cases.server";
import { sql } from "kysely";
import { OTHER_WRITERS_CHECK_MS, openDatabase } from "../../db/client";
import { isPostgresUrl } from "../../db/dialect";
import { createTestDatabase, type TestDatabase } from "./test-database";

let testDb: TestDatabase;
beforeEach(async () => {
  testDb = await createTestDatabase();
});
afterEach(async () => testDb.cleanup());

const library = (): CaseFile[] => readCaseFiles("cases");
const backgroundCheck = (): CaseFile => ({ path: "cases/background-check.md", source: readFileSync("cases/background-check.md", "utf8") });

describe("importing case files", () => {
  it("adds every case in cases/ with version 1", async () => {
    const files = library();
    const report = await importCaseFiles(testDb.db, files);
    expect(report.problems).toEqual([]);
    expect(report.added).toHaveLength(files.length);
    const found = await findCaseBySlug(testDb.db, "background-check");
    expect(found?.version).toBe(1);
    expect(found?.doc.perspectives.map((p) => p.key)).toEqual(expect.arrayContaining(["employee", "employer"]));
  });

  it("is idempotent: a second import changes nothing", async () => {
    await importCaseFiles(testDb.db, library());
    const second = await importCaseFiles(testDb.db, library());
    expect(second.added).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.unchanged).toHaveLength(library().length);
    expect((await findCaseBySlug(testDb.db, "background-check"))?.version).toBe(1);
  });

  it("creates a new version when a file's content changes, and keeps the old one", async () => {
    await importCaseFiles(testDb.db, [backgroundCheck()]);
    const edited = { ...backgroundCheck(), source: backgroundCheck().source.replace("title: The background check", "title: The background check, revisited") };
    const report = await importCaseFiles(testDb.db, [edited]);
    expect(report.updated).toEqual(["background-check"]);
    const found = await findCaseBySlug(testDb.db, "background-check");
    expect(found?.version).toBe(2);
    expect(found?.doc.title).toBe("The background check, revisited");
    const versions = await testDb.db.selectFrom("case_versions").select("version").where("case_id", "=", found!.id).execute();
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
  });

  it("skips a broken file, stores its line-numbered problems, and imports the rest", async () => {
    const broken: CaseFile = { path: "cases/broken.md", source: "---\nslug: broken\ntitle: Broken\n---\n\n## Stage: One\n\nText.\n" };
    const report = await importCaseFiles(testDb.db, [backgroundCheck(), broken]);
    expect(report.added).toEqual(["background-check"]);
    expect(report.problems.length).toBeGreaterThan(0);
    const stored = await listCaseFileProblems(testDb.db);
    expect(stored.every((p) => p.file_path === "cases/broken.md" && p.line >= 1)).toBe(true);
    expect(await findCaseBySlug(testDb.db, "broken")).toBeUndefined();

    // Fixing the file clears its problems on the next import.
    await importCaseFiles(testDb.db, [backgroundCheck()]);
    expect(await listCaseFileProblems(testDb.db)).toEqual([]);
  });

  it("refuses a file not named after its slug", async () => {
    const copy = { path: "cases/copy.md", source: backgroundCheck().source };
    const report = await importCaseFiles(testDb.db, [copy]);
    expect(report.added).toEqual([]);
    expect(report.problems.map((p) => [p.file, p.problem.field, p.problem.line])).toEqual([["cases/copy.md", "slug", 2]]);
    expect(report.problems[0]?.problem.message).toMatch(/does not match the file name/);
  });

  it("refuses the second of two files with the same slug", async () => {
    const copy = { path: "elsewhere/background-check.md", source: backgroundCheck().source };
    const report = await importCaseFiles(testDb.db, [backgroundCheck(), copy]);
    expect(report.added).toEqual(["background-check"]);
    expect(report.problems.map((p) => [p.file, p.problem.field])).toEqual([["elsewhere/background-check.md", "slug"]]);
  });
});

describe("the library", () => {
  beforeEach(async () => {
    await importCaseFiles(testDb.db, library());
  });

  it("filters by tag", async () => {
    const { cards: hiring } = await readLibrary(testDb.db, { tag: "hiring" });
    expect(hiring.map((c) => c.slug)).toContain("background-check");
    expect(hiring.every((c) => c.tags.includes("hiring"))).toBe(true);
    const { cards: all, tags } = await readLibrary(testDb.db);
    expect(tags.find((t) => t.tag === "hiring")?.count).toBe(hiring.length);
    expect(all.length).toBeGreaterThan(hiring.length);
    // Every card's tags, in order, and the counts agree with them.
    for (const card of all) expect(card.tags).toEqual([...card.tags].sort());
    expect(tags.reduce((sum, t) => sum + t.count, 0)).toBe(all.reduce((sum, c) => sum + c.tags.length, 0));
  });

  it("searches titles and summaries without regard to case", async () => {
    expect((await readLibrary(testDb.db, { query: "BACKGROUND" })).cards.map((c) => c.slug)).toContain("background-check");
    // Beyond ASCII too: a title with "É" is found by "é" and the other way round.
    await testDb.db
      .updateTable("case_versions")
      .set({ title: "Écran de vérification" })
      .where("id", "=", (await findCaseBySlug(testDb.db, "background-check"))!.versionId)
      .execute();
    expect((await readLibrary(testDb.db, { query: "écran" })).cards.map((c) => c.slug)).toEqual(["background-check"]);
    expect((await readLibrary(testDb.db, { query: "VÉRIFICATION" })).cards.map((c) => c.slug)).toEqual(["background-check"]);
    expect((await readLibrary(testDb.db, { query: "no case mentions this phrase" })).cards).toEqual([]);
  });

  it("treats LIKE wildcards in a search as plain text", async () => {
    expect((await readLibrary(testDb.db, { query: "%" })).cards).toEqual([]);
    expect((await readLibrary(testDb.db, { query: "_" })).cards).toEqual([]);
  });
});

describe("files and the in-app editor", () => {
  it("never let an import overwrite an edit made in the app, unless forced", async () => {
    const { saveCaseVersion } = await import("../../app/models/cases.server");
    const { parseCaseFile } = await import("../../app/domain/case-file");
    await importCaseFiles(testDb.db, [backgroundCheck()]);
    const appSource = backgroundCheck().source.replace("title: The background check", "title: The background check (edited in the app)");
    const appDoc = parseCaseFile(appSource);
    if (!appDoc.ok) throw new Error("fixture must parse");
    expect(await saveCaseVersion(testDb.db, { doc: appDoc.doc, source: appSource, origin: "app", filePath: null, userId: null })).toBe("updated");

    // The unchanged file imports as unchanged: the app's version stands.
    const again = await importCaseFiles(testDb.db, [backgroundCheck()]);
    expect(again.unchanged).toEqual(["background-check"]);
    expect((await findCaseBySlug(testDb.db, "background-check"))?.doc.title).toBe("The background check (edited in the app)");

    // A changed file is a conflict: reported, listed for authors, the app's version kept.
    const fileEdit = { ...backgroundCheck(), source: backgroundCheck().source.replace("title: The background check", "title: The background check (edited in the file)") };
    const conflicted = await importCaseFiles(testDb.db, [fileEdit]);
    expect(conflicted.conflicts).toEqual([{ file: "cases/background-check.md", slug: "background-check" }]);
    expect((await findCaseBySlug(testDb.db, "background-check"))?.doc.title).toBe("The background check (edited in the app)");
    expect((await listCaseFileProblems(testDb.db)).map((p) => p.field)).toEqual(["conflict"]);

    const forced = await importCaseFiles(testDb.db, [fileEdit], { force: true });
    expect(forced.updated).toEqual(["background-check"]);
    const found = await findCaseBySlug(testDb.db, "background-check");
    expect(found?.doc.title).toBe("The background check (edited in the file)");
    expect(found?.version).toBe(3);
  });

  it("keep an archived case out of the library, with its versions and status kept through imports", async () => {
    const { setCaseStatus, listUnpublished } = await import("../../app/models/cases.server");
    await importCaseFiles(testDb.db, library());
    const found = (await findCaseBySlug(testDb.db, "background-check"))!;
    await setCaseStatus(testDb.db, found.id, "archived");
    expect((await readLibrary(testDb.db)).cards.map((c) => c.slug)).not.toContain("background-check");
    expect((await listUnpublished(testDb.db)).map((c) => [c.slug, c.status])).toEqual([["background-check", "archived"]]);
    await importCaseFiles(testDb.db, library());
    expect((await findCaseBySlug(testDb.db, "background-check"))?.status).toBe("archived");
    await setCaseStatus(testDb.db, found.id, "published");
    expect((await readLibrary(testDb.db)).cards.map((c) => c.slug)).toContain("background-check");
  });
});

describe("the library read (kept between writes on SQLite)", () => {
  const titles = async (db = testDb.db) => (await readLibrary(db)).cards.map((c) => c.title);

  it("is read afresh after a write on the same connection, though the write is not to a case", async () => {
    await importCaseFiles(testDb.db, [backgroundCheck()]);
    expect(await titles()).toEqual(["The background check"]);
    // A write the library code never hears about: a plain UPDATE outside the case model.
    await sql`update case_versions set title = 'Renamed in place'`.execute(testDb.db);
    expect(await titles()).toEqual(["Renamed in place"]);
  });

  it("is read afresh within OTHER_WRITERS_CHECK_MS after another process writes to the same database", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      await importCaseFiles(testDb.db, [backgroundCheck()]);
      expect(await titles()).toEqual(["The background check"]);
      const other = openDatabase(testDb.path, { poolSize: 1 });
      try {
        await sql`update case_versions set title = 'Renamed by another process'`.execute(other);
      } finally {
        await other.destroy();
      }
      // SQLite only: PostgreSQL reads every time, so it sees the write at once.
      if (!isPostgresUrl(testDb.path)) {
        vi.advanceTimersByTime(OTHER_WRITERS_CHECK_MS - 1);
        expect(await titles()).toEqual(["The background check"]);
      }
      vi.advanceTimersByTime(1);
      expect(await titles()).toEqual(["Renamed by another process"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("hands out a frozen result, so no caller can change what the next request gets", async () => {
    await importCaseFiles(testDb.db, [backgroundCheck()]);
    const first = await readLibrary(testDb.db);
    expect(() => ((first.cards as unknown as { title: string }[])[0]!.title = "changed")).toThrow(TypeError);
    expect(() => (first.cards[0]!.tags as unknown as string[]).push("extra")).toThrow(TypeError);
    expect((await readLibrary(testDb.db)).cards[0]!.title).toBe("The background check");
  });
});

describe("warnings about a file's options (ADR 017)", () => {
  const overpayment = (): CaseFile => ({ path: "cases/the-overpayment.md", source: readFileSync("cases/the-overpayment.md", "utf8") });
  const edit = (from: string, to: string): CaseFile => {
    const file = overpayment();
    const source = file.source.replace(`      - ${from}\n`, `      - ${to}\n`);
    expect(source).not.toBe(file.source);
    return { ...file, source };
  };
  const REPORT = "Report it through the normal process and say nothing to him";
  const WARN = "Warn him privately before you report it";

  it("names an option id the case never had at its line, listing the perspective's ids", async () => {
    await importCaseFiles(testDb.db, [overpayment()]);
    const report = await importCaseFiles(testDb.db, [edit(REPORT, "{ id: report-it, text: Report it and say nothing }")]);
    expect(report.updated).toEqual(["the-overpayment"]);
    expect(report.warnings).toHaveLength(1);
    const { file, warning } = report.warnings[0]!;
    expect([file, warning.line, warning.field]).toEqual(["cases/the-overpayment.md", 10, "perspectives.employee.options.0"]);
    expect(warning.message).toMatch(/^option id "report-it" is new to this case/);
    expect(warning.message).toContain("report-it-through-the-normal-process-and-say-not (“Report it through the normal process and say nothing to him”)");
    expect(warning.message).toContain("warn-him-privately-before-you-report-it (“Warn him privately before you report it”)");
  });

  it("shows the line that keeps a plain in-place rewording's answers, at its line", async () => {
    await importCaseFiles(testDb.db, [overpayment()]);
    const report = await importCaseFiles(testDb.db, [edit(WARN, "Give him a private heads-up first")]);
    expect(report.warnings.map(({ warning }) => [warning.line, warning.field])).toEqual([[11, "perspectives.employee.options.1"]]);
    expect(report.warnings[0]!.warning.message).toContain('write it as - { id: warn-him-privately-before-you-report-it, text: "Give him a private heads-up first" }');
  });

  it("says nothing for a kept id, a reorder, an added or removed option, a new case, or a file imported before", async () => {
    expect((await importCaseFiles(testDb.db, [overpayment()])).warnings).toEqual([]);
    expect((await importCaseFiles(testDb.db, [overpayment()])).warnings).toEqual([]);
    const reworded = edit(WARN, "{ id: warn-him-privately-before-you-report-it, text: Give him a private heads-up first }");
    expect((await importCaseFiles(testDb.db, [reworded])).warnings).toEqual([]);
    const added = { ...reworded, source: reworded.source.replace("      - Hand the file", "      - Ask HR what to do\n      - Hand the file") };
    expect((await importCaseFiles(testDb.db, [added])).warnings).toEqual([]);
    const removed = { ...added, source: added.source.replace("      - Ask HR what to do\n", "").replace(`      - ${REPORT}\n`, "") };
    expect((await importCaseFiles(testDb.db, [removed])).warnings).toEqual([]);
  });
});
