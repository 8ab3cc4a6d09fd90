import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from "kysely";

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
