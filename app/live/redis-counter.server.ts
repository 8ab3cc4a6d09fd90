import { Redis } from "ioredis";
import { fixedWindows, type WindowCounts, type WindowHit } from "../domain/rate-windows";

/**
 * Fixed-window hit counters in Redis, for rate limits shared by several app processes: one
 * pipelined INCR (and an expiry at the window's end) per key, one round trip for all of them.
 *
 * Why not the database here: a room behind one network address sends every vote against the
 * same counter, and as a database row that counter is written by hundreds of transactions a
 * second, each waiting for the one before it to commit: the busiest row in the system. In
 * Redis an increment is a memory operation. Keys expire by themselves, so nothing is swept.
 */
export class RedisWindowCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // The caller falls back to the database when a command fails; no need to log every retry.
    this.redis.on("error", () => {});
  }

  async countHits(hits: readonly WindowHit[], now = Date.now()): Promise<WindowCounts> {
    const windows = fixedWindows(hits, now).map((w) => ({ ...w, redisKey: `${this.prefix}rate:${w.key}:${w.startMs}` }));
    const pipeline = this.redis.pipeline();
    for (const w of windows) pipeline.incr(w.redisKey).pexpireat(w.redisKey, w.startMs + w.windowMs + 1_000);
    const replies = (await pipeline.exec()) ?? [];
    const counts: WindowCounts = new Map();
    windows.forEach((w, i) => {
      const [error, count] = replies[i * 2] ?? [new Error("no reply"), null];
      if (error) throw error;
      counts.set(w.key, { count: Number(count), resetAt: w.startMs + w.windowMs });
    });
    return counts;
  }

  /** The counts so far in each key's current window, counting nothing (0 for a key not hit in it). */
  async peekHits(hits: readonly WindowHit[], now = Date.now()): Promise<WindowCounts> {
    const windows = fixedWindows(hits, now);
    const values = await this.redis.mget(windows.map((w) => `${this.prefix}rate:${w.key}:${w.startMs}`));
    return new Map(windows.map((w, i) => [w.key, { count: Number(values[i] ?? 0), resetAt: w.startMs + w.windowMs }]));
  }

  /** Resolves once the connection is up (commands fail fast before that, and the caller falls back). */
  ready(): Promise<void> {
    return this.redis.status === "ready" ? Promise.resolve() : new Promise((resolve) => this.redis.once("ready", () => resolve()));
  }

  close(): void {
    this.redis.disconnect();
  }
}
