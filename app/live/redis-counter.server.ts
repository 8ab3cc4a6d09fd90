import { Redis } from "ioredis";
import { fixedWindows, type WindowCounts, type WindowHit } from "../domain/rate-windows";
import { RedisHealth, redisOptions } from "./redis-health.server";

/**
 * Fixed-window hit counters in Redis, for rate limits shared by several app processes: one
 * pipelined INCR (and an expiry at the window's end) per key, one round trip for all of them.
 *
 * Why not the database here: a room behind one network address sends every vote against the
 * same counter, and as a database row that counter is written by hundreds of transactions a
 * second, each waiting for the one before it to commit: the busiest row in the system. In
 * Redis an increment is a memory operation. Keys expire by themselves, so nothing is swept.
 *
 * Every method rejects when Redis does not answer within the command time limit, and at once
 * while `redisHealth` says Redis is down (a dead or hung Redis never holds a vote up for more
 * than one time limit per outage); the caller then counts in the database. ADR 020.
 */
export class RedisWindowCounter {
  private readonly redis: Redis;
  private readonly stopWatching: () => void;
  private closed = false;
  /** Until the first connection is up, commands fall back without calling it an outage (start-up is not one). */
  private connected = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly redisHealth: RedisHealth = new RedisHealth(),
  ) {
    this.redis = new Redis(url, redisOptions({ maxRetriesPerRequest: 1, enableOfflineQueue: false }));
    // The outage is logged once by redisHealth; the caller falls back to the database.
    const failed = (error: unknown) => this.closed || this.redisHealth.reportFailure(error);
    this.redis.on("error", failed);
    this.redis.on("close", () => failed(new Error("connection closed")));
    this.redis.once("ready", () => (this.connected = true));
    this.stopWatching = this.redisHealth.watch(() => this.redis.ping());
  }

  /** Runs a command unless Redis is known to be down; a failure starts the outage. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    if (!this.connected) throw new Error("Redis is not connected yet");
    if (!this.redisHealth.isUp()) throw new Error("Redis is not answering");
    try {
      return await run();
    } catch (error) {
      this.redisHealth.reportFailure(error);
      throw error;
    }
  }

  /** Counts one hit on each key's current window; the counts after it, with each window's end (epoch ms). */
  countHits(hits: readonly WindowHit[], now = Date.now()): Promise<WindowCounts> {
    return this.command(() => this.increment(hits, now));
  }

  private async increment(hits: readonly WindowHit[], now: number): Promise<WindowCounts> {
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
    const values = await this.command(() => this.redis.mget(windows.map((w) => `${this.prefix}rate:${w.key}:${w.startMs}`)));
    return new Map(windows.map((w, i) => [w.key, { count: Number(values[i] ?? 0), resetAt: w.startMs + w.windowMs }]));
  }

  /** Resolves once the connection is up (commands fail fast before that, and the caller falls back). */
  ready(): Promise<void> {
    return this.redis.status === "ready" ? Promise.resolve() : new Promise((resolve) => this.redis.once("ready", () => resolve()));
  }

  close(): void {
    this.closed = true;
    this.stopWatching();
    this.redis.disconnect();
  }
}
