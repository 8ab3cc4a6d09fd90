import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { POSTGRES_BIGINT_OID, dialectOf, describeLocation, isPostgresUrl, parsePostgresBigint, type DialectName } from "./dialect";
import { migrations } from "./migrations/index";
import { preparingPool } from "./postgres-prepared";
import { ImmediateSqliteDialect, StatementCachingDatabase } from "./sqlite-immediate";
import type { Database } from "./schema";

export type DB = Kysely<Database>;
export type { DialectName };
export { dialectOf, describeLocation, isPostgresUrl };

export const DEFAULT_DATABASE_PATH = "data/casebook.sqlite";
export const DEFAULT_POOL_SIZE = 10;

export interface OpenOptions {
  /** Most connections the PostgreSQL pool opens (ignored for SQLite, which has one). */
  poolSize?: number;
}

/**
 * Opens the database at `location`: a `postgres://` (or `postgresql://`) URL opens a pg pool
 * through Kysely's PostgresDialect; anything else is a SQLite file, created if missing.
 * Nothing connects to PostgreSQL until the first query.
 */
export function openDatabase(location: string = DEFAULT_DATABASE_PATH, options: OpenOptions = {}): DB {
  return isPostgresUrl(location) ? openPostgres(location, options.poolSize ?? DEFAULT_POOL_SIZE) : openSqlite(location);
}

/** Opens (creating if missing) the SQLite file with the pragmas a concurrent web app needs. */
function openSqlite(path: string): DB {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Writers queue behind each other for up to 5 s instead of surfacing SQLITE_BUSY to a user.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  // BEGIN IMMEDIATE: a read-then-write transaction must not fail when another process writes;
  // prepared statements are reused rather than prepared per query (both in sqlite-immediate.ts).
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: new StatementCachingDatabase(sqlite) }) });
}

function openPostgres(url: string, poolSize: number): DB {
  const types = new pg.TypeOverrides();
  types.setTypeParser(POSTGRES_BIGINT_OID, parsePostgresBigint);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle connection that dies (server restart, failover) must not crash the process; the
  // pool drops it and the next query opens a fresh one.
  pool.on("error", (error) => console.error(`PostgreSQL ${describeLocation(url)}: idle connection error: ${error.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies pending migrations. On PostgreSQL, Kysely's Migrator holds an advisory lock and runs
 * them in a transaction, so several servers starting at once migrate exactly once.
 */
export async function migrateToLatest(db: DB): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
