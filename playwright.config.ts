import { defineConfig, devices } from "@playwright/test";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The end-to-end run serves the production build on its own port, with a fresh temporary
 * database and a copy of cases/ plus one deliberately broken file. The paths are made once in
 * the main process and inherited by the workers through the environment.
 */
if (!process.env.CASEBOOK_E2E_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "casebook-e2e-"));
  const casesDir = join(dir, "cases");
  mkdirSync(casesDir);
  for (const name of readdirSync("cases").filter((n) => n.endsWith(".md"))) copyFileSync(join("cases", name), join(casesDir, name));
  writeFileSync(
    join(casesDir, "zz-broken-example.md"),
    [
      "---",
      "slug: broken-example",
      "title: A broken case",
      "summary: Missing its employer perspective.",
      "perspectives:",
      "  employee:",
      "    prompt: What do you do?",
      "    options: [Only one option]",
      "judgement: Right?",
      "discussion: [Why?]",
      "---",
      "",
      "## Stage: One",
      "",
      "Text.",
      "",
    ].join("\n"),
  );
  process.env.CASEBOOK_E2E_DIR = dir;
}
const e2eDir = process.env.CASEBOOK_E2E_DIR;
const port = Number(process.env.E2E_PORT ?? 3117);

export const baseURL = `http://127.0.0.1:${port}`;
/** The SMTP server tests/e2e/email-reset.test.ts starts; the app sends its reset mail there. */
export const smtpPort = port + 2000;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  // A short walk takes 5 to 15 s alone; on a loaded 2-core CI machine (two workers beside the
  // server) the same walk has taken 39 s. Longer walks set their own limit.
  timeout: 60_000,
  expect: { timeout: 10_000 },
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
    { name: "setup", testMatch: /global\.setup\.ts/ },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
  webServer: {
    command: "npx tsx server.ts",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: join(e2eDir, "casebook.sqlite"),
      CASES_DIR: join(e2eDir, "cases"),
      K_THRESHOLD: "3",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: "Casebook <casebook@casebook.test>",
      PUBLIC_URL: baseURL,
      // Each person signs in from a network of their own (`logIn` sends X-Forwarded-For, as behind
      // a proxy), so the suite's many sign-ins never spend one network's sign-in budget.
      TRUST_PROXY: "loopback",
    },
  },
});
