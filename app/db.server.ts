import { openDatabase, type DB } from "../db/client";
import { readConfig } from "./config.server";
import { singleton } from "./singleton.server";

/** The app's database. Migrations run in server.ts before the first request is served. */
export function db(): DB {
  return singleton("db", () => openDatabase(readConfig().databasePath));
}
