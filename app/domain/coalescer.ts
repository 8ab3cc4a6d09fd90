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

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (key: K) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The first notice after a quiet spell flushes at once; later ones wait for the interval. */
  notify(key: K): void {
    if (this.pending.has(key)) return;
    const last = this.lastFlush.get(key) ?? Number.NEGATIVE_INFINITY;
    const delay = Math.max(0, last + this.intervalMs - this.clock.now());
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
