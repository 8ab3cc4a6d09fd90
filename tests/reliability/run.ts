/**
 * `npm run test:reliability [-- name…]`: crash safety, concurrency (one server, then two on one
 * database file), backup/restore, graceful shutdown, `npm start`'s signals, the health checks with Redis away, the README's nginx configuration in front of the app and a large case's release planned on the worker thread, against
 * the built server (built first if build/server/index.js is missing). Each test runs alone with
 * a hard time limit; its server processes and temporary folders are removed whatever happens.
 * Exits 1 if any check failed. Pass words from the test names to run only some, e.g. `-- crash`.
 */
import { backupRestore } from "./backup-restore";
import { behindNginx } from "./behind-nginx";
import { concurrency, twoServers } from "./concurrency";
import type { ReliabilityTest, TestContext } from "./context";
import { Timer } from "./context";
import { crashSafety } from "./crash-safety";
import { gracefulShutdown, inFlightAtSigterm } from "./graceful-shutdown";
import { healthChecks } from "./health-checks";
import { emergencyCleanup, ensureBuild } from "./harness";
import { npmStart } from "./npm-start";
import { releasePlanThread } from "./release-plan-thread";

const TESTS: ReliabilityTest[] = [crashSafety, concurrency, twoServers, backupRestore, gracefulShutdown, inFlightAtSigterm, npmStart, healthChecks, behindNginx, releasePlanThread];
/** The whole suite, including the build when one is needed, must finish in this time. */
const SUITE_LIMIT_MS = 8 * 60_000;

interface Result {
  name: string;
  ok: boolean;
  ms: number;
  failures: string[];
  notes: [string, string | number][];
}

async function runOne(test: ReliabilityTest): Promise<Result> {
  const failures: string[] = [];
  const notes: [string, string | number][] = [];
  const cleanups: (() => void | Promise<void>)[] = [];
  const timer = new Timer();
  let cancelled = false;
  const ctx: TestContext = {
    log: (message) => console.log(`    ${(timer.ms() / 1000).toFixed(1).padStart(5)} s  ${message}`),
    check: (ok, message) => {
      if (!ok) {
        failures.push(message);
        console.log(`    ${(timer.ms() / 1000).toFixed(1).padStart(5)} s  ✗ ${message}`);
      }
    },
    defer: (cleanup) => cleanups.push(cleanup),
    note: (name, value) => notes.push([name, value]),
    get cancelled() {
      return cancelled;
    },
  };
  console.log(`\n▶ ${test.name}`);
  let deadline: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      test.run(ctx),
      new Promise<never>((_, fail) => {
        deadline = setTimeout(() => fail(new Error(`took longer than its limit of ${test.timeoutMs / 1000} s`)), test.timeoutMs);
      }),
    ]);
  } catch (error) {
    cancelled = true;
    failures.push(`stopped: ${error instanceof Error ? error.message : String(error)}`);
    console.log(`    ✗ stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    clearTimeout(deadline);
    for (const cleanup of cleanups.reverse()) {
      try {
        await Promise.race([cleanup(), new Promise((ok) => setTimeout(ok, 10_000))]);
      } catch (error) {
        console.log(`    (clean-up failed: ${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  return { name: test.name, ok: failures.length === 0, ms: timer.ms(), failures, notes };
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).map((f) => f.toLowerCase());
  const selected = filters.length === 0 ? TESTS : TESTS.filter((t) => filters.some((f) => t.name.toLowerCase().includes(f)));
  if (selected.length === 0) {
    console.error(`No reliability test matches ${filters.join(", ")}. Tests: ${TESTS.map((t) => t.name).join("; ")}`);
    return 2;
  }
  const suite = new Timer();
  ensureBuild();
  const results: Result[] = [];
  for (const test of selected) results.push(await runOne(test));

  console.log("\n══ Reliability results");
  for (const r of results) {
    console.log(`${r.ok ? "✓ PASS" : "✗ FAIL"}  ${r.name}  (${(r.ms / 1000).toFixed(1)} s)`);
    for (const [name, value] of r.notes) console.log(`          ${name}: ${value}`);
    for (const f of r.failures) console.log(`        ✗ ${f}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed, in ${suite.seconds()}`);
  return failed === 0 ? 0 : 1;
}

const guard = setTimeout(() => {
  console.error(`\nThe reliability suite took longer than ${SUITE_LIMIT_MS / 60_000} minutes; stopping.`);
  emergencyCleanup();
  process.exit(1);
}, SUITE_LIMIT_MS);
guard.unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    emergencyCleanup();
    process.exit(130);
  });
}
process.on("exit", emergencyCleanup);

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  emergencyCleanup();
}
process.exit(code);
