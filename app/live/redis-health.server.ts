/**
 * Whether this process's Redis answers, as one outage for every Redis connection the process
 * opens (the live bus's publisher and subscriber, the rate-limit counter's): the first failure
 * (a command past its time limit, a dropped or refused connection) starts the outage and logs
 * one line; commands issued during it fall back at once instead of waiting; a probe (PING on
 * every connection, each with the same time limit) runs every second and ends the outage, with
 * one more line, only when every connection answers again. The same probe, while Redis is up,
 * is what notices a Redis that hangs while nothing else is sent. ADR 020.
 */
import type { RedisOptions } from "ioredis";
import { log, outsideRequest } from "../platform/log.server";
import { singleton } from "../platform/singleton.server";

/** No Redis command waits longer than this, in milliseconds; a healthy Redis answers in well under one. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** A (re)connection attempt gives up after this long, in milliseconds, and ioredis tries again. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** How often the probe asks every connection, in milliseconds, up or down. */
export const REDIS_PROBE_INTERVAL_MS = 1_000;

/** The connection options every Redis client of the app uses: time limits on connecting and on every command. */
export function redisOptions(extra: Partial<RedisOptions> = {}): RedisOptions {
  return { commandTimeout: REDIS_COMMAND_TIMEOUT_MS, connectTimeout: REDIS_CONNECT_TIMEOUT_MS, ...extra };
}

export interface RedisHealthOptions {
  probeIntervalMs: number;
  /** Writes one line; `level` is "error" when an outage starts and "info" when it ends. */
  log: (line: string, level: "error" | "info") => void;
  now: () => number;
}

/** What a failure is called in the log line: the error's message without a stack. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RedisHealth {
  private up = true;
  private downSince = 0;
  private readonly probes = new Set<() => Promise<unknown>>();
  private readonly listeners = new Set<(up: boolean) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private probing = false;
  private readonly options: RedisHealthOptions;

  constructor(options: Partial<RedisHealthOptions> = {}) {
    // Outage lines are the process's, not the request's whose command or connection noticed.
    this.options = {
      probeIntervalMs: REDIS_PROBE_INTERVAL_MS,
      log: (line, level) => outsideRequest(() => log()[level]({ event: level === "error" ? "redis-outage" : "redis-recovered" }, line)),
      now: () => Date.now(),
      ...options,
    };
  }

  /** False from the first failure until every connection answers the probe again. */
  isUp(): boolean {
    return this.up;
  }

  /** A command failed or a connection dropped: the outage starts now (one log line), unless it already has. */
  reportFailure(error: unknown): void {
    if (!this.up) return;
    this.up = false;
    this.downSince = this.options.now();
    this.options.log(`Redis is not answering (${describe(error)}): live updates are delivered from the database and rate limits counted in it until Redis answers again.`, "error");
    for (const listener of this.listeners) listener(false);
  }

  /** Adds a connection's probe (a PING under the command time limit); returns its removal. Probing starts with the first. */
  watch(probe: () => Promise<unknown>): () => void {
    this.probes.add(probe);
    this.timer ??= outsideRequest(() => setInterval(() => void this.probe(), this.options.probeIntervalMs));
    this.timer.unref?.();
    return () => {
      this.probes.delete(probe);
      if (this.probes.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Called with false when an outage starts and true when it ends; returns the removal. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks every connection once; ends an outage when all answer, starts one when any does not. */
  async probe(): Promise<void> {
    if (this.probing || this.probes.size === 0) return;
    this.probing = true;
    try {
      const results = await Promise.allSettled([...this.probes].map((probe) => probe()));
      const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failure) return this.reportFailure(failure.reason);
      if (this.up) return;
      this.up = true;
      const seconds = ((this.options.now() - this.downSince) / 1000).toFixed(1);
      this.options.log(`Redis answers again after ${seconds} s: live views resynced from the database, changes made meanwhile published again.`, "info");
      for (const listener of this.listeners) listener(true);
    } finally {
      this.probing = false;
    }
  }
}

/** The process's one RedisHealth, shared by the live bus and the rate-limit counter: one outage, one log line. */
export function sharedRedisHealth(): RedisHealth {
  return singleton("redis-health", () => new RedisHealth());
}
