/**
 * The configuration schema (app/platform/config.server.ts, ADR 029): every variable the app reads, its
 * default, and a one-line message naming the variable for each wrong value. The README's
 * configuration table lists exactly the schema's variables.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, readConfig, VARIABLE_NAMES } from "../../app/platform/config.server";

/** The problems readConfig reports for `env`, one line each (none when it is accepted). */
function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe("the configuration schema", () => {
  it("gives every default when nothing is set, and counts an empty variable as unset", () => {
    const defaults = readConfig({});
    expect(defaults).toEqual({
      port: 3000,
      host: "0.0.0.0",
      databasePath: "data/casebook.sqlite",
      databaseUrl: null,
      databasePoolSize: 10,
      databaseQueryTimeoutMs: 10_000,
      casesDirectory: "cases",
      sessionSecret: null,
      kThreshold: 5,
      production: false,
      trustProxy: false,
      logLevel: "info",
      metricsToken: null,
      redisUrl: null,
      redisPrefix: "casebook:",
      mail: null,
    });
    expect(readConfig(Object.fromEntries(VARIABLE_NAMES.map((name) => [name, ""])))).toEqual(defaults);
  });

  it("reads every variable it is given", () => {
    const config = readConfig({
      PORT: "8080",
      HOST: "127.0.0.1",
      DATABASE_PATH: "/srv/casebook.sqlite",
      DATABASE_URL: "postgres://casebook:pw@db:5432/casebook",
      DATABASE_POOL_SIZE: "20",
      DATABASE_QUERY_TIMEOUT_MS: "5000",
      CASES_DIR: "/srv/cases",
      SESSION_SECRET: "a-long-enough-session-secret",
      K_THRESHOLD: "7",
      NODE_ENV: "production",
      TRUST_PROXY: "1",
      LOG_LEVEL: "WARN",
      METRICS_TOKEN: "s3cret-metrics-token-0123456789",
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "staging:",
    });
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      databasePath: "/srv/casebook.sqlite",
      databaseUrl: "postgres://casebook:pw@db:5432/casebook",
      databasePoolSize: 20,
      databaseQueryTimeoutMs: 5000,
      casesDirectory: "/srv/cases",
      sessionSecret: "a-long-enough-session-secret",
      kThreshold: 7,
      production: true,
      trustProxy: 1,
      logLevel: "warn",
      metricsToken: "s3cret-metrics-token-0123456789",
      redisUrl: "redis://127.0.0.1:6379",
      redisPrefix: "staging:",
    });
  });

  it("names the variable and what is wrong, one line for each bad value", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: "eighty" }, /^PORT must be a positive whole number up to 65535, got "eighty"$/],
      [{ PORT: "70000" }, /^PORT must be a positive whole number up to 65535/],
      [{ HOST: "local host" }, /^HOST must be an address to listen on, like 127\.0\.0\.1/],
      [{ DATABASE_URL: "mysql://root:hunter2@db/casebook" }, /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL.*unset it to use the SQLite file at DATABASE_PATH$/],
      [{ DATABASE_POOL_SIZE: "0" }, /^DATABASE_POOL_SIZE must be a positive whole number, got "0"$/],
      [{ DATABASE_QUERY_TIMEOUT_MS: "1.5" }, /^DATABASE_QUERY_TIMEOUT_MS must be a positive whole number, got "1\.5"$/],
      [{ K_THRESHOLD: "-5" }, /^K_THRESHOLD must be a positive whole number, got "-5"$/],
      [{ TRUST_PROXY: "true" }, /^TRUST_PROXY=true is refused: .*TRUST_PROXY=1/],
      [{ LOG_LEVEL: "verbose" }, /^LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"$/],
      [{ METRICS_TOKEN: "short" }, /^METRICS_TOKEN must be at least 16 characters long \(it was 5 characters\)/],
      [{ METRICS_TOKEN: "has spaces in the token value" }, /^METRICS_TOKEN must be visible ASCII characters without spaces/],
      [{ REDIS_URL: "127.0.0.1:6379" }, /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL, like redis:\/\/127\.0\.0\.1:6379/],
      [{ SMTP_URL: "http://mail.test", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" }, /^SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//],
      [{ SMTP_HOST: "mail.test", SMTP_PORT: "port", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" }, /^SMTP_PORT must be a positive whole number up to 65535, got "port"$/],
      [{ SMTP_HOST: "mail.test", SMTP_SECURE: "yes", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" }, /^SMTP_SECURE must be "true" or "false"$/],
      [{ SMTP_HOST: "mail.test", MAIL_FROM: "a@b.co", PUBLIC_URL: "casebook.example.org" }, /^PUBLIC_URL must be the site's address, starting with http:\/\/ or https:\/\//],
    ];
    for (const [env, message] of cases) {
      const found = problems(env);
      expect(found, JSON.stringify(env)).toHaveLength(1);
      expect(found[0], JSON.stringify(env)).toMatch(message);
    }
  });

  it("reports every wrong variable at once, in the schema's order", () => {
    const found = problems({ LOG_LEVEL: "loud", PORT: "x", REDIS_URL: "localhost" });
    expect(found.map((line) => line.split(" ")[0])).toEqual(["PORT", "LOG_LEVEL", "REDIS_URL"]);
    expect(() => readConfig({ LOG_LEVEL: "loud", PORT: "x" })).toThrow(/^PORT .*\nLOG_LEVEL /);
  });

  it("never echoes a value that may be a secret", () => {
    const secrets = {
      DATABASE_URL: "mysql://root:hunter2@db/casebook",
      METRICS_TOKEN: "has spaces hunter2",
      REDIS_URL: "http://:hunter2@redis:6379",
      SMTP_URL: "http://u:hunter2@mail.test",
      MAIL_FROM: "a@b.co",
      PUBLIC_URL: "https://c.test",
    };
    const found = problems(secrets);
    expect(found.length).toBe(4);
    for (const line of found) expect(line).not.toContain("hunter2");
  });

  it("reads the mail settings from SMTP_URL, or host, port and credentials", () => {
    expect(readConfig({ SMTP_URL: "", MAIL_FROM: "" }).mail).toBeNull();
    expect(readConfig({ SMTP_URL: "smtp://u:p@mail.test:2525", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test/" }).mail).toEqual({
      transport: "smtp://u:p@mail.test:2525",
      from: "a@b.co",
      publicUrl: "https://c.test",
    });
    expect(readConfig({ SMTP_HOST: "mail.test", SMTP_PORT: "465", SMTP_USER: "u", SMTP_PASS: "p", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" }).mail?.transport).toEqual({
      host: "mail.test",
      port: 465,
      secure: true,
      auth: { user: "u", pass: "p" },
    });
    expect(readConfig({ SMTP_HOST: "mail.test", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" }).mail?.transport).toEqual({ host: "mail.test", port: 587, secure: false });
  });

  it("names the mail variable that is missing or does not go with the others", () => {
    expect(problems({ SMTP_HOST: "mail.test", PUBLIC_URL: "https://c.test" })).toEqual(["MAIL_FROM is required when SMTP is configured"]);
    expect(problems({ SMTP_HOST: "mail.test", MAIL_FROM: "a@b.co" })).toEqual(["PUBLIC_URL is required when SMTP is configured (links in mail use it)"]);
    expect(problems({ SMTP_HOST: "mail.test", SMTP_USER: "u", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" })).toEqual(["SMTP_USER and SMTP_PASS go together"]);
    expect(problems({ SMTP_URL: "smtp://mail.test", SMTP_HOST: "mail.test", MAIL_FROM: "a@b.co", PUBLIC_URL: "https://c.test" })).toEqual(["Set either SMTP_URL or SMTP_HOST, not both"]);
    expect(problems({ SMTP_PORT: "25" })).toEqual(["SMTP_PORT is set but SMTP_HOST is not; set SMTP_HOST (or SMTP_URL) to send mail"]);
    // A wrong value does not hide a missing one.
    expect(problems({ SMTP_HOST: "mail.test", SMTP_PORT: "port", PUBLIC_URL: "https://c.test" })).toHaveLength(2);
  });
});

describe("readConfig() on process.env", () => {
  const saved = process.env.K_THRESHOLD;
  afterEach(() => {
    if (saved === undefined) delete process.env.K_THRESHOLD;
    else process.env.K_THRESHOLD = saved;
  });

  it("sees a variable changed between two reads (tests set them per test)", () => {
    process.env.K_THRESHOLD = "3";
    expect(readConfig().kThreshold).toBe(3);
    process.env.K_THRESHOLD = "9";
    expect(readConfig().kThreshold).toBe(9);
    process.env.K_THRESHOLD = "nine";
    expect(() => readConfig()).toThrow(/^K_THRESHOLD must be a positive whole number, got "nine"$/);
  });
});

describe("the README's configuration table", () => {
  it("lists exactly the variables the schema reads", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("\n## Configuration\n"), readme.indexOf("\n## ", readme.indexOf("\n## Configuration\n") + 1));
    const listed = section
      .split("\n")
      .filter((line) => /^\| `/.test(line))
      .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!));
    expect(new Set(listed).size, "no variable listed twice").toBe(listed.length);
    expect([...listed].sort()).toEqual([...VARIABLE_NAMES].sort());
  });
});
