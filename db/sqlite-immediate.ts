import type SQLite from "better-sqlite3";
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig, type SqliteStatement } from "kysely";

/**
 * SQLite transactions that take the write lock when they begin (`BEGIN IMMEDIATE`), not at
 * their first write as Kysely's plain `BEGIN` does.
 *
 * Why: a deferred transaction that reads and then writes (recordPosition, createUser, the case
 * import, the migrator) fails at once with SQLITE_BUSY_SNAPSHOT, a 500 for the user, when another
 * process wrote to the file between its read and its write: a second server on the same file,
 * the old and new server during a restart, or `npm run cases:import` while the app serves. The
 * busy timeout cannot help there, because the snapshot it read is already stale. BEGIN IMMEDIATE
 * waits (up to busy_timeout) for the write lock first and then reads fresh data. Within one
 * process nothing changes: Kysely runs one transaction at a time on the single connection, and
 * every transaction in the app writes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#settings = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#settings);
  }
}

/**
 * The database handed to Kysely, keeping the most recently used prepared statements.
 *
 * Why: Kysely's SQLite driver prepares every query afresh, and preparing (parsing and planning
 * the SQL) cost more than running it: about a tenth of the server's CPU in the live-workshop
 * benchmark. The app's queries come from a few hundred query builders, so their SQL repeats;
 * the cache is bounded anyway, because `in (?, ?, …)` lists vary in length. Reusing a statement
 * is safe: the driver runs one query at a time on the single connection and reads all rows at once.
 */
export class StatementCachingDatabase implements SqliteDatabase {
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(
    readonly sqlite: SQLite.Database,
    private readonly capacity = 500,
  ) {}

  prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (statement) {
      // Most recently used last, so the first entry is the one to evict.
      this.#statements.delete(sql);
    } else {
      statement = this.sqlite.prepare(sql);
      if (this.#statements.size >= this.capacity) this.#statements.delete(this.#statements.keys().next().value!);
    }
    this.#statements.set(sql, statement);
    return statement as unknown as SqliteStatement;
  }

  get cachedStatements(): number {
    return this.#statements.size;
  }

  close(): void {
    this.#statements.clear();
    this.sqlite.close();
  }
}
