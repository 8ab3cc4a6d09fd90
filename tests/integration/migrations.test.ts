import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/client";
import { createTestDatabase, testDialect, type TestDatabase } from "./test-database";

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.cleanup();
  testDb = undefined;
});

describe("migrations", () => {
  it(`create every table on a fresh ${testDialect() === "postgres" ? "PostgreSQL database" : "SQLite file"}`, async () => {
    testDb = await createTestDatabase();
    const tables =
      testDb.dialect === "postgres"
        ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(testDb.db)
        : await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(testDb.db);
    const names = tables.rows.map((r) => r.name);
    for (const table of ["users", "sessions", "app_settings", "cases", "case_versions", "case_tags", "case_file_problems", "audit_log"]) {
      expect(names).toContain(table);
    }
  });

  it("run again as a no-op", async () => {
    testDb = await createTestDatabase();
    expect((await migrateToLatest(testDb.db)).applied).toEqual([]);
  });

  it("turn on WAL and foreign keys", async (ctx) => {
    ctx.skip(testDialect() === "postgres", "SQLite pragmas: PostgreSQL has no journal_mode pragma and always enforces foreign keys");
    testDb = await createTestDatabase();
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(testDb.db);
    const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(testDb.db);
    expect(journal.rows[0]?.journal_mode).toBe("wal");
    expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
  });
});
