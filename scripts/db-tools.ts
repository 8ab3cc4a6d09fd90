/**
 * Shared by `npm run db:backup` and `npm run db:restore`: checks on an SQLite file, row counts,
 * and the small file-system steps (fsync, timestamps) that make a copy safe to rely on.
 */
import type SQLite from "better-sqlite3";
import { closeSync, fsyncSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { migrations } from "../db/migrations/index";

/** Tables the app cannot run without; a restore source missing any of them is refused. */
export const REQUIRED_TABLES = [
  "users",
  "sessions",
  "app_settings",
  "cases",
  "case_versions",
  "positions",
  "empathy_gaps",
  "arguments",
  "endorsements",
  "workshops",
  "workshop_participants",
  "workshop_votes",
] as const;

export const MIGRATION_TABLE = "kysely_migration";

/** `--name value` and `--name=value` options, plus bare `--flag`s. */
export function parseOptions(argv: string[], known: string[]): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !known.includes(match[1]!)) throw new UsageError(`Unknown argument "${arg}".`);
    if (match[2] !== undefined) options[match[1]!] = match[2];
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--")) options[match[1]!] = argv[++i]!;
    else options[match[1]!] = true;
  }
  return options;
}

export class UsageError extends Error {}

/** 20261123T142000Z: UTC, sortable, safe in file names everywhere. */
export function utcStamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

/** Flushes a file's contents to disk. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes the entries of the folder holding `path` (a rename is durable only once its folder is synced). */
export function fsyncDirectoryOf(path: string): void {
  let fd: number;
  try {
    fd = openSync(dirname(path), "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on folders; the rename itself has still happened.
  } finally {
    closeSync(fd);
  }
}

/** `PRAGMA integrity_check`: an empty list means "ok". */
export function integrityProblems(db: SQLite.Database, limit = 20): string[] {
  const rows = db.prepare(`pragma integrity_check(${limit})`).all() as { integrity_check: string }[];
  const messages = rows.map((r) => r.integrity_check);
  return messages.length === 1 && messages[0] === "ok" ? [] : messages;
}

/** Rows violating a foreign key, as "table rowid → parent" lines. */
export function foreignKeyProblems(db: SQLite.Database, limit = 20): string[] {
  const rows = db.prepare("pragma foreign_key_check").all() as { table: string; rowid: number; parent: string }[];
  return rows.slice(0, limit).map((r) => `${r.table} row ${r.rowid} → missing ${r.parent}`);
}

export function userTables(db: SQLite.Database): string[] {
  const rows = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[];
  return rows.map((r) => r.name);
}

/** Row counts of the app's tables (the migration bookkeeping tables left out). */
export function tableCounts(db: SQLite.Database): { table: string; rows: number }[] {
  return userTables(db)
    .filter((name) => !name.startsWith("kysely_"))
    .map((table) => ({ table, rows: (db.prepare(`select count(*) as n from "${table.replace(/"/g, '""')}"`).get() as { n: number }).n }));
}

export function formatCounts(counts: { table: string; rows: number }[]): string {
  const width = Math.max(...counts.map((c) => c.table.length), 5);
  return counts.map((c) => `  ${c.table.padEnd(width)}  ${String(c.rows).padStart(8)}`).join("\n");
}

export interface MigrationStatus {
  applied: string[];
  /** Known to this version of the app but not applied in the file: the app applies them at start-up. */
  pending: string[];
  /** Applied in the file but unknown here: the file comes from a newer version of the app. */
  unknown: string[];
}

export function migrationStatus(db: SQLite.Database): MigrationStatus | null {
  if (!userTables(db).includes(MIGRATION_TABLE)) return null;
  const applied = (db.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map((r) => r.name);
  const known = Object.keys(migrations);
  return { applied, pending: known.filter((m) => !applied.includes(m)), unknown: applied.filter((m) => !known.includes(m)) };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
