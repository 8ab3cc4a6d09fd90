import { sql } from "kysely";
import type { DB } from "../../db/client";
import { fixedWindows, type WindowCounts, type WindowHit } from "../domain/rate-windows";

/**
 * Counts one hit against each key's fixed window in one statement (a vote checks two limits)
 * and returns the counts so far, by key. Keys are written in sorted order, so two statements
 * over the same keys lock their rows in the same order.
 */
export async function countHits(db: DB, hits: readonly WindowHit[], now = Date.now()): Promise<WindowCounts> {
  const windows = fixedWindows(hits, now);
  const rows = await db
    .insertInto("rate_limits")
    .values(windows.map((w) => ({ key: w.key, window_start: new Date(w.startMs).toISOString(), count: 1 })))
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        count: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.count + 1 else 1 end`,
        window_start: sql<string>`excluded.window_start`,
      }),
    )
    .returning(["key", "count"])
    .execute();
  if (Math.random() < 0.01) await sweepOldWindows(db, now);
  const counts = new Map(rows.map((row) => [row.key, Number(row.count)]));
  return new Map(windows.map((w) => [w.key, { count: counts.get(w.key) ?? 1, resetAt: w.startMs + w.windowMs }]));
}

/** The counts so far in each key's current window, counting nothing (0 for a key not hit in it). */
export async function peekHits(db: DB, hits: readonly WindowHit[], now = Date.now()): Promise<WindowCounts> {
  const windows = fixedWindows(hits, now);
  const rows = await db
    .selectFrom("rate_limits")
    .select(["key", "count", "window_start"])
    .where(
      "key",
      "in",
      windows.map((w) => w.key),
    )
    .execute();
  const current = new Map(rows.map((row) => [row.key, row]));
  return new Map(
    windows.map((w) => {
      const row = current.get(w.key);
      const count = row && row.window_start === new Date(w.startMs).toISOString() ? Number(row.count) : 0;
      return [w.key, { count, resetAt: w.startMs + w.windowMs }];
    }),
  );
}

// Old windows are dead weight; sweep them now and then rather than on every hit.
async function sweepOldWindows(db: DB, now: number): Promise<void> {
  await db
    .deleteFrom("rate_limits")
    .where("window_start", "<", new Date(now - 24 * 60 * 60 * 1000).toISOString())
    .execute();
}
