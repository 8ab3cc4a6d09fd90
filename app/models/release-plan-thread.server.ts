/**
 * A large case's release plan is made on a worker thread (ADR 042): the plan is CPU work that
 * grows with the case's release history (one joint test of every release since `jointFrom` took
 * 50 to 250 ms at a million positions, and a plan is several), and on the event loop even a plan
 * cut into steps held it for a whole step, so a reader's 50 ms wait (READER_WAIT_MS), the live
 * room and every other request waited behind it. One thread per process (piscina, maxThreads 1):
 * plans of different cases queue for it; none is started until a large case plans, and an idle
 * one stops after a minute.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { ReleasePlan, ReleasePlanInput } from "../domain/disclosure";
import { errorFields, log } from "../platform/log.server";
import { onShutdown } from "../platform/shutdown.server";
import { existingSingleton, forgetSingleton, singleton } from "../platform/singleton.server";

/** How long an idle plan thread is kept (ms) before it stops; the next large plan starts another. */
const IDLE_THREAD_MS = 60_000;

/**
 * Where the worker's code is. The server build (build/server/index.js) has it beside it, compiled
 * by `npm run build` (vite.server.config.ts) into build/release-plan-worker.js; the TypeScript
 * sources (`npm run dev`, the tests, the bench) run it through tsx, as they run themselves.
 *
 * @throws Error when the built worker is missing (a build made before ADR 042)
 */
export function releasePlanWorkerFile(moduleUrl: string = import.meta.url): { filename: string; execArgv: string[] } {
  if (/\.tsx?$/.test(new URL(moduleUrl).pathname)) return { filename: new URL("../domain/release-plan-worker.ts", moduleUrl).href, execArgv: ["--import", "tsx"] };
  const built = new URL("../release-plan-worker.js", moduleUrl);
  if (!existsSync(fileURLToPath(built))) throw new Error(`The release-plan worker is missing at ${fileURLToPath(built)}: run \`npm run build\``);
  return { filename: built.href, execArgv: [] };
}

/**
 * A pool of one release-plan thread running `worker` (`releasePlanWorkerFile`'s shape), stopped
 * at shutdown. A thread that crashes during a plan fails that plan (the caller plans on the event
 * loop). One that cannot start (its code missing or broken) is reported by piscina as an "error"
 * event, which unheard would end the process, while the plans queued for it would wait for ever:
 * the pool is logged, destroyed (failing those plans) and `onBroken` is called.
 */
export function createPlanThreads(worker: { filename: string; execArgv: string[] }, onBroken: () => void = () => {}): Piscina<ReleasePlanInput, ReleasePlan | null> {
  const pool = new Piscina<ReleasePlanInput, ReleasePlan | null>({ ...worker, name: "default", minThreads: 0, maxThreads: 1, idleTimeout: IDLE_THREAD_MS });
  pool.on("error", (error: unknown) => {
    log().error({ event: "release-plan-thread-failed", ...errorFields(error) }, "The release-plan worker thread could not run; plans are made on the event loop");
    onBroken();
    void pool.destroy();
  });
  onShutdown(() => pool.destroy(), "after-requests");
  return pool;
}

/** The process's release-plan threads; a pool found broken is forgotten, so the next plan tries a new one. */
function planThreads(): Piscina<ReleasePlanInput, ReleasePlan | null> {
  const pool: Piscina<ReleasePlanInput, ReleasePlan | null> = singleton("release-plan-threads", () =>
    createPlanThreads(releasePlanWorkerFile(), () => {
      if (existingSingleton("release-plan-threads") === pool) forgetSingleton("release-plan-threads");
    }),
  );
  return pool;
}

/**
 * `planRelease(input)` made on the process's release-plan thread: the same plan (a pure function
 * of a structured clone of `input`), while the event loop serves other work.
 *
 * @throws whatever starting the thread or the plan threw (a missing build, a crash): the caller
 *   may plan on the event loop instead
 */
export function planOnWorkerThread(input: ReleasePlanInput): Promise<ReleasePlan | null> {
  return planThreads().run(input);
}
