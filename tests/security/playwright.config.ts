import { defineConfig, devices } from "@playwright/test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The security suite serves the production build (run `npx remix vite:build` first) on its own
 * port, with a fresh temporary database and a copy of cases/, like the end-to-end run. The
 * paths are made once in the main process and inherited by the workers through the environment.
 *
 * Projects run in order: "setup" makes the accounts and workshops over HTTP; "checks" runs the
 * authorization matrix, XSS, sessions, privacy and every other `*.test.ts` here; "hostile-input" goes last because it
 * deliberately runs the server's rate limits dry.
 */
if (!existsSync("build/server/index.js")) {
  throw new Error("No production build: run `npx remix vite:build` before `npm run test:security`.");
}
if (!process.env.CASEBOOK_SECURITY_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "casebook-security-"));
  const casesDir = join(dir, "cases");
  mkdirSync(casesDir);
  for (const name of readdirSync("cases").filter((n) => n.endsWith(".md"))) copyFileSync(join("cases", name), join(casesDir, name));
  process.env.CASEBOOK_SECURITY_DIR = dir;
}
const securityDir = process.env.CASEBOOK_SECURITY_DIR;
const port = Number(process.env.SECURITY_PORT ?? 3127);

export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: ".",
  outputDir: "../../test-results/security",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: "../../playwright-report/security" }]],
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    { name: "setup", testMatch: /fixtures\.setup\.ts/ },
    { name: "checks", testMatch: /(?<!hostile-input)\.test\.ts$/, use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
    { name: "hostile-input", testMatch: /hostile-input\.test\.ts/, dependencies: ["checks"] },
  ],
  webServer: {
    command: "npx tsx server.ts",
    cwd: "../..",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: join(securityDir, "casebook.sqlite"),
      CASES_DIR: join(securityDir, "cases"),
      K_THRESHOLD: "5",
      // Tests that spend a per-address budget on purpose (wrong join codes, joins) send their own
      // X-Forwarded-For, as behind a proxy, so they never starve the other tests on 127.0.0.1.
      TRUST_PROXY: "loopback",
    },
  },
});
