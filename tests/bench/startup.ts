/**
 * Start-up time (ADR 019): from spawning the production server to its first /livez answer, on a
 * database already migrated and imported (a restart, as in a deploy), for what `npm start` runs
 * (`node build/server.js`, compiled by `npm run build`) and for the source run through tsx (what
 * `npm start` ran before). `runs` of each, alternating, so both see the same machine.
 */
import { spawn } from "node:child_process";
import { ensureBuild, freePort, Http, makeWorkspace, ROOT, sleep } from "../reliability/harness";

export interface StartupBenchResult {
  /** Per run, in ms; run i of each was measured one after the other. */
  builtMs: number[];
  tsxMs: number[];
}

async function timeToLive(args: string[], databasePath: string, casesDir: string): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), DATABASE_PATH: databasePath, CASES_DIR: casesDir };
  for (const name of ["DATABASE_URL", "REDIS_URL", "TRUST_PROXY"]) delete env[name];
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: "ignore" });
  const client = new Http(port);
  try {
    while (Date.now() - started < 120_000) {
      if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited during start-up (${child.exitCode})`);
      const reply = await client.request("GET", "/livez", { timeoutMs: 1_000 }).catch(() => null);
      if (reply?.status === 200) return Date.now() - started;
      await sleep(20);
    }
    throw new Error(`${args.join(" ")} did not answer /livez within 120 s`);
  } finally {
    client.close();
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  }
}

export async function benchStartup(runs = 3): Promise<StartupBenchResult> {
  ensureBuild();
  const workspace = makeWorkspace("bench-startup");
  try {
    const built = ["--enable-source-maps", "build/server.js"];
    const tsx = ["--import", "tsx", "server.ts"];
    await timeToLive(built, workspace.databasePath, workspace.casesDir); // migrates and imports once
    const builtMs: number[] = [];
    const tsxMs: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      builtMs.push(await timeToLive(built, workspace.databasePath, workspace.casesDir));
      tsxMs.push(await timeToLive(tsx, workspace.databasePath, workspace.casesDir));
    }
    return { builtMs, tsxMs };
  } finally {
    workspace.remove();
  }
}
