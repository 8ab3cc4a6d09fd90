import { DEFAULT_DATABASE_PATH } from "../db/client";

/** Everything the app reads from the environment, in one place, with its default. */
export interface AppConfig {
  port: number;
  databasePath: string;
  casesDirectory: string;
  /** Overrides the generated secret stored in the database; useful when several servers share one. */
  sessionSecret: string | null;
  /** Smallest group shown in any breakdown. */
  kThreshold: number;
  production: boolean;
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

export function readConfig(): AppConfig {
  return {
    port: positiveInteger("PORT", 3000),
    databasePath: process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH,
    casesDirectory: process.env.CASES_DIR || "cases",
    sessionSecret: process.env.SESSION_SECRET || null,
    kThreshold: positiveInteger("K_THRESHOLD", 5),
    production: process.env.NODE_ENV === "production",
  };
}
