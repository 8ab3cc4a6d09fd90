/**
 * Copies a Casebook database into an empty one, usually SQLite → PostgreSQL:
 *   npm run db:copy -- --from data/casebook.sqlite --to "$DATABASE_URL" [--force]
 * Everything but the short-lived tables of NOT_COPIED (sessions, password-reset links,
 * rate-limit counters, idempotency keys), ids kept, a progress line per table, then
 * row counts and a checksum per table compared on both sides. Every column of a table is copied
 * and checked (result_releases.argument_scores, the released bridging scores, included), so a new
 * column needs no change here; a new table goes in TABLES or NOT_COPIED, and the copy refuses to
 * start while a table of the schema is in neither.
 */
import { sql, type Kysely } from "kysely";
import { migrateToLatest, openDatabase } from "../db/client";
import { tableChecksum } from "../app/domain/table-checksum";

/** In foreign-key order, with each table's primary key (for ordering and checksums). */
const TABLES: { name: string; key: string[]; identity: boolean }[] = [
  { name: "users", key: ["id"], identity: true },
  { name: "app_settings", key: ["key"], identity: false },
  { name: "cases", key: ["id"], identity: true },
  { name: "case_versions", key: ["id"], identity: true },
  { name: "case_tags", key: ["case_id", "tag"], identity: false },
  { name: "case_file_problems", key: ["id"], identity: true },
  { name: "audit_log", key: ["id"], identity: true },
  { name: "arguments", key: ["id"], identity: true },
  { name: "endorsements", key: ["argument_id", "user_id"], identity: false },
  { name: "positions", key: ["id"], identity: true },
  { name: "empathy_gaps", key: ["case_id", "user_id"], identity: false },
  { name: "result_releases", key: ["case_id"], identity: false },
  { name: "released_positions", key: ["case_id", "user_id", "perspective"], identity: false },
  { name: "release_records", key: ["case_id", "user_id", "perspective", "from_release"], identity: false },
  { name: "steelmen", key: ["id"], identity: true },
  { name: "steelman_ratings", key: ["steelman_id", "user_id"], identity: false },
  { name: "steelman_releases", key: ["case_id"], identity: false },
  { name: "workshops", key: ["id"], identity: true },
  { name: "workshop_participants", key: ["id"], identity: true },
  { name: "workshop_presence", key: ["workshop_id", "role"], identity: false },
  { name: "workshop_submissions", key: ["id"], identity: true },
  { name: "workshop_votes", key: ["id"], identity: true },
  { name: "workshop_upvotes", key: ["submission_id", "participant_id"], identity: false },
  { name: "role_play_texts", key: ["id"], identity: true },
  { name: "role_play_ratings", key: ["text_id", "participant_id"], identity: false },
];

const BATCH = 500;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const isPostgres = (location: string) => /^postgres(ql)?:\/\//.test(location);

/** Tables deliberately left behind, with what that costs after the copy (README, "Moving up from SQLite"). */
const NOT_COPIED: Record<string, string> = {
  sessions: "everyone signs in again",
  password_resets: "a reset link sent before the copy must be asked for again",
  rate_limits: "rate-limit counters start from zero",
  idempotency_keys: "a form repeated across the copy is taken as a new one (ADR 016 keeps keys a day)",
};

async function rowsOf(db: Kysely<any>, table: string, key: string[], offset: number, limit: number): Promise<Record<string, unknown>[]> {
  let query = db.selectFrom(table).selectAll();
  for (const column of key) query = query.orderBy(column);
  return query.limit(limit).offset(offset).execute() as Promise<Record<string, unknown>[]>;
}

async function countOf(db: Kysely<any>, table: string): Promise<number> {
  const row = (await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow()) as { n: unknown };
  return Number(row.n);
}

async function checksumOf(db: Kysely<any>, table: string, key: string[], columns: string[]): Promise<string> {
  const rows: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 5000) {
    const page = await rowsOf(db, table, key, offset, 5000);
    rows.push(...page);
    if (page.length < 5000) break;
  }
  return tableChecksum(rows, columns);
}

async function main(): Promise<number> {
  const from = argument("--from");
  const to = argument("--to");
  const force = process.argv.includes("--force");
  if (!from || !to) {
    console.error('Usage: npm run db:copy -- --from data/casebook.sqlite --to "postgres://user@host/db" [--force]');
    return 2;
  }
  const source = openDatabase(from) as unknown as Kysely<any>;
  const target = openDatabase(to) as unknown as Kysely<any>;
  try {
    await migrateToLatest(source as never);
    await migrateToLatest(target as never);
    // A table added by a migration must be placed on purpose, or it would be lost without a word.
    const unplaced = (await source.introspection.getTables()).map((t) => t.name).filter((name) => !TABLES.some((t) => t.name === name) && !(name in NOT_COPIED));
    if (unplaced.length > 0) {
      console.error(`db:copy does not know what to do with ${unplaced.join(", ")}: add each to TABLES (copied) or NOT_COPIED (left behind, with why) in scripts/db-copy.ts.`);
      return 1;
    }
    const existing = (await Promise.all(TABLES.map((t) => countOf(target, t.name)))).reduce((a, b) => a + b, 0);
    if (existing > 0 && !force) {
      console.error(`The target already holds ${existing} rows. Copy into an empty database, or add --force to replace its contents.`);
      return 1;
    }
    if (existing > 0) {
      for (const table of [...TABLES].reverse()) await target.deleteFrom(table.name).execute();
      console.log("--force: emptied the target first.");
    }

    for (const table of TABLES) {
      const total = await countOf(source, table.name);
      let copied = 0;
      await target.transaction().execute(async (trx) => {
        for (let offset = 0; offset < total; offset += BATCH) {
          const rows = await rowsOf(source, table.name, table.key, offset, BATCH);
          if (rows.length === 0) break;
          await trx.insertInto(table.name).values(rows).execute();
          copied += rows.length;
        }
        // Ids were copied as they were; the next id the target hands out must follow them.
        if (table.identity && isPostgres(to)) {
          await sql`select setval(pg_get_serial_sequence(${table.name}, 'id'), coalesce((select max(id) from ${sql.table(table.name)}), 0) + 1, false)`.execute(trx);
        }
      });
      console.log(`${table.name.padEnd(22)} ${String(copied).padStart(9)} rows`);
    }

    let mismatches = 0;
    for (const table of TABLES) {
      const [sourceCount, targetCount] = await Promise.all([countOf(source, table.name), countOf(target, table.name)]);
      const sample = (await rowsOf(source, table.name, table.key, 0, 1))[0];
      const columns = sample ? Object.keys(sample).sort() : [];
      const [a, b] = await Promise.all([checksumOf(source, table.name, table.key, columns), checksumOf(target, table.name, table.key, columns)]);
      const ok = sourceCount === targetCount && a === b;
      if (!ok) mismatches += 1;
      console.log(`verify ${table.name.padEnd(22)} ${ok ? "ok" : "MISMATCH"}  rows ${sourceCount} → ${targetCount}  checksum ${a.slice(0, 12)}${a === b ? "" : ` ≠ ${b.slice(0, 12)}`}`);
    }
    if (mismatches > 0) {
      console.error(`${mismatches} tables differ after the copy.`);
      return 1;
    }
    console.log("Copied and verified. Sessions were not copied: everyone signs in again.");
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await source.destroy();
    await target.destroy();
  }
}

process.exitCode = await main();
