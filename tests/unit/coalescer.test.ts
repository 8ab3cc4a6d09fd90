import { afterEach, describe, expect, it, vi } from "vitest";
import { adaptiveWindowMs, BUILD_SHARE, Coalescer, MAX_WINDOW_MS, MIN_WINDOW_MS, type Clock } from "../../app/domain/coalescer";

/** A clock whose time moves only when the test says so; timers run at their own due time. */
class ManualClock implements Clock {
  private time: number;
  private nextHandle = 1;
  private readonly timers = new Map<number, { due: number; callback: () => void }>();
  readonly cleared: unknown[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { due: this.time + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.cleared.push(handle);
    this.timers.delete(handle as number);
  }

  /** Moves to `to`, running every timer due on the way (earliest first, then in order set). */
  advanceTo(to: number): void {
    for (;;) {
      let first: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].due <= to && (!first || entry[1].due < first[1].due)) first = entry;
      if (!first) break;
      this.timers.delete(first[0]);
      this.time = Math.max(this.time, first[1].due);
      first[1].callback();
    }
    this.time = Math.max(this.time, to);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  scheduled(): number {
    return this.timers.size;
  }
}

interface Flush<K> {
  key: K;
  at: number;
}

function setup<K = string>(intervalMs = 100, start = 0) {
  const clock = new ManualClock(start);
  const flushes: Flush<K>[] = [];
  const coalescer = new Coalescer<K>(intervalMs, (key) => flushes.push({ key, at: clock.now() }), clock);
  return { clock, flushes, coalescer };
}

/** A small deterministic generator, so a failing run can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe("Coalescer", () => {
  it("flushes the first notice after 0 ms", () => {
    const { clock, flushes, coalescer } = setup(100, 1_700_000_000_000);
    coalescer.notify("w1");
    expect(coalescer.pendingCount()).toBe(1);
    clock.advanceBy(0);
    expect(flushes).toEqual([{ key: "w1", at: 1_700_000_000_000 }]);
    expect(coalescer.pendingCount()).toBe(0);
  });

  it("holds a notice that follows a flush until the interval since that flush has passed", () => {
    const { clock, flushes, coalescer } = setup();
    coalescer.notify("w1");
    clock.advanceTo(30);
    coalescer.notify("w1");
    clock.advanceTo(99);
    expect(flushes.map((f) => f.at)).toEqual([0]);
    clock.advanceTo(100);
    expect(flushes.map((f) => f.at)).toEqual([0, 100]);
  });

  it("flushes at once again after a quiet spell longer than the interval", () => {
    const { clock, flushes, coalescer } = setup();
    coalescer.notify("w1");
    clock.advanceTo(250);
    coalescer.notify("w1");
    clock.advanceBy(0);
    expect(flushes.map((f) => f.at)).toEqual([0, 250]);
  });

  it("turns many notices while one flush is pending into that single flush", () => {
    const { clock, flushes, coalescer } = setup();
    coalescer.notify("w1");
    clock.advanceTo(1);
    for (let i = 0; i < 50; i++) coalescer.notify("w1");
    expect(coalescer.pendingCount()).toBe(1);
    expect(clock.scheduled()).toBe(1);
    clock.advanceTo(1_000);
    expect(flushes.map((f) => f.at)).toEqual([0, 100]);
  });

  it("turns 1,000 notices spread over one second into at most 11 flushes, at least one in every 100 ms window", () => {
    const { clock, flushes, coalescer } = setup(100);
    for (let t = 0; t < 1_000; t++) {
      clock.advanceTo(t);
      coalescer.notify("w1");
    }
    clock.advanceTo(5_000);
    expect(flushes.length).toBeLessThanOrEqual(11);
    for (let window = 0; window < 10; window++) {
      const inWindow = flushes.filter((f) => f.at >= window * 100 && f.at < (window + 1) * 100);
      expect(inWindow.length, `flushes in ${window * 100}–${window * 100 + 99} ms`).toBeGreaterThanOrEqual(1);
    }
    expect(flushes.at(-1)!.at).toBeGreaterThanOrEqual(999);
  });

  it("turns 1,000 notices at random moments in one second into at most 11 flushes, each notice flushed within 100 ms", () => {
    const { clock, flushes, coalescer } = setup(100);
    const next = random(42);
    const times = Array.from({ length: 1_000 }, () => Math.floor(next() * 1_000)).sort((a, b) => a - b);
    for (const t of times) {
      clock.advanceTo(t);
      coalescer.notify("w1");
    }
    clock.advanceTo(5_000);
    expect(flushes.length).toBeLessThanOrEqual(11);
    for (const t of times) expect(flushes.some((f) => f.at >= t && f.at <= t + 100)).toBe(true);
  });

  it("never flushes one key twice within the interval", () => {
    const { clock, flushes, coalescer } = setup(100);
    const next = random(7);
    let t = 0;
    for (let i = 0; i < 2_000; i++) {
      t += Math.floor(next() * 30);
      clock.advanceTo(t);
      coalescer.notify("w1");
    }
    clock.advanceTo(t + 1_000);
    const gaps = flushes.slice(1).map((f, i) => f.at - flushes[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
  });

  it("does not lose a change notified while a flush is pending: that flush sees it", () => {
    const clock = new ManualClock();
    let version = 0;
    const seen: { at: number; version: number }[] = [];
    const watched = new Coalescer<string>(100, () => seen.push({ at: clock.now(), version }), clock);
    const change = () => {
      version++;
      watched.notify("w1");
    };
    change();
    clock.advanceTo(10);
    change();
    clock.advanceTo(50);
    change();
    clock.advanceTo(99);
    change();
    clock.advanceTo(1_000);
    expect(seen).toEqual([
      { at: 0, version: 1 },
      { at: 100, version: 4 },
    ]);
    expect(watched.pendingCount()).toBe(0);
  });

  it("does not lose a change notified during the flush itself: another flush follows", () => {
    const clock = new ManualClock();
    let version = 0;
    const seen: { at: number; version: number }[] = [];
    const coalescer: Coalescer<string> = new Coalescer<string>(
      100,
      () => {
        seen.push({ at: clock.now(), version });
        // A vote lands while the broadcast is being built.
        if (version === 1) {
          version++;
          coalescer.notify("w1");
        }
      },
      clock,
    );
    version++;
    coalescer.notify("w1");
    clock.advanceTo(1_000);
    expect(seen).toEqual([
      { at: 0, version: 1 },
      { at: 100, version: 2 },
    ]);
  });

  it("always flushes at or after the last change, whatever the pattern of notices", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const clock = new ManualClock();
      const next = random(seed);
      let version = 0;
      const seen: { at: number; version: number }[] = [];
      const coalescer = new Coalescer<string>(100, () => seen.push({ at: clock.now(), version }), clock);
      const notices: { at: number; version: number }[] = [];
      let t = 0;
      for (let i = 0; i < 300; i++) {
        // Mostly bursts, sometimes a quiet spell longer than the interval.
        t += next() < 0.1 ? 100 + Math.floor(next() * 400) : Math.floor(next() * 20);
        clock.advanceTo(t);
        version++;
        notices.push({ at: t, version });
        coalescer.notify("w1");
      }
      clock.advanceTo(t + 1_000);
      for (const notice of notices) {
        const covering = seen.find((s) => s.at >= notice.at && s.version >= notice.version);
        expect(covering, `seed ${seed}: change ${notice.version} at ${notice.at} ms`).toBeDefined();
        expect(covering!.at - notice.at, `seed ${seed}: change ${notice.version} waited`).toBeLessThanOrEqual(100);
      }
      expect(seen.at(-1)!.version).toBe(version);
    }
  });

  it("keeps keys independent: one workshop's flush does not delay another's", () => {
    const { clock, flushes, coalescer } = setup(100);
    coalescer.notify("w1");
    clock.advanceTo(10);
    coalescer.notify("w2");
    clock.advanceTo(20);
    coalescer.notify("w1");
    clock.advanceTo(30);
    coalescer.notify("w2");
    expect(coalescer.pendingCount()).toBe(2);
    clock.advanceTo(1_000);
    expect(flushes).toEqual([
      { key: "w1", at: 0 },
      { key: "w2", at: 10 },
      { key: "w1", at: 100 },
      { key: "w2", at: 110 },
    ]);
  });

  it("forget cancels the key's pending flush and leaves other keys alone", () => {
    const { clock, flushes, coalescer } = setup(100);
    coalescer.notify("w1");
    coalescer.notify("w2");
    clock.advanceTo(10);
    coalescer.notify("w1");
    coalescer.notify("w2");
    coalescer.forget("w1");
    expect(coalescer.pendingCount()).toBe(1);
    expect(clock.cleared).toHaveLength(1);
    clock.advanceTo(1_000);
    expect(flushes).toEqual([
      { key: "w1", at: 0 },
      { key: "w2", at: 0 },
      { key: "w2", at: 100 },
    ]);
  });

  it("forget drops the key's history, so its next notice flushes at once", () => {
    const { clock, flushes, coalescer } = setup(100);
    coalescer.notify("w1");
    clock.advanceTo(10);
    coalescer.forget("w1");
    clock.advanceTo(20);
    coalescer.notify("w1");
    clock.advanceBy(0);
    expect(flushes.map((f) => f.at)).toEqual([0, 20]);
  });

  it("forgetting a key it has never seen changes nothing", () => {
    const { clock, flushes, coalescer } = setup(100);
    coalescer.notify("w1");
    coalescer.forget("w9");
    clock.advanceTo(0);
    expect(flushes).toEqual([{ key: "w1", at: 0 }]);
    expect(clock.cleared).toEqual([]);
  });
});

describe("Coalescer with the system clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("uses the real timers and Date.now when no clock is given", () => {
    vi.useFakeTimers();
    const flushed: number[] = [];
    const coalescer = new Coalescer<string>(100, () => flushed.push(Date.now()));
    const start = Date.now();
    coalescer.notify("w1");
    vi.advanceTimersByTime(0);
    coalescer.notify("w1");
    vi.advanceTimersByTime(99);
    expect(flushed).toEqual([start]);
    vi.advanceTimersByTime(1);
    expect(flushed).toEqual([start, start + 100]);
    coalescer.notify("w1");
    coalescer.forget("w1");
    vi.advanceTimersByTime(1_000);
    expect(flushed).toHaveLength(2);
  });
});

describe("a window that follows the build time", () => {
  it("is five times the last build, between the bare server's 25 ms gap and the old fixed 100 ms", () => {
    expect(adaptiveWindowMs(undefined)).toBe(MIN_WINDOW_MS);
    expect(adaptiveWindowMs(Number.NaN)).toBe(MIN_WINDOW_MS);
    expect(adaptiveWindowMs(1)).toBe(25);
    expect(adaptiveWindowMs(8)).toBe(40);
    expect(adaptiveWindowMs(19)).toBeCloseTo(95);
    expect(adaptiveWindowMs(60)).toBe(MAX_WINDOW_MS);
    expect(MIN_WINDOW_MS).toBe(25);
    expect(MAX_WINDOW_MS).toBe(100);
  });

  it("keeps building one room's snapshots to at most a fifth of the time, whatever a build costs", () => {
    for (const buildMs of [1, 4, 10, 20, 35, 80]) {
      const clock = new ManualClock();
      let busyMs = 0;
      const coalescer = new Coalescer<string>(
        () => adaptiveWindowMs(buildMs),
        () => {
          busyMs += buildMs;
        },
        clock,
      );
      for (let t = 0; t < 10_000; t += 2) {
        clock.advanceTo(t);
        coalescer.notify("w1");
      }
      clock.advanceTo(11_000);
      // The share is of the window at most: a build over 20 ms is capped by MAX_WINDOW_MS instead.
      expect(busyMs / 10_000, `build ${buildMs} ms`).toBeLessThanOrEqual(Math.max(BUILD_SHARE, buildMs / MAX_WINDOW_MS) + 0.01);
    }
  });

  it("reads the window at each notice, so a room whose builds got slower is flushed less often", () => {
    const clock = new ManualClock();
    let window = 25;
    const flushes: number[] = [];
    const coalescer = new Coalescer<string>(
      () => window,
      () => flushes.push(clock.now()),
      clock,
    );
    for (let t = 0; t < 200; t++) {
      clock.advanceTo(t);
      coalescer.notify("w1");
    }
    window = 100;
    for (let t = 200; t < 600; t++) {
      clock.advanceTo(t);
      coalescer.notify("w1");
    }
    clock.advanceTo(1_000);
    const gaps = flushes.slice(1).map((at, i) => at - flushes[i]!);
    expect(gaps.slice(0, 7).every((gap) => gap === 25)).toBe(true);
    expect(gaps.slice(-3).every((gap) => gap === 100)).toBe(true);
  });
});
