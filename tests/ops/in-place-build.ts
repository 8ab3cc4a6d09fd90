/**
 * `tsx tests/ops/in-place-build.ts`: the README's deploy ("build, then for each port … systemctl
 * restart") run on one checkout. A process still running the previous build keeps serving pages
 * that name the previous build's scripts; after `npm run build` in place, are those scripts still
 * there? Fails today: Vite empties build/client, so every page a not-yet-restarted process serves
 * loads no JavaScript (no live updates, no phone voting screen) until that process restarts.
 *
 * It makes a real second build: it appends one line to app/entry.client.tsx (so the client's
 * hashes change), runs `npm run build`, and puts the file back (in `finally`), then builds once
 * more so build/ matches the source. About 1–2 minutes. Prints "N passed, M failed".
 */
import { execSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emergencyCleanup, ensureBuild, Http, makeWorkspace, ROOT, Server } from "../reliability/harness";

let passed = 0;
let failed = 0;
function check(condition: boolean, message: string): void {
  if (condition) passed += 1;
  else failed += 1;
  console.log(`  ${condition ? "✓" : "✗"} ${message}`);
}

async function main(): Promise<void> {
  ensureBuild();
  const workspace = makeWorkspace("ops-in-place-build");
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, entry: "built" });
  await server.start(60_000);
  const client = new Http(server.port);
  const file = join(ROOT, "app/entry.client.tsx");
  const original = readFileSync(file, "utf8");
  try {
    const scripts = async () => [...new Set([...(await client.request("GET", "/login")).body.matchAll(/\/assets\/[A-Za-z0-9_.-]+\.(?:js|css)/g)].map((m) => m[0]))];
    const before = await scripts();
    try {
      writeFileSync(file, `${original}\n(window as unknown as { casebookBuild: string }).casebookBuild = "${Date.now()}";\n`);
      execSync("npm run -s build", { cwd: ROOT, stdio: "ignore" });
    } finally {
      writeFileSync(file, original);
    }
    // The keep-alive connection may have timed out during the build.
    client.agent.destroy();
    const served = await scripts();
    const missing: string[] = [];
    for (const asset of served) if ((await client.request("GET", asset)).status !== 200) missing.push(asset);
    check(JSON.stringify(served) === JSON.stringify(before), "the process started before the build still serves pages naming its own build's files (expected)");
    check(missing.length === 0, `every file its pages name is still served after \`npm run build\` in place (${missing.length} of ${served.length} answer 404: ${missing.join(" ")})`);
  } finally {
    client.close();
    await server.stop(3_000);
    workspace.remove();
    execSync("npm run -s build", { cwd: ROOT, stdio: "ignore" });
  }
}

try {
  await main();
} catch (error) {
  failed += 1;
  console.log(`  ✗ stopped: ${(error as Error).stack ?? error}`);
} finally {
  emergencyCleanup();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
