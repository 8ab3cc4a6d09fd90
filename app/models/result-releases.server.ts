import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { GapCell, ResultRow } from "../domain/case-results";
import { lockForTransaction } from "../../db/dialect";
import { releaseArgumentScores, releaseIsDue, shownArgumentScores, type ArgumentScores } from "../domain/disclosure";
import { countedEndorsers } from "./arguments.server";
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
  /** Bridging score by argument id, for the arguments the release gives one (`releaseArgumentScores`). */
  argumentScores: ReadonlyMap<number, number>;
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
 *
 * A release also carries the case's bridging scores (`releaseArgumentScores`): between releases
 * every reader sees the same scores, and each argument's changes only in steps of k endorsers.
 */
export async function currentRelease(db: DB, caseId: number, perspectives: number, k: number): Promise<ResultRelease | null> {
  const stored = await db.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirst();
  const through = stored?.through_position_id ?? 0;
  // Only people who have answered every perspective count (and are released), so only they are counted here.
  const [pending, byPerspective] = await Promise.all([
    sql<{ people: number | string }>`
      select count(*) as people from (select distinct user_id from positions where case_id = ${caseId} and id > ${through}) as changed
      where (select count(*) from positions as mine where mine.user_id = changed.user_id and mine.case_id = ${caseId} and mine.is_current = 1) >= ${perspectives}
    `.execute(db),
    sql<{ perspective: string; changed: number | string; reanswered: number | string | null }>`
      select p.perspective as perspective, count(*) as changed,
        sum(case when exists (select 1 from positions as earlier where earlier.case_id = p.case_id and earlier.user_id = p.user_id
          and earlier.perspective = p.perspective and earlier.id <= ${through}) then 1 else 0 end) as reanswered
      from positions as p
      where p.case_id = ${caseId} and p.id > ${through} and p.is_current = 1
        and (select count(*) from positions as mine where mine.user_id = p.user_id and mine.case_id = ${caseId} and mine.is_current = 1) >= ${perspectives}
      group by p.perspective
    `.execute(db),
  ]);
  const changes = byPerspective.rows.map((r) => ({ changed: Number(r.changed), returning: Number(r.reanswered ?? 0) }));
  if (releaseIsDue(Number(pending.rows[0]?.people ?? 0), k, changes)) return release(db, caseId, perspectives, through, k);
  if (!stored) return null;
  const cached = parsedReleases().get(caseId);
  if (cached && cached.through === through) return cached.release;
  const scores = stored.argument_scores === null ? await backfillArgumentScores(db, caseId, through, k) : (JSON.parse(stored.argument_scores) as ArgumentScores);
  const fromStore: ResultRelease = {
    rows: JSON.parse(stored.result_rows) as ResultRow[],
    gaps: JSON.parse(stored.gap_cells) as GapCell[],
    people: stored.people,
    argumentScores: shownArgumentScores(scores),
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
async function release(db: DB, caseId: number, perspectives: number, through: number, k: number): Promise<ResultRelease> {
  return db.transaction().execute(async (trx) => {
    // One release of a case at a time, so each one's scores are decided against the one before.
    await lockForTransaction(trx, `casebook:release:${caseId}`);
    // Counted in the same transaction as the rows, so people and cells describe one moment; rows
    // written after `through` by then are counted too, and the next release starts after them.
    const [rows, gaps, newest, people, previous, endorsers] = await Promise.all([
      resultRows(trx, caseId, perspectives),
      gapCells(trx, caseId, perspectives),
      trx.selectFrom("positions").select((eb) => eb.fn.max("id").as("id")).where("case_id", "=", caseId).executeTakeFirstOrThrow(),
      countAnsweredEvery(trx, caseId, perspectives),
      trx.selectFrom("result_releases").select("argument_scores").where("case_id", "=", caseId).executeTakeFirst(),
      countedEndorsers(trx, caseId),
    ]);
    const scores = releaseArgumentScores(previous?.argument_scores ? (JSON.parse(previous.argument_scores) as ArgumentScores) : {}, endorsers, k);
    const made: ResultRelease = { rows, gaps, people, argumentScores: shownArgumentScores(scores), releasedAt: nowIso() };
    const throughId = Math.max(through, Number(newest.id ?? 0));
    await trx
      .insertInto("result_releases")
      .values({
        case_id: caseId,
        through_position_id: throughId,
        people: made.people,
        result_rows: JSON.stringify(rows),
        gap_cells: JSON.stringify(gaps),
        argument_scores: JSON.stringify(scores),
        released_at: made.releasedAt,
      })
      .onConflict((oc) =>
        oc.column("case_id").doUpdateSet((eb) => ({
          through_position_id: eb.ref("excluded.through_position_id"),
          people: eb.ref("excluded.people"),
          result_rows: eb.ref("excluded.result_rows"),
          gap_cells: eb.ref("excluded.gap_cells"),
          argument_scores: eb.ref("excluded.argument_scores"),
          released_at: eb.ref("excluded.released_at"),
        })).where("result_releases.through_position_id", "<", throughId),
      )
      .execute();
    parsedReleases().set(caseId, { through: throughId, release: made });
    return made;
  });
}

/**
 * Scores for a release stored before scores were part of releases (migration 0007): worked out
 * once from the endorsers' answers now, as a first release of scores, and stored with it. Scores
 * were shown live until then, so this shows nothing that was not already shown; from here on
 * they change only with releases.
 */
async function backfillArgumentScores(db: DB, caseId: number, through: number, k: number): Promise<ArgumentScores> {
  const scores = releaseArgumentScores({}, await countedEndorsers(db, caseId), k);
  await db
    .updateTable("result_releases")
    .set({ argument_scores: JSON.stringify(scores) })
    .where("case_id", "=", caseId)
    .where("through_position_id", "=", through)
    .where("argument_scores", "is", null)
    .execute();
  return scores;
}

/** How many people took part in each case, as of each case's last release (the library's count). */
export async function releasedParticipantCounts(db: DB): Promise<Map<number, number>> {
  const rows = await db.selectFrom("result_releases").select(["case_id", "people"]).execute();
  return new Map(rows.map((r) => [r.case_id, r.people]));
}
