import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./domain/trust-proxy";
import { DEFAULT_DATABASE_PATH, DEFAULT_POOL_SIZE, DEFAULT_QUERY_TIMEOUT_MS, describeLocation, isPostgresUrl } from "../db/client";

/** Everything the app reads from the environment, in one place, with its default. */
export interface AppConfig {
  port: number;
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
  /** The least severe log level written, from LOG_LEVEL (default "info"); see app/log.server.ts. */
  logLevel: LogLevel;
  /** From METRICS_TOKEN: when set, /metrics answers anyone sending it as a Bearer token; when null, only loopback connections (ADR 022). */
  metricsToken: string | null;
}

/** pino's levels, most severe last; "silent" writes nothing. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const logLevelSchema = z.enum(LOG_LEVELS);
/** Long enough not to be guessed; visible ASCII so it survives an Authorization header unchanged. */
const metricsTokenSchema = z
  .string()
  .min(16, "must be at least 16 characters long")
  .regex(/^[\x21-\x7e]+$/, "must be visible ASCII characters without spaces");

/** LOG_LEVEL, checked: one of LOG_LEVELS, "info" when unset. Throws naming the variable. */
export function readLogLevel(raw = process.env.LOG_LEVEL): LogLevel {
  if (raw === undefined || raw === "") return "info";
  const parsed = logLevelSchema.safeParse(raw.toLowerCase());
  if (!parsed.success) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${raw}"`);
  return parsed.data;
}

/** METRICS_TOKEN, checked (at least 16 visible ASCII characters), or null when unset. Throws naming the variable, never echoing the value. */
export function readMetricsToken(raw = process.env.METRICS_TOKEN): string | null {
  if (raw === undefined || raw === "") return null;
  const parsed = metricsTokenSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`METRICS_TOKEN ${parsed.error.issues[0]!.message} (it was ${raw.length} characters); unset it to serve /metrics to loopback connections only`);
  return parsed.data;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function databaseUrl(): string | null {
  const raw = process.env.DATABASE_URL;
  if (raw === undefined || raw === "") return null;
  if (!isPostgresUrl(raw)) {
    throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL, got "${describeLocation(raw)}"; unset it to use the SQLite file at DATABASE_PATH`);
  }
  return raw;
}

export function readConfig(): AppConfig {
  return {
    port: positiveInteger("PORT", 3000),
    databasePath: process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH,
    databaseUrl: databaseUrl(),
    databasePoolSize: positiveInteger("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE),
    databaseQueryTimeoutMs: positiveInteger("DATABASE_QUERY_TIMEOUT_MS", DEFAULT_QUERY_TIMEOUT_MS),
    casesDirectory: process.env.CASES_DIR || "cases",
    sessionSecret: process.env.SESSION_SECRET || null,
    kThreshold: positiveInteger("K_THRESHOLD", 5),
    production: process.env.NODE_ENV === "production",
    trustProxy: parseTrustProxy(process.env.TRUST_PROXY),
    logLevel: readLogLevel(),
    metricsToken: readMetricsToken(),
  };
}

/** What openDatabase() should open: the PostgreSQL URL when DATABASE_URL is set, else the SQLite file. */
export function databaseLocation(config: AppConfig = readConfig()): string {
  return config.databaseUrl ?? config.databasePath;
}

/** The database for logs and messages, with any password hidden. */
export function databaseLabel(config: AppConfig = readConfig()): string {
  return describeLocation(databaseLocation(config));
}

/** How the app sends mail (password reset links); null when SMTP is not configured. */
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

const mailEnvironment = z
  .object({
    SMTP_URL: z.string().url("SMTP_URL must be a URL like smtp://user:pass@mail.example.org:587").refine((v) => /^smtps?:\/\//.test(v), "SMTP_URL must start with smtp:// or smtps://").optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number({ invalid_type_error: "SMTP_PORT must be a port number" }).int("SMTP_PORT must be a whole number").min(1, "SMTP_PORT must be 1–65535").max(65535, "SMTP_PORT must be 1–65535").optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASS: z.string().min(1).optional(),
    SMTP_SECURE: z.enum(["true", "false"], { errorMap: () => ({ message: 'SMTP_SECURE must be "true" or "false"' }) }).optional(),
    MAIL_FROM: z.string().min(3, "MAIL_FROM must be an address like Casebook <casebook@example.org>").optional(),
    PUBLIC_URL: z.string().url("PUBLIC_URL must be the site's address, like https://casebook.example.org").refine((v) => /^https?:\/\//.test(v), "PUBLIC_URL must start with http:// or https://").optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.SMTP_URL && !env.SMTP_HOST) {
      for (const name of ["SMTP_PORT", "SMTP_USER", "SMTP_PASS", "SMTP_SECURE"] as const) {
        if (env[name] !== undefined) ctx.addIssue({ code: "custom", path: [name], message: `${name} is set but SMTP_HOST is not; set SMTP_HOST (or SMTP_URL) to send mail` });
      }
      return;
    }
    if (env.SMTP_URL && env.SMTP_HOST) ctx.addIssue({ code: "custom", path: ["SMTP_HOST"], message: "Set either SMTP_URL or SMTP_HOST, not both" });
    if ((env.SMTP_USER === undefined) !== (env.SMTP_PASS === undefined)) ctx.addIssue({ code: "custom", path: [env.SMTP_USER ? "SMTP_PASS" : "SMTP_USER"], message: "SMTP_USER and SMTP_PASS go together" });
    if (!env.MAIL_FROM) ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "MAIL_FROM is required when SMTP is configured" });
    if (!env.PUBLIC_URL) ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "PUBLIC_URL is required when SMTP is configured (links in mail use it)" });
  });

/**
 * The mail settings from the environment (SMTP_URL, or SMTP_HOST with SMTP_PORT, SMTP_USER,
 * SMTP_PASS, SMTP_SECURE; MAIL_FROM and PUBLIC_URL), or null when neither SMTP_URL nor SMTP_HOST
 * is set. Empty variables count as unset. Throws an Error naming each variable that is wrong.
 */
export function readMailConfig(env: Record<string, string | undefined> = process.env): MailConfig | null {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = mailEnvironment.safeParse(present);
  if (!parsed.success) {
    throw new Error(`Mail configuration: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  }
  const e = parsed.data;
  if (!e.SMTP_URL && !e.SMTP_HOST) return null;
  const port = e.SMTP_PORT ?? 587;
  const transport = e.SMTP_URL ?? {
    host: e.SMTP_HOST!,
    port,
    secure: e.SMTP_SECURE ? e.SMTP_SECURE === "true" : port === 465,
    ...(e.SMTP_USER ? { auth: { user: e.SMTP_USER, pass: e.SMTP_PASS! } } : {}),
  };
  return { transport, from: e.MAIL_FROM!, publicUrl: e.PUBLIC_URL!.replace(/\/+$/, "") };
}
