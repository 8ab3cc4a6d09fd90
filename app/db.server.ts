import { openDatabase, pingDatabase, type DB } from "../db/client";
import { databaseLocation, readConfig } from "./config.server";
import { DatabaseOutage, PROBE_TIMEOUT_MS } from "./database-outage.server";
import { singleton } from "./singleton.server";

/**
 * The app's database: PostgreSQL when DATABASE_URL is set (a pool of DATABASE_POOL_SIZE
 * connections), else the SQLite file at DATABASE_PATH. Migrations run in server.ts before the
 * first request is served. Lost PostgreSQL connections are reported to databaseOutage().
 */
export function db(): DB {
  return singleton("db", () => {
    const config = readConfig();
    return openDatabase(databaseLocation(config), { poolSize: config.databasePoolSize, onConnectionLoss: (error) => databaseOutage().lost(error) });
  });
}

/** Whether the database is away (PostgreSQL restarting, unreachable), one per process; see ADR 019. */
export function databaseOutage(): DatabaseOutage {
  return singleton("db-outage", () => new DatabaseOutage(() => pingDatabase(db(), PROBE_TIMEOUT_MS)));
}
