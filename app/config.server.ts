import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./domain/trust-proxy";
import { DEFAULT_DATABASE_PATH, DEFAULT_POOL_SIZE, describeLocation, isPostgresUrl } from "../db/client";

/** Everything the app reads from the environment, in one place, with its default. */
export interface AppConfig {
  port: number;
  /** SQLite file, used when databaseUrl is null. */
  databasePath: string;
  /** PostgreSQL connection URL (postgres://…) from DATABASE_URL; null means SQLite. */
  databaseUrl: string | null;
  /** Most PostgreSQL connections this process opens. */
  databasePoolSize: number;
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
