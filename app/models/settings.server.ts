import { randomBytes } from "node:crypto";
import type { DB } from "../../db/client";
import { nowIso } from "./clock";

/**
 * The cookie-signing secret: generated on first start and kept in the database, so every
 * process that shares the database signs alike and no default secret ever ships.
 */
export async function getOrCreateSessionSecret(db: DB): Promise<string> {
  const existing = await db.selectFrom("app_settings").select("value").where("key", "=", "session_secret").executeTakeFirst();
  if (existing) return existing.value;
  await db
    .insertInto("app_settings")
    .values({ key: "session_secret", value: randomBytes(32).toString("hex"), created_at: nowIso() })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db.selectFrom("app_settings").select("value").where("key", "=", "session_secret").executeTakeFirstOrThrow();
  return row.value;
}
