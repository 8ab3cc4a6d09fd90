/**
 * `npm run db:backup [-- --to path]`: a consistent copy of the live database, safe while the app
 * serves traffic. It uses SQLite's online backup API, copying every page in one step, so the copy
 * is one snapshot (one read transaction; in WAL mode the app's writes carry on meanwhile).
 * The copy is written beside its destination, checked with `PRAGMA integrity_check`, switched to
 * a single self-contained file (journal_mode DELETE), flushed to disk, then renamed into place:
 * a failed backup never leaves a file under the final name.
 */
import SQLite from "better-sqlite3";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { readConfigOrExit } from "../app/platform/config.server";
import { errorMessage, fileSize, foreignKeyProblems, formatCounts, fsyncDirectoryOf, fsyncFile, humanSize, integrityProblems, parseOptions, tableCounts, UsageError, utcStamp } from "./db-tools";

const USAGE = "Usage: npm run db:backup [-- --to path/to/copy.sqlite]   (reads DATABASE_PATH, default data/casebook.sqlite)";

function defaultDestination(source: string): string {
  const stem = basename(source, extname(source)) || "casebook";
  const folder = join(dirname(source), "backups");
  const stamp = utcStamp();
  let candidate = join(folder, `${stem}-${stamp}.sqlite`);
  for (let n = 2; existsSync(candidate); n += 1) candidate = join(folder, `${stem}-${stamp}-${n}.sqlite`);
  return candidate;
}

function removeQuietly(path: string): void {
  for (const file of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), ["to", "help"]);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.to === true) throw new UsageError("--to needs a path.");
  const config = readConfigOrExit("db:backup cannot run");
  if (config.databaseUrl) throw new Error("DATABASE_URL is set: this command backs up the SQLite file at DATABASE_PATH only. For PostgreSQL use pg_dump / pg_restore.");
  const source = resolve(config.databasePath);
  if (!existsSync(source)) throw new Error(`There is no database at ${source}. Check DATABASE_PATH.`);
  const destination = resolve(typeof options.to === "string" ? options.to : defaultDestination(source));
  if (destination === source) throw new Error("The backup cannot be written over the database it copies.");
  if (existsSync(destination)) throw new Error(`${destination} already exists; choose another --to path (backups never overwrite).`);
  mkdirSync(dirname(destination), { recursive: true });

  const partial = `${destination}.partial-${process.pid}`;
  const started = Date.now();
  try {
    const live = new SQLite(source, { fileMustExist: true, timeout: 5_000 });
    try {
      live.prepare("select count(*) from sqlite_master").get(); // fails fast on a file that is not a database
      // After the first (empty) step, copy every remaining page in a single step: one snapshot.
      await live.backup(partial, { progress: () => 0x7fffffff });
    } finally {
      live.close();
    }

    const copy = new SQLite(partial, { fileMustExist: true });
    let counts: { table: string; rows: number }[];
    let foreignKeys: string[];
    try {
      // The copy keeps the source's WAL flag; a backup should be one self-contained file.
      copy.pragma("journal_mode = DELETE");
      const problems = integrityProblems(copy);
      if (problems.length > 0) {
        throw new Error(`The copy failed PRAGMA integrity_check, so it was not kept:\n  ${problems.join("\n  ")}\nCheck the live database with: sqlite3 ${source} "pragma integrity_check"`);
      }
      foreignKeys = foreignKeyProblems(copy);
      counts = tableCounts(copy);
    } finally {
      copy.close();
    }
    fsyncFile(partial);
    renameSync(partial, destination);
    fsyncDirectoryOf(destination);

    console.log(`Backed up ${source}`);
    console.log(`       to ${destination}`);
    console.log(`     size ${humanSize(fileSize(destination))} (${fileSize(destination)} bytes), ${Date.now() - started} ms, integrity_check ok`);
    if (foreignKeys.length > 0) console.warn(`  warning: the database (and so the copy) has rows whose foreign keys point nowhere:\n  ${foreignKeys.join("\n  ")}`);
    console.log("Rows per table:");
    console.log(formatCounts(counts));
  } catch (error) {
    removeQuietly(partial);
    throw error;
  }
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`Backup failed: ${errorMessage(error)}`);
    process.exitCode = 1;
  }
}
