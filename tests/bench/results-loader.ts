/**
 * Results-page loader time as the number of positions on one case grows. Seeds a temporary
 * SQLite file directly (people answering both perspectives, 10% having changed their mind),
 * then times the same work the results loader does, and beside it the limit: one raw `GROUP BY`
 * (better-sqlite3, a prepared statement, no query builder) over the released positions the
 * loader's release reads, grouped as `releasedResultRows` groups them. That is the floor for
 * aggregating those positions on this machine; a loader below it is serving a stored release.
 */
import type { CaseOption } from "../../app/domain/option-identity";
import SQLite from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface ResultsTiming {
  positions: number;
  /**
   * Per run: one loader call right after NEWCOMERS more people answered, in ms. On a small case it
   * plans and stores a release first; on a large one it waits for the plan at most READER_WAIT_MS.
   */
  readAfterNewcomersMs: number[];
  /** Per run: from that call until a plan covering the newcomers is stored, in ms. */
  releaseLandsMs: number[];
  /** Per run: the loader's median of seven, in ms (it reads the stored release). */
  loaderMs: number[];
  /** Per run, measured right after the loader's: the raw GROUP BY's median of seven, in ms. */
  rawGroupByMs: number[];
  /** Rows the raw GROUP BY returns (0 would make it no limit at all). */
  rawGroups: number;
}

/** The released positions of a case grouped as `releasedResultRows` groups them, as plain SQL. */
const RAW_GROUP_BY = `
  select p.perspective, p.standing, p.option_id, p.judgement, p.legal, p.case_version_id, p.judgement_change, p.option_changed, count(*) as count
  from released_positions r join positions p on p.id = r.position_id
  where r.case_id = ?
  group by p.perspective, p.standing, p.option_id, p.judgement, p.legal, p.case_version_id, p.judgement_change, p.option_changed`;

/**
 * Times `load` after one warm-up run (page cache, statement cache): up to `samples` runs, fewer
 * once `budgetMs` is spent (at least one), so a read of a few milliseconds is the median of 21
 * (seven left its millisecond jitter in the ratios) and a GROUP BY over ten million positions is
 * not run 24 times.
 *
 * @returns the median and the slowest run, in ms, and how many runs were timed
 */
export async function timeLoader(load: () => Promise<unknown>, options: { samples?: number; budgetMs?: number } = {}): Promise<{ medianMs: number; slowestMs: number; runs: number }> {
  const { samples: wanted = 21, budgetMs = 5_000 } = options;
  await load();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < wanted && (samples.length === 0 || performance.now() - started < budgetMs)) {
    const at = performance.now();
    await load();
    samples.push(performance.now() - at);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor((samples.length - 1) / 2)]!, slowestMs: samples.at(-1)!, runs: samples.length };
}

/** People who answer between two runs, so each run's first read makes a new release. */
export const NEWCOMERS = 20;

const STANDINGS = ["frontline", "manager", "hr", "other", null] as const;
const LEGAL = ["yes", "no", "unsure"] as const;

/** Adds `people` people on the case, each answering both perspectives; returns the positions written. */
export function seed(path: string, caseId: number, versionId: number, people: number, options: { employee: CaseOption[]; employer: CaseOption[] }): number {
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const now = new Date().toISOString();
  const insertUser = sqlite.prepare("insert into users (email, display_name, password_hash, role, standing, created_at, updated_at) values (?, ?, 'x', 'participant', ?, ?, ?)");
  const insertPosition = sqlite.prepare(
    `insert into positions (case_id, case_version_id, user_id, perspective, option, option_id, judgement, legal, confidence, standing,
       moved_by_argument_id, initial_option, initial_option_id, initial_judgement, judgement_change, option_changed, is_current, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'medium', ?, null, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertGap = sqlite.prepare("insert into empathy_gaps (case_id, user_id, standing, employee_judgement, employer_judgement, gap, updated_at) values (?, ?, ?, ?, ?, ?, ?)");
  let positions = 0;
  let random = 12345;
  // A small deterministic generator, so every run seeds the same data.
  const next = (n: number) => {
    random = (random * 1103515245 + 12345) % 2147483648;
    return random % n;
  };
  const firstUser = (sqlite.prepare("select coalesce(max(id), 0) + 1 as id from users").get() as { id: number }).id;
  sqlite.transaction(() => {
    for (let i = 0; i < people; i += 1) {
      const standing = STANDINGS[next(STANDINGS.length)]!;
      insertUser.run(`bench${firstUser + i}@casebook.test`, `Bench ${i}`, standing, now, now);
      const userId = firstUser + i;
      const judgements: number[] = [];
      for (const perspective of ["employee", "employer"] as const) {
        const list = options[perspective];
        const option = list[next(list.length)]!;
        const judgement = next(7) - 3;
        if (i % 10 === 0) {
          // This person changed their mind once: an old row, then the current one.
          insertPosition.run(caseId, versionId, userId, perspective, list[0]!.text, list[0]!.id, -judgement, LEGAL[next(3)]!, standing, list[0]!.text, list[0]!.id, -judgement, 0, 0, 0, now);
          insertPosition.run(
            caseId,
            versionId,
            userId,
            perspective,
            option.text,
            option.id,
            judgement,
            LEGAL[next(3)]!,
            standing,
            list[0]!.text,
            list[0]!.id,
            -judgement,
            2 * judgement,
            option === list[0] ? 0 : 1,
            1,
            now,
          );
          positions += 2;
        } else {
          insertPosition.run(caseId, versionId, userId, perspective, option.text, option.id, judgement, LEGAL[next(3)]!, standing, option.text, option.id, judgement, 0, 0, 1, now);
          positions += 1;
        }
        judgements.push(judgement);
      }
      insertGap.run(caseId, userId, standing, judgements[0], judgements[1], judgements[0]! - judgements[1]!, now);
    }
  })();
  sqlite.pragma("optimize");
  sqlite.close();
  return positions;
}

/**
 * For each size (positions, approximately): seeds once and makes the first release (one loader
 * call, not timed); then per run adds NEWCOMERS people and times the first loader call after
 * them, the time until the release taking them is stored, the loader reading that release, and
 * the raw GROUP BY over it.
 */
export async function benchResultsLoader(sizes: number[], runs = 3): Promise<ResultsTiming[]> {
  const timings: ResultsTiming[] = [];
  for (const target of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "casebook-bench-"));
    process.env.DATABASE_PATH = join(dir, "casebook.sqlite");
    (globalThis as { __casebook?: Map<string, unknown> }).__casebook?.clear();
    const { db } = await import("../../app/platform/db.server");
    const { migrateToLatest } = await import("../../db/client");
    const { importCaseFiles, findCaseBySlug } = await import("../../app/models/cases.server");
    const { readCaseFiles } = await import("../../app/cases/files.server");
    const { loadCaseResults } = await import("../../app/cases/results.server");
    await migrateToLatest(db());
    await importCaseFiles(db(), readCaseFiles("cases"));
    const found = (await findCaseBySlug(db(), "background-check"))!;
    const options = Object.fromEntries(found.doc.perspectives.map((p) => [p.key, p.options])) as { employee: CaseOption[]; employer: CaseOption[] };
    // Each person contributes 2.2 positions on average (10% changed their mind once per perspective).
    const positions = seed(process.env.DATABASE_PATH, found.id, found.versionId, Math.round(target / 2.2), options);

    await loadCaseResults(found);
    const readAfterNewcomersMs: number[] = [];
    const releaseLandsMs: number[] = [];
    const loaderMs: number[] = [];
    const rawGroupByMs: number[] = [];
    const raw = new SQLite(process.env.DATABASE_PATH, { readonly: true, fileMustExist: true });
    const groupBy = raw.prepare(RAW_GROUP_BY);
    let rawGroups = 0;
    for (let run = 0; run < runs; run += 1) {
      seed(process.env.DATABASE_PATH, found.id, found.versionId, NEWCOMERS, options);
      const newest = (raw.prepare("select max(id) as id from positions where case_id = ?").get(found.id) as { id: number }).id;
      const planned = raw.prepare("select through_position_id as through from result_releases where case_id = ?");
      const started = performance.now();
      await loadCaseResults(found);
      readAfterNewcomersMs.push(performance.now() - started);
      // The plan may go on behind the page (a large case): its release lands when its cursor moves.
      while ((planned.get(found.id) as { through: number }).through < newest) await new Promise((resolve) => setTimeout(resolve, 2));
      releaseLandsMs.push(performance.now() - started);
      loaderMs.push((await timeLoader(() => loadCaseResults(found))).medianMs);
      rawGroupByMs.push((await timeLoader(async () => (rawGroups = groupBy.all(found.id).length))).medianMs);
    }
    raw.close();
    if (rawGroups === 0) throw new Error("The raw GROUP BY found no released positions: the loader made no release to read.");
    if (process.env.BENCH_PROFILE) {
      const models = await import("../../app/models/positions.server");
      const args = await import("../../app/models/arguments.server");
      const { countLensUsage } = await import("../../app/domain/counting");
      for (const [name, fn] of Object.entries({
        releasedResultRows: () => models.releasedResultRows(db(), found.id),
        releasedGapCells: () => models.releasedGapCells(db(), found.id),
        lensUsage: async () => countLensUsage(await args.listCaseArguments(db(), found.id)),
      })) {
        const t = performance.now();
        await fn();
        console.log(`  ${name}: ${(performance.now() - t).toFixed(1)} ms`);
      }
    }
    timings.push({ positions, readAfterNewcomersMs, releaseLandsMs, loaderMs, rawGroupByMs, rawGroups });
    await db().destroy();
    (globalThis as { __casebook?: Map<string, unknown> }).__casebook?.clear();
    rmSync(dir, { recursive: true, force: true });
  }
  return timings;
}
