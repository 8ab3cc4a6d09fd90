/**
 * `npm start` as an operator, systemd or a container runtime uses it (issue 18): SIGTERM to the
 * npm process must reach the server, which drains and exits, leaving no process behind (before,
 * npm exited and the server ran on, orphaned). Start-up runs the prebuilt build/server.js; the
 * time to the first /livez answer is noted (not asserted: the machine's load decides it).
 */
import { spawn } from "node:child_process";
import type { ReliabilityTest } from "./context";
import { freePort, Http, makeWorkspace, ROOT, sleep } from "./harness";

/** Whether any process of group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export const npmStart: ReliabilityTest = {
  name: "npm start: SIGTERM to npm stops the server, no orphan",
  timeoutMs: 60_000,
  async run(ctx) {
    const workspace = makeWorkspace("npm-start");
    ctx.defer(() => workspace.remove());
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_PATH: workspace.databasePath, CASES_DIR: workspace.casesDir };
    for (const name of ["DATABASE_URL", "REDIS_URL", "TRUST_PROXY", "NODE_ENV"]) delete env[name];
    // Its own process group: whatever npm starts stays in it, so an orphan is visible (and killed in clean-up).
    const started = Date.now();
    const npm = spawn("npm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const pgid = npm.pid!;
    ctx.defer(() => {
      if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
    });
    let output = "";
    npm.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    npm.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const npmExited = new Promise<number | string | null>((resolve) => npm.once("exit", (code, signal) => resolve(signal ?? code)));

    const client = new Http(port);
    ctx.defer(() => client.close());
    let ready = 0;
    while (Date.now() - started < 45_000 && npm.exitCode === null) {
      const reply = await client.request("GET", "/livez", { timeoutMs: 1_000 }).catch(() => null);
      if (reply?.status === 200) {
        ready = Date.now() - started;
        break;
      }
      await sleep(100);
    }
    ctx.check(ready > 0, `npm start served /livez (output: ${output.slice(-400)})`);
    if (!ready) return;
    ctx.note("npm start to first /livez answer (ms)", ready);
    // build/client's top-level files are served from disk; page paths go straight to Remix (server.ts).
    const favicon = await client.request("GET", "/favicon.svg");
    ctx.check(
      favicon.status === 200 && /image\/svg\+xml/.test(String(favicon.headers["content-type"])) && /max-age=3600/.test(String(favicon.headers["cache-control"])),
      `the favicon is served from build/client with an hour's caching (${favicon.status}, ${favicon.headers["content-type"]}, ${favicon.headers["cache-control"]})`,
    );
    const library = await client.request("GET", "/");
    ctx.check(library.status === 200 && library.body.includes("Case library"), `the library answers "/" (${library.status})`);
    client.close();

    const signalled = Date.now();
    process.kill(pgid, "SIGTERM"); // npm itself, as systemd's KillMode=mixed or `kill <pid>` would
    const code = await Promise.race([npmExited, sleep(15_000).then(() => "still running after 15 s")]);
    for (let i = 0; i < 50 && groupAlive(pgid); i += 1) await sleep(100);
    ctx.check(!groupAlive(pgid), "no process is left running after npm exited (the server stopped too)");
    ctx.check(/stopped/.test(output), `the server drained and said so (${output.slice(-300).replace(/\s+/g, " ")})`);
    const refused = await new Http(port).request("GET", "/livez", { timeoutMs: 1_000 }).then(
      () => false,
      () => true,
    );
    ctx.check(refused, "the port no longer accepts connections");
    ctx.note("npm's exit", String(code));
    ctx.note("SIGTERM to everything gone (ms)", Date.now() - signalled);
  },
};
