import { sql } from "kysely";
import type { DB } from "../../db/client";

/**
 * Counts one hit against a fixed window and returns the count so far. One atomic upsert, so
 * concurrent requests (and several processes sharing the database) never lose a hit.
 */
export async function countHit(db: DB, key: string, windowMs: number, now = Date.now()): Promise<{ count: number; resetAt: number }> {
  const windowStartMs = Math.floor(now / windowMs) * windowMs;
  const windowStart = new Date(windowStartMs).toISOString();
  const row = await db
    .insertInto("rate_limits")
    .values({ key, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        count: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.count + 1 else 1 end`,
        window_start: sql<string>`excluded.window_start`,
      }),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  // Old windows are dead weight; sweep them now and then rather than on every hit.
  if (Math.random() < 0.01) {
    await db.deleteFrom("rate_limits").where("window_start", "<", new Date(now - 24 * 60 * 60 * 1000).toISOString()).execute();
  }
  return { count: Number(row.count), resetAt: windowStartMs + windowMs };
}
