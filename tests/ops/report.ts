/**
 * What the operations scripts (tests/ops/run.ts, tests/ops/operator-day.ts) share: checks
 * printed with the seconds since start, "N passed, M failed" (the line scripts/test.sh counts),
 * polling with a time limit, and running clean-ups each within its own limit.
 */
import { sleep } from "../reliability/harness";

/** CASEBOOK_REQUIRE_SERVICES=1 (CI): a missing service is a failure, not a skip. */
export const required = process.env.CASEBOOK_REQUIRE_SERVICES === "1";

const started = Date.now();
let passed = 0;
let failed = 0;

/** Seconds since the script started, right-aligned ("  12.3 s"). */
export const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;

/** Counts and prints one check: ✓ or ✗ and `message`. */
export function check(condition: boolean, message: string): void {
  if (condition) passed += 1;
  else failed += 1;
  console.log(`  ${clock()}  ${condition ? "✓" : "✗"} ${message}`);
}

/** Prints a line of progress (not a check). */
export const say = (message: string) => console.log(`  ${clock()}  ${message}`);

/** Whether any check failed so far. */
export const anyFailed = () => failed > 0;

/** Prints "N passed, M failed" and returns the exit code (1 when any check failed). */
export function summary(): number {
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** Polls `condition` every 100 ms; the milliseconds it took, or null after `timeoutMs`. */
export async function within(timeoutMs: number, condition: () => Promise<boolean> | boolean): Promise<number | null> {
  const from = Date.now();
  for (;;) {
    if (await Promise.resolve(condition()).catch(() => false)) return Date.now() - from;
    if (Date.now() - from > timeoutMs) return null;
    await sleep(100);
  }
}

/** Runs `cleanups` last first, each given at most 10 s and its failure ignored. */
export async function runCleanups(cleanups: (() => unknown)[]): Promise<void> {
  for (const cleanup of [...cleanups].reverse())
    await Promise.race([
      Promise.resolve()
        .then(cleanup)
        .catch(() => {}),
      sleep(10_000),
    ]);
}
