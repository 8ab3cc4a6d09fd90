import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/client";
import { createTestDatabase, type TestDatabase } from "./test-database";

let testDb: TestDatabase;
afterEach(async () => testDb?.cleanup());

describe("migrations", () => {
  it("create every table on a fresh SQLite file", async () => {
    testDb = await createTestDatabase();
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(testDb.db);
    const names = tables.rows.map((r) => r.name);
    for (const table of ["users", "sessions", "app_settings", "cases", "case_versions", "case_tags", "case_file_problems", "audit_log"]) {
      expect(names).toContain(table);
    }
  });

  it("run again as a no-op", async () => {
    testDb = await createTestDatabase();
    expect((await migrateToLatest(testDb.db)).applied).toEqual([]);
  });

  it("turn on WAL and foreign keys", async () => {
    testDb = await createTestDatabase();
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(testDb.db);
    const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(testDb.db);
    expect(journal.rows[0]?.journal_mode).toBe("wal");
    expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
  });
});
