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
