import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateToLatest, openDatabase, type DB, type DialectName } from "../../db/client";

export interface TestDatabase {
  db: DB;
  /** The SQLite file, or the PostgreSQL URL of the throwaway database. */
  path: string;
  dialect: DialectName;
  cleanup: () => Promise<void>;
}

/**
 * Which database the integration tests run on: SQLite files by default, throwaway PostgreSQL
 * databases when CASEBOOK_TEST_DATABASE=postgres (`npm run test:integration:pg`).
 */
export function testDialect(): DialectName {
  return process.env.CASEBOOK_TEST_DATABASE === "postgres" ? "postgres" : "sqlite";
}

/** The maintenance database the tests CREATE and DROP their databases through. */
export function postgresAdminUrl(): string {
  return process.env.CASEBOOK_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface PostgresTestDatabase {
  name: string;
  url: string;
  drop: () => Promise<void>;
}

/** Creates an empty database `casebook_<label>_<random>` on the test server and returns its URL. */
export async function createPostgresDatabase(label = "test"): Promise<PostgresTestDatabase> {
  const name = `casebook_${label}_${randomBytes(6).toString("hex")}`;
  await withAdmin((client) => client.query(`create database ${pg.escapeIdentifier(name)}`));
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => dropPostgresDatabase(name) };
}

/** Ends every connection still open to the database, then drops it. */
export async function dropPostgresDatabase(name: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  });
}

/**
 * A real, empty database migrated to the latest schema: a SQLite file in a fresh temporary
 * folder, or on PostgreSQL (see testDialect) a fresh database dropped again by cleanup().
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() === "postgres") {
    const created = await createPostgresDatabase();
    const db = openDatabase(created.url, { poolSize: 5 });
    try {
      await migrateToLatest(db);
    } catch (error) {
      await db.destroy();
      await created.drop();
      throw error;
    }
    return {
      db,
      path: created.url,
      dialect: "postgres",
      cleanup: async () => {
        await db.destroy();
        await created.drop();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "casebook-it-"));
  const path = join(dir, "casebook.sqlite");
  const db = openDatabase(path);
  await migrateToLatest(db);
  return {
    db,
    path,
    dialect: "sqlite",
    cleanup: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
