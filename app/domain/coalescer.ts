/**
 * Turns a burst of "something changed" notices into at most one flush per interval per key:
 * 1,000 votes in a second become ~10 broadcasts, not 1,000. The clock and timer are injected,
 * so tests drive time by hand.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Coalescer<K> {
  private readonly lastFlush = new Map<K, number>();
  private readonly pending = new Map<K, unknown>();
  private readonly intervalOf: (key: K) => number;

  /**
   * @param intervalMs the least time between two flushes of one key, in ms: a number, or a
   *   function of the key read at each notice (a window that follows what a flush costs).
   */
  constructor(
    intervalMs: number | ((key: K) => number),
    private readonly flush: (key: K) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.intervalOf = typeof intervalMs === "number" ? () => intervalMs : intervalMs;
  }

  /** The first notice after a quiet spell flushes at once; later ones wait for the interval. */
  notify(key: K): void {
    if (this.pending.has(key)) return;
    const last = this.lastFlush.get(key) ?? Number.NEGATIVE_INFINITY;
    const delay = Math.max(0, last + this.intervalOf(key) - this.clock.now());
    const handle = this.clock.setTimeout(() => {
      this.pending.delete(key);
      this.lastFlush.set(key, this.clock.now());
      this.flush(key);
    }, delay);
    this.pending.set(key, handle);
  }

  /** Drops a key's timer and history, e.g. when the last listener leaves. */
  forget(key: K): void {
    const handle = this.pending.get(key);
    if (handle !== undefined) this.clock.clearTimeout(handle);
    this.pending.delete(key);
    this.lastFlush.delete(key);
  }

  pendingCount(): number {
    return this.pending.size;
  }
}

/** The shortest window between two snapshots of one room, in ms: the bare baseline's frame gap (tests/bench/baseline-server.ts). */
export const MIN_WINDOW_MS = 25;
/** The longest, in ms: the fixed window used before the window followed the build time (ADR 038). */
export const MAX_WINDOW_MS = 100;
/** At most this share of a process's time goes to building one room's snapshots while it is busy. */
export const BUILD_SHARE = 0.2;

/**
 * The coalescing window for a room whose last snapshot took `lastBuildMs` to build (wall time,
 * ms; undefined before the first): `lastBuildMs / BUILD_SHARE` (a 4 ms build gives 20 ms, so at
 * most a fifth of the time is spent building), kept between MIN_WINDOW_MS and MAX_WINDOW_MS.
 * A cheap snapshot reaches the projector about as fast as the bare server's frames; an expensive
 * one (a large room, a loaded database, a busy event loop, all of which lengthen the wall time)
 * is built less often, never less than ten times a second. ADR 038, amendment of 2026-11-30.
 */
export function adaptiveWindowMs(lastBuildMs: number | undefined): number {
  if (lastBuildMs === undefined || !Number.isFinite(lastBuildMs)) return MIN_WINDOW_MS;
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, lastBuildMs / BUILD_SHARE));
}
