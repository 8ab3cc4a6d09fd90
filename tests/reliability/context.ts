/** What a reliability test receives from the runner: logging, soft checks, clean-ups and metrics. */
export interface TestContext {
  /** A progress line under the test's name. */
  log(message: string): void;
  /** Records a failed expectation without stopping the test, so one run reports every problem. */
  check(ok: boolean, message: string): void;
  /** Runs after the test, pass, fail or time-out, newest first. */
  defer(cleanup: () => void | Promise<void>): void;
  /** A figure for the summary (counts, timings). */
  note(name: string, value: string | number): void;
  /** Set once the runner gave up on the test (time-out); long loops should stop. */
  readonly cancelled: boolean;
}

export interface ReliabilityTest {
  name: string;
  /** Hard limit; the runner kills the test's processes and moves on after it. */
  timeoutMs: number;
  run(ctx: TestContext): Promise<void>;
}

export class Timer {
  private readonly started = Date.now();
  ms(): number {
    return Date.now() - this.started;
  }
  seconds(): string {
    return `${(this.ms() / 1000).toFixed(1)} s`;
  }
}
