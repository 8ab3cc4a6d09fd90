import { describe, expect, it } from "vitest";
import { PacedSingleFlight } from "../../app/platform/paced-single-flight.server";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A task that takes `ms`, counts its runs and records when each started and ended. */
function timedTask(ms: number) {
  const runs: { start: number; end: number }[] = [];
  const task = async () => {
    const start = performance.now();
    await sleep(ms);
    runs.push({ start, end: performance.now() });
    return runs.length;
  };
  return { task, runs };
}

describe("PacedSingleFlight", () => {
  it("runs at once on an idle key and returns the task's value, as a plain call would", async () => {
    const flight = new PacedSingleFlight<number>();
    const { task, runs } = timedTask(1);
    expect(await flight.run(1, task, "fresh")).toEqual({ ran: true, value: 1 });
    expect(await flight.run(1, task, "trigger")).toEqual({ ran: true, value: 2 });
    expect(runs).toHaveLength(2);
    expect(flight.busy(1)).toBe(false);
  });

  it("folds every call made during a run into one trailing run, started a run's length after it", async () => {
    const flight = new PacedSingleFlight<number>(1);
    const { task, runs } = timedTask(40);
    const first = flight.run(1, task, "fresh");
    await sleep(5);
    const folded = await Promise.all(Array.from({ length: 20 }, () => flight.run(1, task, "trigger")));
    expect(folded.every((o) => !o.ran)).toBe(true);
    expect(await first).toEqual({ ran: true, value: 1 });
    expect(flight.busy(1)).toBe(true);
    await flight.run(1, task, "fresh");
    expect(runs).toHaveLength(2);
    // The pause before the trailing run is about as long as the run before it (timers are coarse).
    expect(runs[1]!.start - runs[0]!.end).toBeGreaterThanOrEqual(30);
    await sleep(100);
    expect(flight.busy(1)).toBe(false);
  });

  it("a fresh caller folded into a trailing run returns only once that run has finished", async () => {
    const flight = new PacedSingleFlight<number>(0);
    const { task, runs } = timedTask(20);
    void flight.run(1, task, "trigger");
    await sleep(2);
    const waited = await flight.run(1, task, "fresh");
    expect(waited).toEqual({ ran: false });
    expect(runs).toHaveLength(2);
  });

  it("keys do not wait for each other", async () => {
    const flight = new PacedSingleFlight<number>();
    const { task, runs } = timedTask(20);
    const [a, b] = await Promise.all([flight.run(1, task, "fresh"), flight.run(2, task, "fresh")]);
    expect(a.ran && b.ran).toBe(true);
    expect(runs).toHaveLength(2);
  });

  it("a failing run rejects its caller; a failing trailing run rejects fresh waiters and reports to onTrailingError", async () => {
    const reported: unknown[] = [];
    const flight = new PacedSingleFlight<number>(0, (error) => reported.push(error));
    let calls = 0;
    const failing = async () => {
      calls += 1;
      await sleep(10);
      throw new Error(`run ${calls} failed`);
    };
    const first = flight.run(1, failing, "fresh");
    await sleep(1);
    const triggered = flight.run(1, failing, "trigger");
    const waiting = flight.run(1, failing, "fresh");
    await expect(first).rejects.toThrow("run 1 failed");
    await expect(triggered).resolves.toEqual({ ran: false });
    await expect(waiting).rejects.toThrow("run 2 failed");
    expect(reported).toHaveLength(1);
    expect(flight.busy(1)).toBe(false);
    // The key is usable again afterwards.
    await expect(flight.run(1, async () => 7, "fresh")).resolves.toEqual({ ran: true, value: 7 });
  });

  it("demand during a trailing run makes one more trailing run, never a pile of them", async () => {
    const flight = new PacedSingleFlight<number>(0);
    const { task, runs } = timedTask(15);
    void flight.run(1, task, "trigger");
    for (let i = 0; i < 10; i += 1) {
      await sleep(4);
      void flight.run(1, task, "trigger");
    }
    await flight.run(1, task, "fresh");
    await sleep(60);
    // 10 calls over ~45 ms of 15 ms runs: a few runs, one at a time.
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < runs.length; i += 1) expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end);
  });

  describe("with a longest wait (maxWaitMs)", () => {
    /** A task that ends only when `finish` is called. */
    function heldTask() {
      let finish!: (value: string) => void;
      let fail!: (error: Error) => void;
      let runs = 0;
      const task = () => {
        runs += 1;
        return new Promise<string>((resolve, reject) => {
          finish = resolve;
          fail = reject;
        });
      };
      return { task, finish: (value: string) => finish(value), fail: (error: Error) => fail(error), runs: () => runs };
    }

    it("a caller that starts a run longer than its wait returns without it, and the run goes on behind", async () => {
      const flight = new PacedSingleFlight<number>(0);
      const held = heldTask();
      expect(await flight.run(1, held.task, "fresh", 5)).toEqual({ ran: false });
      expect(flight.busy(1)).toBe(true);
      held.finish("done");
      await sleep(1);
      expect(flight.busy(1)).toBe(false);
      expect(held.runs()).toBe(1);
    });

    it("a run ending within the wait is returned as if there were no limit", async () => {
      const flight = new PacedSingleFlight<number>(0);
      const { task } = timedTask(1);
      expect(await flight.run(1, task, "fresh", 1_000)).toEqual({ ran: true, value: 1 });
    });

    it("a fresh caller folded into a trailing run stops waiting after its wait", async () => {
      const flight = new PacedSingleFlight<number>(0);
      const held = heldTask();
      void flight.run(1, held.task, "trigger", 0);
      expect(await flight.run(1, held.task, "fresh", 5)).toEqual({ ran: false });
      held.finish("first");
      await sleep(5);
      // The trailing run started; it is the one the fresh caller had asked for.
      expect(held.runs()).toBe(2);
      held.finish("second");
    });

    it("the error of a run nobody waits for any more goes to onTrailingError, never unhandled", async () => {
      const reported: unknown[] = [];
      const flight = new PacedSingleFlight<number>(0, (error) => reported.push(error));
      const held = heldTask();
      expect(await flight.run(1, held.task, "fresh", 1)).toEqual({ ran: false });
      held.fail(new Error("late failure"));
      await sleep(1);
      expect(reported).toEqual([new Error("late failure")]);
      expect(flight.busy(1)).toBe(false);
    });
  });
});
