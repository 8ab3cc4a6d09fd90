/**
 * The results-page loader at scale on PostgreSQL, beside the SQLite figures: a temporary
 * database seeded in SQL (generate_series), the same model code timed as on SQLite. Skipped,
 * with one line, when PostgreSQL cannot be reached.
 */
import pg from "pg";
import { createPostgresDatabase } from "../integration/test-database";
import { servicesMissing } from "../scale/services";
import { NEWCOMERS, timeLoader } from "./results-loader";

export interface PgTiming {
  positions: number;
  /** Per run: one loader call right after NEWCOMERS more people answered, in ms (as on SQLite). */
  readAfterNewcomersMs: number[];
  /** Per run: from that call until a plan covering the newcomers is stored, in ms. */
  releaseLandsMs: number[];
  /** Per run: the loader's median of seven, in ms. */
  loaderMs: number[];
}

/** Seeds about `positions` positions once, then times the loader `runs` times; a string says why it was skipped. */
export async function benchResultsLoaderPostgres(positions: number, runs = 3): Promise<PgTiming | string> {
  const missing = await servicesMissing({ redis: false });
  if (missing) return `skipped: cannot reach ${missing}`;
  const database = await createPostgresDatabase("bench");
  const url = database.url;
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  (globalThis as { __casebook?: Map<string, unknown> }).__casebook?.clear();
  try {
    const { db } = await import("../../app/platform/db.server");
    const { migrateToLatest } = await import("../../db/client");
    const { importCaseFiles, findCaseBySlug } = await import("../../app/models/cases.server");
    const { readCaseFiles } = await import("../../app/cases/files.server");
    const { loadCaseResults } = await import("../../app/cases/results.server");
    await migrateToLatest(db());
    await importCaseFiles(db(), readCaseFiles("cases"));
    const found = (await findCaseBySlug(db(), "background-check"))!;
    const texts = Object.fromEntries(found.doc.perspectives.map((p) => [p.key, p.options.map((o) => o.text)]));
    const ids = Object.fromEntries(found.doc.perspectives.map((p) => [p.key, p.options.map((o) => o.id)]));
    const people = Math.round(positions / 2);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    /** Adds `count` people answering both perspectives (user ids from `firstId`), all in SQL. */
    const addPeople = async (firstId: number, count: number) => {
      await client.query(
        `insert into users (email, display_name, password_hash, role, standing, created_at, updated_at)
         select 'bench' || g || '@casebook.test', 'Bench ' || g, 'x', 'participant',
                (array['frontline','manager','hr','other',null])[1 + g % 5], now()::text, now()::text
         from generate_series($1::int, $2::int) g`,
        [firstId, firstId + count - 1],
      );
      await client.query(
        `insert into positions (case_id, case_version_id, user_id, perspective, option, option_id, judgement, legal, confidence, standing,
            moved_by_argument_id, initial_option, initial_option_id, initial_judgement, judgement_change, option_changed, is_current, created_at)
         select $1::int, $2::int, u.id, p.key,
                (case p.key when 'employee' then $3::text[] else $4::text[] end)[1 + (u.id * 7 + p.n) % 4],
                (case p.key when 'employee' then $5::text[] else $6::text[] end)[1 + (u.id * 7 + p.n) % 4],
                (u.id * 3 + p.n) % 7 - 3, (array['yes','no','unsure'])[1 + u.id % 3], 'medium', u.standing,
                null, (case p.key when 'employee' then $3::text[] else $4::text[] end)[1],
                (case p.key when 'employee' then $5::text[] else $6::text[] end)[1], 0, (u.id * 3 + p.n) % 7 - 3,
                case when (u.id * 7 + p.n) % 4 = 0 then 0 else 1 end, 1, now()::text
         from users u cross join (values ('employee', 1), ('employer', 2)) as p(key, n)
         -- An anti-join, not NOT IN (subquery): planned as a per-row subplan, NOT IN scanned the table this statement fills once per person (over 18 minutes at a million positions).
         where u.email like 'bench%' and not exists (select 1 from positions q where q.user_id = u.id and q.case_id = $1::int)`,
        [found.id, found.versionId, texts.employee, texts.employer, ids.employee, ids.employer],
      );
    };
    try {
      await addPeople(1, people);
      await client.query(
        `insert into empathy_gaps (case_id, user_id, standing, employee_judgement, employer_judgement, gap, updated_at)
         select e.case_id, e.user_id, e.standing, e.judgement, r.judgement, e.judgement - r.judgement, now()::text
         from positions e join positions r on r.user_id = e.user_id and r.case_id = e.case_id and r.perspective = 'employer'
         where e.case_id = $1 and e.perspective = 'employee'`,
        [found.id],
      );
      await client.query("analyze");

      // The first release (not timed), then per run: newcomers, the page right after them, the
      // release that takes them, and reads of it.
      await loadCaseResults(found);
      const readAfterNewcomersMs: number[] = [];
      const releaseLandsMs: number[] = [];
      const loaderMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        await addPeople(people + 1 + run * NEWCOMERS, NEWCOMERS);
        const newest = Number((await client.query("select max(id) as id from positions where case_id = $1", [found.id])).rows[0].id);
        const started = performance.now();
        await loadCaseResults(found);
        readAfterNewcomersMs.push(performance.now() - started);
        for (;;) {
          const { rows } = await client.query("select through_position_id as through from result_releases where case_id = $1", [found.id]);
          if (Number(rows[0]?.through ?? 0) >= newest) break;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        releaseLandsMs.push(performance.now() - started);
        loaderMs.push((await timeLoader(() => loadCaseResults(found))).medianMs);
      }
      await db().destroy();
      return { positions: people * 2 + runs * NEWCOMERS * 2, readAfterNewcomersMs, releaseLandsMs, loaderMs };
    } finally {
      await client.end();
    }
  } finally {
    (globalThis as { __casebook?: Map<string, unknown> }).__casebook?.clear();
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
    await database.drop();
  }
}
