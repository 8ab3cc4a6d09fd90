import { openDatabase, type DB } from "../db/client";
import { databaseLocation, readConfig } from "./config.server";
import { singleton } from "./singleton.server";

/**
 * The app's database: PostgreSQL when DATABASE_URL is set (a pool of DATABASE_POOL_SIZE
 * connections), else the SQLite file at DATABASE_PATH. Migrations run in server.ts before the
 * first request is served.
 */
export function db(): DB {
  return singleton("db", () => {
    const config = readConfig();
    return openDatabase(databaseLocation(config), { poolSize: config.databasePoolSize });
  });
}
