/**
 * `npm run db:restore -- --from path`: puts a backup in place of the database at DATABASE_PATH.
 *
 * Refuses when the backup fails `PRAGMA integrity_check`, lacks the app's tables or migration
 * record, or was made by a newer version of the app (migrations this one does not know), and
 * while another process has the database open (a running server holds a shared lock on it for
 * as long as it is open; we ask SQLite for an exclusive one and give up at once if refused).
 *
 * Then: the backup is copied (through SQLite's backup API) to a temporary file beside the
 * database, checked again and flushed to disk; the current database is kept as
 * `<name>.before-restore-<UTC timestamp>` (with its write-ahead log folded in first); stale
 * `-wal`/`-shm` files are removed; and the copy is renamed into place in one atomic step.
 */
import SQLite from "better-sqlite3";
import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { readConfigOrExit } from "../app/platform/config.server";
import {
  errorMessage,
  fileSize,
  formatCounts,
  fsyncDirectoryOf,
  fsyncFile,
  humanSize,
  integrityProblems,
  MIGRATION_TABLE,
  migrationStatus,
  parseOptions,
  REQUIRED_TABLES,
  tableCounts,
  UsageError,
  userTables,
  utcStamp,
} from "./db-tools";

const USAGE = "Usage: npm run db:restore -- --from path/to/backup.sqlite   (replaces DATABASE_PATH, default data/casebook.sqlite)";

class Refusal extends Error {}

/** Everything that makes a file fit to restore; throws a Refusal naming what is wrong. */
function checkSource(source: SQLite.Database, path: string): { counts: { table: string; rows: number }[]; pending: string[] } {
  let problems: string[];
  try {
    problems = integrityProblems(source);
  } catch (error) {
    throw new Refusal(`${path} is not a readable SQLite database: ${errorMessage(error)}`);
  }
  if (problems.length > 0) throw new Refusal(`${path} failed PRAGMA integrity_check:\n  ${problems.join("\n  ")}`);
  const tables = userTables(source);
  const missing = REQUIRED_TABLES.filter((t) => !tables.includes(t));
  if (missing.length > 0) throw new Refusal(`${path} is not a Casebook database: it has no ${missing.join(", ")} table${missing.length > 1 ? "s" : ""}.`);
  const migrations = migrationStatus(source);
  if (!migrations || migrations.applied.length === 0) throw new Refusal(`${path} has no record of its migrations (${MIGRATION_TABLE}); it was not made by Casebook.`);
  if (migrations.unknown.length > 0) {
    throw new Refusal(`${path} was made by a newer version of Casebook (migrations ${migrations.unknown.join(", ")} are unknown here). Update the app first.`);
  }
  return { counts: tableCounts(source), pending: migrations.pending };
}

/**
 * Takes an exclusive lock on the current database, which SQLite grants only when no other
 * connection has it open, and closes it again. Closing as the only connection also folds the
 * write-ahead log into the file, so the file kept as the previous version is complete.
 */
function ensureNobodyUses(target: string): void {
  let db: SQLite.Database;
  try {
    db = new SQLite(target, { fileMustExist: true, timeout: 0 });
  } catch (error) {
    throw new Refusal(`Could not open the current database ${target}: ${errorMessage(error)}`);
  }
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    db.close();
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      throw new Refusal(`${target} is in use by another process (is the Casebook server running?). Stop it, then restore.`);
    }
    if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) return; // a damaged file is what a restore is for
    throw new Refusal(`Could not lock the current database ${target}: ${errorMessage(error)}`);
  }
  db.close();
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), ["from", "help"]);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (typeof options.from !== "string") throw new UsageError("Say which backup to restore with --from.");
  const config = readConfigOrExit("db:restore cannot run");
  if (config.databaseUrl) throw new Error("DATABASE_URL is set: this command restores the SQLite file at DATABASE_PATH only. For PostgreSQL use pg_dump / pg_restore.");
  const from = resolve(options.from);
  const target = resolve(config.databasePath);
  if (!existsSync(from) || !statSync(from).isFile()) throw new Refusal(`There is no backup file at ${from}.`);
  if (from === target) throw new Refusal("The backup is the database itself; nothing to restore.");

  mkdirSync(dirname(target), { recursive: true });

  // 1. The backup must be whole and a Casebook database this version can run.
  let source: SQLite.Database;
  try {
    source = new SQLite(from, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Refusal(`Could not open ${from}: ${errorMessage(error)}`);
  }
  const stamp = utcStamp();
  const temporary = join(dirname(target), `.${basename(target)}.restore-${process.pid}.tmp`);
  const removeTemporary = () => {
    for (const file of [temporary, `${temporary}-journal`, `${temporary}-wal`, `${temporary}-shm`]) rmSync(file, { force: true });
  };
  let checked: ReturnType<typeof checkSource>;
  try {
    checked = checkSource(source, from);

    // 2. Nobody may have the current database open while it is swapped.
    const targetExists = existsSync(target);
    if (targetExists) ensureNobodyUses(target);

    // 3. Copy beside the target (same file system, so the final rename is atomic), check, flush.
    await source.backup(temporary, { progress: () => 0x7fffffff });
  } catch (error) {
    source.close();
    removeTemporary();
    throw error;
  }
  source.close();

  let previous: string | null = null;
  try {
    const copy = new SQLite(temporary, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE"); // one self-contained file; the app turns WAL back on when it opens it
      const problems = integrityProblems(copy);
      if (problems.length > 0) throw new Error(`The copy of the backup failed integrity_check:\n  ${problems.join("\n  ")}`);
    } finally {
      copy.close();
    }
    fsyncFile(temporary);

    // 4. Keep the current database, then swap. The previous file is hard-linked, so the target
    //    path always names a whole database: the old one until the rename, the restored one after.
    if (existsSync(target)) {
      previous = `${target}.before-restore-${stamp}`;
      try {
        linkSync(target, previous);
      } catch {
        copyFileSync(target, previous);
        fsyncFile(previous);
      }
    }
    // A write-ahead log left beside the target belongs to the old file: keep it with the
    // previous copy, and never let the restored file start up with it.
    const wal = `${target}-wal`;
    if (existsSync(wal)) {
      if (previous && statSync(wal).size > 0) renameSync(wal, `${previous}-wal`);
      else rmSync(wal, { force: true });
    }
    rmSync(`${target}-shm`, { force: true });
    rmSync(`${target}-journal`, { force: true });
    renameSync(temporary, target);
    fsyncDirectoryOf(target);
  } catch (error) {
    removeTemporary();
    throw error;
  }

  console.log(`Restored ${from}`);
  console.log(`    into ${target} (${humanSize(fileSize(target))}, integrity_check ok)`);
  console.log(previous ? `The database it replaced is kept as ${previous}` : "There was no database there before.");
  if (checked.pending.length > 0) console.log(`The backup predates migrations ${checked.pending.join(", ")}; the app applies them when it starts.`);
  console.log("Rows per table:");
  console.log(formatCounts(checked.counts));
  console.log("Start the server again to serve the restored data.");
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof Refusal) {
    console.error(`Restore refused: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`Restore failed: ${errorMessage(error)}`);
    process.exitCode = 1;
  }
}
