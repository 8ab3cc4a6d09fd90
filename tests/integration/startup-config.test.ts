/**
 * A wrong setting stops start-up as an operator sees it (ADR 029): `server.ts` (as `npm run dev`
 * runs it; the build runs the same code) and an npm script print one plain line per wrong
 * variable on stderr, naming it, with no stack trace, and exit with code 1 before opening the
 * database or listening.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "casebook-startup-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node --import tsx <entry>` with `env` over a clean base; resolves with its exit code and output. */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", DATABASE_PATH: join(dir, "casebook.sqlite"), CASES_DIR: join(dir, "cases") };
  for (const name of ["DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "TRUST_PROXY", "K_THRESHOLD", "LOG_LEVEL", "METRICS_TOKEN", "SMTP_URL", "SMTP_HOST"]) delete base[name];
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", entry], { env: { ...base, ...env }, timeout: 50_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe("start-up with a wrong setting", () => {
  it("server.ts prints one line per wrong variable and exits 1 without serving", async () => {
    const { code, stdout, stderr } = await run("server.ts", { NODE_ENV: "production", PORT: "eighty", REDIS_URL: "localhost:6379", LOG_LEVEL: "loud" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      'Casebook cannot start: PORT must be a positive whole number up to 65535, got "eighty"',
      'Casebook cannot start: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"',
      "Casebook cannot start: REDIS_URL must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379; unset it to run one process without Redis",
    ]);
    expect(stdout, "nothing logged: it stopped before the database and the build").toBe("");
    expect(existsSync(join(dir, "casebook.sqlite")), "no database opened").toBe(false);
  }, 60_000); // tsx start-up: seconds on a loaded machine

  it("an npm script (db:migrate) stops the same way, naming itself", async () => {
    const { code, stderr } = await run("scripts/db-migrate.ts", { K_THRESHOLD: "five" });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('db:migrate cannot run: K_THRESHOLD must be a positive whole number, got "five"');
    expect(existsSync(join(dir, "casebook.sqlite"))).toBe(false);
  }, 60_000);
});
