/**
 * Every environment variable the app reads, in one zod schema (`variables`), checked at start-up
 * (server.ts and the scripts call readConfigOrExit) and read by everything else through
 * readConfig(). A wrong value is one line naming the variable and what to set; a value that may
 * be a secret is never echoed (ADR 029).
 */
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "../domain/trust-proxy";
import { DEFAULT_DATABASE_PATH, DEFAULT_POOL_SIZE, DEFAULT_QUERY_TIMEOUT_MS, describeLocation, isPostgresUrl } from "../../db/client";

/** pino's levels, most severe last; "silent" writes nothing. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the app sends mail (password reset links). */
export interface MailConfig {
  /** nodemailer transport: an smtp(s):// URL, or host/port/auth. */
  transport: string | { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  /** The From address, e.g. "Casebook <casebook@example.org>". */
  from: string;
  /**
   * The site's own address for links in mail (PUBLIC_URL), never taken from the request's Host
   * header, which a stranger can set (reset-link poisoning; ADR 023).
   */
  publicUrl: string;
}

/** Everything the app reads from the environment, with its default. */
export interface AppConfig {
  port: number;
  /** The address to listen on (HOST). */
  host: string;
  /** SQLite file, used when databaseUrl is null. */
  databasePath: string;
  /** PostgreSQL connection URL (postgres://…) from DATABASE_URL; null means SQLite. */
  databaseUrl: string | null;
  /** Most PostgreSQL connections this process opens. */
  databasePoolSize: number;
  /** Longest a PostgreSQL statement may run while serving (ms); see OpenOptions.queryTimeoutMs. */
  databaseQueryTimeoutMs: number;
  casesDirectory: string;
  /** Overrides the generated secret stored in the database; useful when several servers share one. */
  sessionSecret: string | null;
  /** Smallest group shown in any breakdown. */
  kThreshold: number;
  production: boolean;
  /** Express's `trust proxy` from TRUST_PROXY: false, a hop count, or proxy addresses (never "trust everyone"). */
  trustProxy: TrustProxy;
  /** The least severe log level written, from LOG_LEVEL (default "info"); see app/platform/log.server.ts. */
  logLevel: LogLevel;
  /** From METRICS_TOKEN: when set, /metrics answers anyone sending it as a Bearer token; when null, only loopback connections (ADR 022). */
  metricsToken: string | null;
  /** Redis for the live bus and the rate-limit counters (REDIS_URL); null runs without Redis. */
  redisUrl: string | null;
  /** Prefix of every Redis channel and key (REDIS_PREFIX), so deployments can share one Redis. */
  redisPrefix: string;
  /** SMTP settings, or null when neither SMTP_URL nor SMTP_HOST is set (no mail is sent). */
  mail: MailConfig | null;
}

/** A variable's text, or undefined when unset (an empty variable counts as unset). */
const text = z.string().optional();

function wholeNumber(fallback: number, { max }: { max?: number } = {}) {
  return text.transform((raw, ctx) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0 || (max !== undefined && value > max)) {
      ctx.addIssue({ code: "custom", message: `must be a positive whole number${max !== undefined ? ` up to ${max}` : ""}, got "${raw}"` });
      return z.NEVER;
    }
    return value;
  });
}

/** A URL whose scheme is one of `schemes`; `hint` says what to set. Never echoes the value (it may hold a password). */
function urlOf(schemes: RegExp, hint: string) {
  return text.refine((raw) => raw === undefined || (schemes.test(raw) && URL.canParse(raw)), hint);
}

/** A URL for a message, its password hidden; never the text of something that is not a URL (it may be a secret). */
function withoutPassword(raw: string): string {
  if (!URL.canParse(raw)) return "text that is not a URL";
  const url = new URL(raw);
  if (url.password) url.password = "***";
  return `"${url.toString()}"`;
}

/**
 * Every variable the app reads, its check and its default. The keys are the variables' names
 * (the README's configuration table lists exactly these; tests/unit/config.test.ts holds it to that).
 */
const variables = {
  PORT: wholeNumber(3000, { max: 65535 }),
  HOST: text.refine((raw) => raw === undefined || /^[\w.:%[\]-]+$/.test(raw), "must be an address to listen on, like 127.0.0.1, 0.0.0.0 or ::").transform((raw) => raw ?? "0.0.0.0"),
  DATABASE_PATH: text.transform((raw) => raw ?? DEFAULT_DATABASE_PATH),
  DATABASE_URL: text.transform((raw, ctx) => {
    if (raw === undefined) return null;
    if (!isPostgresUrl(raw)) {
      ctx.addIssue({ code: "custom", message: `must be a postgres:// or postgresql:// URL, got ${withoutPassword(raw)}; unset it to use the SQLite file at DATABASE_PATH` });
      return z.NEVER;
    }
    return raw;
  }),
  DATABASE_POOL_SIZE: wholeNumber(DEFAULT_POOL_SIZE),
  DATABASE_QUERY_TIMEOUT_MS: wholeNumber(DEFAULT_QUERY_TIMEOUT_MS),
  CASES_DIR: text.transform((raw) => raw ?? "cases"),
  SESSION_SECRET: text.transform((raw) => raw ?? null),
  K_THRESHOLD: wholeNumber(5),
  TRUST_PROXY: text.transform((raw, ctx) => {
    try {
      return parseTrustProxy(raw);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }),
  LOG_LEVEL: text.transform((raw, ctx) => {
    if (raw === undefined) return "info";
    const level = LOG_LEVELS.find((name) => name === raw.toLowerCase());
    if (!level) ctx.addIssue({ code: "custom", message: `must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"` });
    return level ?? z.NEVER;
  }),
  // Long enough not to be guessed; visible ASCII so it survives an Authorization header unchanged.
  METRICS_TOKEN: text.transform((raw, ctx) => {
    if (raw === undefined) return null;
    const problem = raw.length < 16 ? "must be at least 16 characters long" : !/^[\x21-\x7e]+$/.test(raw) ? "must be visible ASCII characters without spaces" : null;
    if (problem) ctx.addIssue({ code: "custom", message: `${problem} (it was ${raw.length} characters); unset it to serve /metrics to loopback connections only` });
    return problem ? z.NEVER : raw;
  }),
  REDIS_URL: urlOf(/^rediss?:\/\//i, "must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379; unset it to run one process without Redis").transform((raw) => raw ?? null),
  REDIS_PREFIX: text.transform((raw) => raw ?? "casebook:"),
  SMTP_URL: urlOf(/^smtps?:\/\//i, "must be a URL starting with smtp:// or smtps://, like smtp://user:pass@mail.example.org:587"),
  SMTP_HOST: text,
  SMTP_PORT: wholeNumber(587, { max: 65535 }),
  SMTP_USER: text,
  SMTP_PASS: text,
  SMTP_SECURE: text.refine((raw) => raw === undefined || raw === "true" || raw === "false", 'must be "true" or "false"'),
  MAIL_FROM: text.refine((raw) => raw === undefined || raw.length >= 3, "must be an address like Casebook <casebook@example.org>"),
  PUBLIC_URL: urlOf(/^https?:\/\//i, "must be the site's address, starting with http:// or https://, like https://casebook.example.org"),
  NODE_ENV: text,
};

export type VariableName = keyof typeof variables;

/** The names of every environment variable the app reads. */
export const VARIABLE_NAMES = Object.keys(variables) as VariableName[];

const environmentSchema = z.object(variables);
type Environment = z.output<typeof environmentSchema>;

/** Settings that only make sense together: the mail variables. Reads which are set, so it reports even when a value is also wrong. */
function mailProblems(present: Partial<Record<VariableName, string>>): { name: VariableName; message: string }[] {
  const problems: { name: VariableName; message: string }[] = [];
  if (!present.SMTP_URL && !present.SMTP_HOST) {
    for (const name of ["SMTP_PORT", "SMTP_USER", "SMTP_PASS", "SMTP_SECURE"] as const) {
      if (present[name] !== undefined) problems.push({ name, message: "is set but SMTP_HOST is not; set SMTP_HOST (or SMTP_URL) to send mail" });
    }
    return problems;
  }
  if (present.SMTP_URL && present.SMTP_HOST) problems.push({ name: "SMTP_HOST", message: "Set either SMTP_URL or SMTP_HOST, not both" });
  if ((present.SMTP_USER === undefined) !== (present.SMTP_PASS === undefined)) problems.push({ name: present.SMTP_USER ? "SMTP_PASS" : "SMTP_USER", message: "SMTP_USER and SMTP_PASS go together" });
  if (!present.MAIL_FROM) problems.push({ name: "MAIL_FROM", message: "is required when SMTP is configured" });
  if (!present.PUBLIC_URL) problems.push({ name: "PUBLIC_URL", message: "is required when SMTP is configured (links in mail use it)" });
  return problems;
}

/** One line for one problem, naming the variable (messages that already name it are kept as they are). */
function problemLine(name: string, message: string): string {
  return new RegExp(`(^|[^A-Z_])${name}([^A-Z_]|$)`).test(message) ? message : `${name} ${message}`;
}

/** The configuration is wrong: `problems` holds one line per problem, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

function mailConfig(e: Environment): MailConfig | null {
  if (!e.SMTP_URL && !e.SMTP_HOST) return null;
  const transport = e.SMTP_URL ?? {
    host: e.SMTP_HOST!,
    port: e.SMTP_PORT,
    secure: e.SMTP_SECURE ? e.SMTP_SECURE === "true" : e.SMTP_PORT === 465,
    ...(e.SMTP_USER ? { auth: { user: e.SMTP_USER, pass: e.SMTP_PASS! } } : {}),
  };
  return { transport, from: e.MAIL_FROM!, publicUrl: e.PUBLIC_URL!.replace(/\/+$/, "") };
}

/** Parses `env` through the schema; throws a ConfigError listing every problem. */
function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const present: Partial<Record<VariableName, string>> = {};
  for (const name of VARIABLE_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== "") present[name] = value;
  }
  const parsed = environmentSchema.safeParse(present);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((issue) => ({ name: String(issue.path[0]), message: issue.message }))), ...mailProblems(present)];
  if (!parsed.success || problems.length > 0) {
    const order = (name: string) => VARIABLE_NAMES.indexOf(name as VariableName);
    throw new ConfigError(problems.sort((a, b) => order(a.name) - order(b.name)).map(({ name, message }) => problemLine(name, message)));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseQueryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS,
    casesDirectory: e.CASES_DIR,
    sessionSecret: e.SESSION_SECRET,
    kThreshold: e.K_THRESHOLD,
    production: e.NODE_ENV === "production",
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    mail: mailConfig(e),
  };
}

/** The last process.env read, by the variables' values: tests change them between cases, so the key is the values, not a flag. */
let cached: { key: string; config: AppConfig } | null = null;

/**
 * The configuration from `env` (process.env when omitted). Throws a ConfigError naming every
 * wrong variable. Reading process.env again is cheap: the result is kept until a variable changes.
 */
export function readConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  if (env !== process.env) return parseConfig(env);
  const key = VARIABLE_NAMES.map((name) => env[name] ?? "").join("\0");
  if (cached?.key !== key) cached = { key, config: parseConfig(env) };
  return cached.config;
}

/**
 * The configuration, or, when it is wrong, one plain line per problem on stderr (`<what>: <problem>`,
 * no stack trace) and exit code 1: for server.ts and the scripts, before they do anything else.
 */
export function readConfigOrExit(what = "Casebook cannot start"): AppConfig {
  try {
    return readConfig();
  } catch (error) {
    // Plain text on stderr, not a JSON line: it is for the person starting the process, and the
    // logger's own setting (LOG_LEVEL) may be what was refused.
    const problems = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
    for (const problem of problems) console.error(`${what}: ${problem}`);
    process.exit(1);
  }
}

/** What openDatabase() should open: the PostgreSQL URL when DATABASE_URL is set, else the SQLite file. */
export function databaseLocation(config: AppConfig = readConfig()): string {
  return config.databaseUrl ?? config.databasePath;
}

/** The database for logs and messages, with any password hidden. */
export function databaseLabel(config: AppConfig = readConfig()): string {
  return describeLocation(databaseLocation(config));
}
