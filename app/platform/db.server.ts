import { openDatabase, pingDatabase, type DB } from "../../db/client";
import { databaseLocation, readConfig } from "./config.server";
import { DatabaseOutage, PROBE_TIMEOUT_MS } from "./database-outage.server";
import { singleton } from "./singleton.server";

/**
 * The app's database: PostgreSQL when DATABASE_URL is set (a pool of DATABASE_POOL_SIZE
 * connections, each statement limited to DATABASE_QUERY_TIMEOUT_MS), else the SQLite file at
 * DATABASE_PATH. Migrations run in server.ts before the first request is served, on a handle of
 * their own without the limit (migrationDatabase). Lost PostgreSQL connections, and a server
 * that does not answer within the limit, are reported to databaseOutage().
 */
export function db(): DB {
  return singleton("db", () => {
    const config = readConfig();
    return openDatabase(databaseLocation(config), { poolSize: config.databasePoolSize, queryTimeoutMs: config.databaseQueryTimeoutMs, onConnectionLoss: (error) => databaseOutage().lost(error) });
  });
}

/**
 * The handle migrations run on: on PostgreSQL a one-connection pool of its own without the
 * serving pool's statement time limit (a migration may build an index on a large table), which
 * the caller closes with `done()`; on SQLite the app's database itself.
 */
export function migrationDatabase(): { db: DB; done: () => Promise<void> } {
  const config = readConfig();
  if (!config.databaseUrl) return { db: db(), done: async () => {} };
  // No outage state for it: start-up, its only user, waits for an unreachable database itself and
  // says so in one line (a second "answering 503" line would be wrong: nothing is served yet).
  const own = openDatabase(config.databaseUrl, { poolSize: 1, onConnectionLoss: () => {} });
  return { db: own, done: () => own.destroy() };
}

/** Whether the database is away (PostgreSQL restarting, unreachable), one per process; see ADR 019. */
export function databaseOutage(): DatabaseOutage {
  return singleton("db-outage", () => new DatabaseOutage(() => pingDatabase(db(), PROBE_TIMEOUT_MS)));
}
