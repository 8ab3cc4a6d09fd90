import SQLite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { POSTGRES_BIGINT_OID, dialectOf, describeLocation, isPostgresUrl, parsePostgresBigint, type DialectName } from "./dialect";
import { migrations } from "./migrations/index";
import { preparingPool } from "./postgres-prepared";
import { ImmediateSqliteDialect, StatementCachingDatabase } from "./sqlite-immediate";
import { SQLITE_CASEFOLD_FUNCTION, sqliteCasefold } from "./text-search";
import type { Database } from "./schema";

export type DB = Kysely<Database>;
export type { DialectName };
export { dialectOf, describeLocation, isPostgresUrl };

export const DEFAULT_DATABASE_PATH = "data/casebook.sqlite";
export const DEFAULT_POOL_SIZE = 10;
/**
 * The serving pool's statement time limit (ms): far above any query a page runs (the results
 * loader at a million positions takes about 0.2 s), far below a request nobody waits for.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

export interface OpenOptions {
  /** Most connections the PostgreSQL pool opens (ignored for SQLite, which has one). */
  poolSize?: number;
  /**
   * PostgreSQL only: called with the error whenever a connection is lost or cannot be opened
   * (server stopped or restarting, network gone; see isConnectionLoss). Never for SQLite.
   */
  onConnectionLoss?: (error: Error) => void;
  /**
   * PostgreSQL only: the longest a statement may run (ms), enforced by the server
   * (`statement_timeout`: SQLSTATE 57014, the connection stays usable), and by the client
   * QUERY_TIMEOUT_GRACE_MS later for a server that does not answer at all (hung, or cut off by
   * the network): the query fails as a lost connection and its connection is dropped. No limit
   * when absent (migrations and scripts, which may build an index on a large table).
   */
  queryTimeoutMs?: number;
}

/** How much longer the client waits than the server's statement_timeout before giving up on the server (ms). */
export const QUERY_TIMEOUT_GRACE_MS = 2_000;

/** How long the pool waits for a new PostgreSQL connection before the query fails (ms). */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens the database at `location`: a `postgres://` (or `postgresql://`) URL opens a pg pool
 * through Kysely's PostgresDialect; anything else is a SQLite file, created if missing.
 * Nothing connects to PostgreSQL until the first query.
 */
export function openDatabase(location: string = DEFAULT_DATABASE_PATH, options: OpenOptions = {}): DB {
  return isPostgresUrl(location) ? openPostgres(location, options.poolSize ?? DEFAULT_POOL_SIZE, options.onConnectionLoss, options.queryTimeoutMs) : openSqlite(location);
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
  // Searches fold case for every script, as PostgreSQL's lower() does (text-search.ts).
  sqlite.function(SQLITE_CASEFOLD_FUNCTION, { deterministic: true }, sqliteCasefold);
  // BEGIN IMMEDIATE: a read-then-write transaction must not fail when another process writes;
  // prepared statements are reused rather than prepared per query (both in sqlite-immediate.ts).
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: new StatementCachingDatabase(sqlite) }) });
  changeStamps.set(db, {
    changes: sqlite.prepare<[], number>("select total_changes()").pluck(),
    dataVersion: sqlite.prepare<[], number>("pragma data_version").pluck(),
    version: 0,
    versionReadAt: Number.NEGATIVE_INFINITY,
  });
  return db;
}

/**
 * How long changeStamp goes on trusting the data version it last read, in ms: a commit by
 * another connection (the import command, a script) is seen within this. Reading `data_version`
 * begins a read transaction, about 20 µs between page renders (file and shared-memory locks),
 * where `total_changes()` touches no table and costs about 1.5 µs.
 */
export const OTHER_WRITERS_CHECK_MS = 1_000;

/** Per SQLite database opened here: what changeStamp reads, and the data version it read last. */
const changeStamps = new WeakMap<DB, { changes: SQLite.Statement<[], number>; dataVersion: SQLite.Statement<[], number>; version: number; versionReadAt: number }>();

/**
 * A value that differs whenever the SQLite file may have changed since it was last read:
 * - at once, for any row this connection inserted, updated or deleted (`total_changes()`,
 *   triggers and cascades included): every write this process makes, since it has one connection;
 * - within OTHER_WRITERS_CHECK_MS, for a commit by another connection or process (`PRAGMA
 *   data_version`, read at most that often because it costs a read transaction).
 * Equal stamps mean nothing was written in between, so a result read under the first is still
 * current, give or take that bound for other processes' writes. (A rolled-back write changes it
 * too: a cache keyed on it is emptied more often, never kept past the bound.)
 *
 * @returns "version:changes", or null for PostgreSQL and for a transaction (no cheap equivalent:
 *   callers read afresh)
 * @see https://sqlite.org/pragma.html#pragma_data_version and https://sqlite.org/lang_corefunc.html#total_changes
 */
export function changeStamp(db: DB): string | null {
  const stamp = changeStamps.get(db);
  if (!stamp) return null;
  // A monotonic clock: the bound holds when the wall clock is set back.
  const now = performance.now();
  if (now - stamp.versionReadAt >= OTHER_WRITERS_CHECK_MS) {
    stamp.version = stamp.dataVersion.get()!;
    stamp.versionReadAt = now;
  }
  return `${stamp.version}:${stamp.changes.get()}`;
}

function openPostgres(
  url: string,
  poolSize: number,
  onConnectionLoss = (error: Error) => console.error(`PostgreSQL ${describeLocation(url)}: connection lost: ${error.message}`),
  queryTimeoutMs?: number,
): DB {
  const types = new pg.TypeOverrides();
  types.setTypeParser(POSTGRES_BIGINT_OID, parsePostgresBigint);
  // A connection attempt that hangs (a host that drops packets) fails after CONNECT_TIMEOUT_MS
  // instead of holding the request for ever.
  const limits = queryTimeoutMs ? { statement_timeout: queryTimeoutMs, query_timeout: queryTimeoutMs + QUERY_TIMEOUT_GRACE_MS } : {};
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...limits });
  // An idle connection that dies (server restart, failover) must not crash the process; the
  // pool drops it and the next query opens a fresh one. Checked-out connections get their own
  // listener in preparingPool.
  pool.on("error", (error) => onConnectionLoss(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool, onConnectionLoss) }) });
  pools.set(db, pool);
  return db;
}

/** The pg pool behind each PostgreSQL database opened here, for poolState(). */
const pools = new WeakMap<DB, pg.Pool>();

/** A PostgreSQL pool's connections at one moment: open in all, idle among them, and requests waiting for one. */
export interface PoolState {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** The pool's state for metrics (ADR 022), or null for SQLite (one connection, no pool). */
export function poolState(db: DB): PoolState | null {
  const pool = pools.get(db);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? DEFAULT_POOL_SIZE } : null;
}

/**
 * One round trip (`select 1`) that must finish within `timeoutMs`; rejects with the database's
 * error or "no answer within N ms". For readiness checks and outage probes.
 */
export async function pingDatabase(db: DB, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      sql`select 1`.execute(db),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
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
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
