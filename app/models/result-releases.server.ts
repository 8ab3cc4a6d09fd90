import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { GapCell, ResultRow } from "../domain/case-results";
import { releaseIsDue } from "../domain/disclosure";
import { nowIso } from "./clock";
import { countAnsweredEvery, gapCells, resultRows } from "./positions.server";
import { singleton } from "../singleton.server";

/**
 * A case's released online results: aggregates only (ADR 009), of the people who had answered
 * every perspective when it was made.
 */
export interface ResultRelease {
  rows: ResultRow[];
  gaps: GapCell[];
  /** Distinct people with a current answer to every perspective when it was released. */
  people: number;
  releasedAt: string;
}

/**
 * Parsed releases by case, so a busy results page parses its JSON once per release. Kept in the
 * process's singleton store with the database it describes, so whatever replaces the database
 * (a restore, a test's fresh copy) clears both together and a stale release is never served.
 */
function parsedReleases(): Map<number, { through: number; release: ResultRelease }> {
  return singleton("parsed-result-releases", () => new Map());
}

/**
 * The results every reader of a case sees now: the stored release, replaced first when at least
 * k people have answered or changed an answer since it was made (`releaseIsDue`). Only people
 * who have answered every perspective (`perspectives` of them) count towards the k, so a person
 * answering both perspectives in a row usually lands in one release; anyone's newer rows are
 * still counted in the next release made. Returns `null` while no release was due yet.
 * Concurrent releases are harmless: the newer `through_position_id` wins.
 */
export async function currentRelease(db: DB, caseId: number, perspectives: number, k: number): Promise<ResultRelease | null> {
  const stored = await db.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirst();
  const through = stored?.through_position_id ?? 0;
  const pending = await sql<{ people: number | string }>`
    select count(*) as people from (select distinct user_id from positions where case_id = ${caseId} and id > ${through}) as changed
    where (select count(*) from positions as mine where mine.user_id = changed.user_id and mine.case_id = ${caseId} and mine.is_current = 1) >= ${perspectives}
  `.execute(db);
  if (releaseIsDue(Number(pending.rows[0]?.people ?? 0), k)) return release(db, caseId, perspectives, through);
  if (!stored) return null;
  const cached = parsedReleases().get(caseId);
  if (cached && cached.through === through) return cached.release;
  const fromStore: ResultRelease = {
    rows: JSON.parse(stored.result_rows) as ResultRow[],
    gaps: JSON.parse(stored.gap_cells) as GapCell[],
    people: stored.people,
    releasedAt: stored.released_at,
  };
  parsedReleases().set(caseId, { through, release: fromStore });
  return fromStore;
}

/**
 * Makes and stores a release counting every position written so far (after `through` too) by
 * the people who have answered all `perspectives`. Only they count towards a release's k, so only
 * they are in it: a person's lone answer to one perspective waits for their others (and then for
 * the next release), otherwise two releases could differ by that answer alone.
 */
async function release(db: DB, caseId: number, perspectives: number, through: number): Promise<ResultRelease> {
  return db.transaction().execute(async (trx) => {
    // Counted in the same transaction as the rows, so people and cells describe one moment; rows
    // written after `through` by then are counted too, and the next release starts after them.
    const [rows, gaps, newest, people] = await Promise.all([
      resultRows(trx, caseId, perspectives),
      gapCells(trx, caseId, perspectives),
      trx.selectFrom("positions").select((eb) => eb.fn.max("id").as("id")).where("case_id", "=", caseId).executeTakeFirstOrThrow(),
      countAnsweredEvery(trx, caseId, perspectives),
    ]);
    const made: ResultRelease = { rows, gaps, people, releasedAt: nowIso() };
    const throughId = Math.max(through, Number(newest.id ?? 0));
    await trx
      .insertInto("result_releases")
      .values({ case_id: caseId, through_position_id: throughId, people: made.people, result_rows: JSON.stringify(rows), gap_cells: JSON.stringify(gaps), released_at: made.releasedAt })
      .onConflict((oc) =>
        oc.column("case_id").doUpdateSet((eb) => ({
          through_position_id: eb.ref("excluded.through_position_id"),
          people: eb.ref("excluded.people"),
          result_rows: eb.ref("excluded.result_rows"),
          gap_cells: eb.ref("excluded.gap_cells"),
          released_at: eb.ref("excluded.released_at"),
        })).where("result_releases.through_position_id", "<", throughId),
      )
      .execute();
    parsedReleases().set(caseId, { through: throughId, release: made });
    return made;
  });
}

/** How many people took part in each case, as of each case's last release (the library's count). */
export async function releasedParticipantCounts(db: DB): Promise<Map<number, number>> {
  const rows = await db.selectFrom("result_releases").select(["case_id", "people"]).execute();
  return new Map(rows.map((r) => [r.case_id, r.people]));
}
