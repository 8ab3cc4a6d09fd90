/**
 * One run of a task per key at a time, with later demand folded into one paced trailing run
 * (Go's `singleflight` plus a trailing-edge throttle). Used for release planning
 * (`currentRelease`): a plan is CPU work on the event loop that grows with a case's history, and
 * under a burst of answers every request used to plan in turn, so the process spent all its time
 * planning and stopped accepting connections (the reliability storm, session 8).
 *
 * - Idle key: the task runs at once and the caller awaits it (sequential use is exactly as before).
 * - Busy key (a run in flight, or a trailing run waiting): the demand is noted, and one trailing
 *   run starts after the current run, `gapFactor` × its duration later, so under continuous
 *   demand the task takes at most 1 / (1 + gapFactor) of the time. A caller that needs what it
 *   wrote to be covered (`"fresh"`) awaits that trailing run; a caller that only triggers work
 *   (`"trigger"`) returns at once.
 *
 * Written here rather than taken from a library: p-throttle and p-debounce drop or delay every
 * call, and neither lets one caller wait for the next run while another only triggers it.
 */

/**
 * `"fresh"`: the caller needs what it wrote to be covered and waits for the run that covers it
 * (at most `maxWaitMs`, when given); `"trigger"`: the caller only starts work (it waits for a run
 * it starts itself, at most `maxWaitMs`, and never for a trailing run).
 */
export type Demand = "fresh" | "trigger";

export type Outcome<T> = { ran: true; value: T } | { ran: false };

interface KeyState {
  running: boolean;
  /** The task the trailing run runs: the newest caller's (any of them does the same work). */
  task: () => Promise<unknown>;
  /** Resolved when the trailing run (started after the current one) has finished. */
  trailing: { done: Promise<void>; settle: (error?: unknown) => void } | null;
  timer: ReturnType<typeof setTimeout> | null;
}

export class PacedSingleFlight<K> {
  private readonly states = new Map<K, KeyState>();

  /**
   * @param gapFactor pause before a trailing run, as a multiple of the run before it (1: at most
   *   half the time is spent running under continuous demand)
   * @param onTrailingError called with the error of a trailing run (which no caller awaits when
   *   all callers only triggered it)
   */
  constructor(
    private readonly gapFactor = 1,
    private readonly onTrailingError: (error: unknown) => void = () => {},
  ) {}

  /**
   * Runs `task` for `key` now when nothing runs for it, else folds this demand into the trailing run.
   *
   * @param maxWaitMs longest this caller waits for the run it started or awaits (ms; default: until
   *   it ends). A run outlasting it goes on behind; its error then goes to `onTrailingError`.
   * @returns `{ ran: true, value }` when this call ran the task and saw it end; `{ ran: false }`
   *   when it was folded (with `"fresh"`, after the trailing run finished; with `"trigger"`, at
   *   once) or stopped waiting after `maxWaitMs`
   * @throws the task's error, to the caller that ran it or (with `"fresh"`) waited for it
   */
  async run<T>(key: K, task: () => Promise<T>, demand: Demand, maxWaitMs = Infinity): Promise<Outcome<T>> {
    const state = this.states.get(key);
    if (!state) {
      const running = this.start(key, task);
      if (maxWaitMs === Infinity) return { ran: true, value: await running };
      const outcome = await withinMs(
        running.then((value): Outcome<T> => ({ ran: true, value })),
        maxWaitMs,
      );
      if (outcome === TIMED_OUT) {
        running.catch(this.onTrailingError);
        return { ran: false };
      }
      return outcome;
    }
    state.trailing ??= deferred();
    const waitFor = state.trailing.done;
    // (A key with a state is running or has its trailing run's timer set: `start` schedules it.)
    state.task = task;
    if (demand === "trigger") return { ran: false };
    await withinMs(waitFor, maxWaitMs);
    return { ran: false };
  }

  /** Whether a run or a trailing run is pending for `key` (for tests and metrics). */
  busy(key: K): boolean {
    return this.states.has(key);
  }

  private async start<T>(key: K, task: () => Promise<T>): Promise<T> {
    const state: KeyState = this.states.get(key) ?? { running: true, task, trailing: null, timer: null };
    state.running = true;
    this.states.set(key, state);
    const started = performance.now();
    try {
      return await task();
    } finally {
      state.running = false;
      const took = performance.now() - started;
      if (state.trailing) this.schedule(key, state, took * this.gapFactor);
      else this.states.delete(key);
    }
  }

  private schedule(key: K, state: KeyState, gapMs: number): void {
    state.timer = setTimeout(() => {
      state.timer = null;
      const trailing = state.trailing!;
      state.trailing = null;
      this.start(key, state.task).then(
        () => trailing.settle(),
        (error: unknown) => {
          this.onTrailingError(error);
          trailing.settle(error);
        },
      );
    }, gapMs);
  }
}

const TIMED_OUT = Symbol("timed out");

/** `promise`'s value, or TIMED_OUT when `ms` pass first (its rejection, if first, is thrown). */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  if (ms === Infinity) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function deferred(): { done: Promise<void>; settle: (error?: unknown) => void } {
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  // Nobody may be waiting (every caller only triggered it): never an unhandled rejection.
  done.catch(() => {});
  return { done, settle };
}
