/**
 * What a live room's votes add up to, counting only counted voters (withdrawn participants left
 * out, `withdrawnParticipants`): tallies per round, perspective, option and judgement (all, or
 * split by standing), the standings of counted voters, the empathy gaps, the shifts between
 * rounds, how many answered per round, the CSV export's rows, and the tallies of every workshop on
 * a case for the comparison. This is where a vote is counted; casting one is workshop-votes.server.ts.
 */
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { workshopCellKey, type StandingVoters } from "../domain/disclosure";
import type { TallyRow } from "../domain/workshop-view";
import { withdrawnParticipants } from "./participants.server";

/** A where-clause for vote rows (aliased `alias`) of counted voters: not withdrawn. */
function countedVote(alias: string, workshopId: number) {
  return sql<boolean>`${sql.ref(`${alias}.participant_id`)} not in ${withdrawnParticipants({ workshopId })}`;
}
/** Counted votes (withdrawn participants left out) per round, perspective, option and judgement. */
export async function workshopTallies(db: DB, workshopId: number): Promise<TallyRow[]> {
  const rows = await db
    .selectFrom("workshop_votes")
    .select(["workshop_votes.round", "workshop_votes.perspective", "workshop_votes.option_id", "workshop_votes.judgement", (eb) => eb.fn.countAll<number>().as("count")])
    .where("workshop_votes.workshop_id", "=", workshopId)
    .where(countedVote("workshop_votes", workshopId))
    .groupBy(["workshop_votes.round", "workshop_votes.perspective", "workshop_votes.option_id", "workshop_votes.judgement"])
    .execute();
  return rows.map((r) => ({ round: r.round, perspective: r.perspective, optionId: r.option_id, judgement: r.judgement, count: Number(r.count) }));
}

export interface StandingTallyRow extends TallyRow {
  standing: string | null;
}

/** As workshopTallies, split by the standing each voter declared on joining (for the workshop grouping's tables). */
export async function workshopTalliesByStanding(db: DB, workshopId: number): Promise<StandingTallyRow[]> {
  const rows = await db
    .selectFrom("workshop_votes")
    .innerJoin("workshop_participants", "workshop_participants.id", "workshop_votes.participant_id")
    .select([
      "workshop_votes.round",
      "workshop_votes.perspective",
      "workshop_votes.option_id",
      "workshop_votes.judgement",
      "workshop_participants.standing",
      (eb) => eb.fn.countAll<number>().as("count"),
    ])
    .where("workshop_votes.workshop_id", "=", workshopId)
    .where(countedVote("workshop_votes", workshopId))
    .groupBy(["workshop_votes.round", "workshop_votes.perspective", "workshop_votes.option_id", "workshop_votes.judgement", "workshop_participants.standing"])
    .execute();
  return rows.map((r) => ({ round: r.round, perspective: r.perspective, optionId: r.option_id, judgement: r.judgement, standing: r.standing, count: Number(r.count) }));
}

/**
 * How many counted voters (at least one counted vote in the workshop) declared each standing on
 * joining, in all and per (round, perspective) cell (keyed `workshopCellKey`): the input of the
 * workshop's one grouping (disclosure.ts `workshopGrouping`).
 */
export async function countedVoterStandings(db: DB, workshopId: number): Promise<StandingVoters[]> {
  const [people, cells] = await Promise.all([
    sql<{ standing: string | null; people: number }>`
      select p.standing as standing, count(*) as people from workshop_participants p
      where p.workshop_id = ${workshopId}
        and exists (select 1 from workshop_votes v where v.workshop_id = ${workshopId} and v.participant_id = p.id)
        and p.id not in ${withdrawnParticipants({ workshopId })}
      group by p.standing`.execute(db),
    // One vote row per participant, round and perspective (the votes' unique key), so rows count people.
    sql<{ standing: string | null; round: number; perspective: string; people: number }>`
      select p.standing as standing, v.round as round, v.perspective as perspective, count(*) as people
      from workshop_votes v join workshop_participants p on p.id = v.participant_id
      where v.workshop_id = ${workshopId} and ${countedVote("v", workshopId)}
      group by p.standing, v.round, v.perspective`.execute(db),
  ]);
  return people.rows.map((r) => ({
    standing: r.standing,
    people: Number(r.people),
    cells: Object.fromEntries(cells.rows.filter((c) => c.standing === r.standing).map((c) => [workshopCellKey(Number(c.round), c.perspective), Number(c.people)])),
  }));
}

/**
 * Per counted participant and round: their employee and employer judgements, for the room's
 * empathy gap. One pass over the votes, grouped per person: a self-join of workshop_votes planned
 * on stale statistics (a room's votes all arrive within seconds of an empty table) became a
 * nested loop of sequential scans on PostgreSQL, 370 ms for 1,500 people instead of 5 ms.
 */
export async function workshopGaps(db: DB, workshopId: number): Promise<{ round: number; standing: string | null; gap: number; count: number }[]> {
  const rows = await sql<{ round: number; standing: string | null; gap: number; count: number }>`
    select round, standing, gap, count(*) as count from (
      select v.round as round, p.standing as standing,
        max(case when v.perspective = 'employee' then v.judgement end) - max(case when v.perspective = 'employer' then v.judgement end) as gap
      from workshop_votes v
      join workshop_participants p on p.id = v.participant_id
      where v.workshop_id = ${workshopId} and ${countedVote("v", workshopId)}
      group by v.round, v.participant_id, p.standing
    ) per_person
    where gap is not null
    group by round, standing, gap`.execute(db);
  return rows.rows.map((r) => ({ round: Number(r.round), standing: r.standing, gap: Number(r.gap), count: Number(r.count) }));
}

/** Round 1 against round 2, per counted participant and perspective: who moved, and which way (one pass, as workshopGaps). */
export async function workshopShifts(db: DB, workshopId: number): Promise<{ perspective: string; judgementChange: number; optionChanged: boolean; count: number }[]> {
  const rows = await sql<{ perspective: string; change: number; option_changed: number; count: number }>`
    select perspective, change, option_changed, count(*) as count from (
      select v.perspective as perspective,
        max(case when v.round = 2 then v.judgement end) - max(case when v.round = 1 then v.judgement end) as change,
        case when max(case when v.round = 1 then v.option_id end) = max(case when v.round = 2 then v.option_id end) then 0 else 1 end as option_changed
      from workshop_votes v
      where v.workshop_id = ${workshopId} and ${countedVote("v", workshopId)}
      group by v.participant_id, v.perspective
    ) per_person
    where change is not null
    group by perspective, change, option_changed`.execute(db);
  return rows.rows.map((r) => ({ perspective: r.perspective, judgementChange: Number(r.change), optionChanged: Number(r.option_changed) === 1, count: Number(r.count) }));
}

/**
 * Per perspective, counted people who answered it in only one of the two rounds (early leavers,
 * late joiners): the input of `shiftReleased`.
 */
export async function votersInOneRoundOnly(db: DB, workshopId: number): Promise<Record<string, { roundOne: number; roundTwo: number }>> {
  const rows = await sql<{ perspective: string; round: number; people: number }>`
    select perspective, round, count(*) as people from (
      select v.perspective as perspective, v.participant_id, max(v.round) as round, count(*) as rounds
      from workshop_votes v
      where v.workshop_id = ${workshopId} and ${countedVote("v", workshopId)}
      group by v.perspective, v.participant_id
    ) per_person
    where rounds = 1
    group by perspective, round`.execute(db);
  const result: Record<string, { roundOne: number; roundTwo: number }> = {};
  for (const r of rows.rows) {
    const entry = (result[r.perspective] ??= { roundOne: 0, roundTwo: 0 });
    if (Number(r.round) === 1) entry.roundOne = Number(r.people);
    else entry.roundTwo = Number(r.people);
  }
  return result;
}

/** How many counted voters answered every polled perspective, per round. */
export async function answeredPerRound(db: DB, workshopId: number, perspectives: number): Promise<Record<number, number>> {
  const rows = await sql<{ round: number; people: number }>`
    select round, count(*) as people from (
      select v.round as round, v.participant_id from workshop_votes v
      where v.workshop_id = ${workshopId} and ${countedVote("v", workshopId)}
      group by v.round, v.participant_id having count(*) >= ${perspectives}
    ) answered group by round`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [Number(r.round), Number(r.people)]));
}

/** Counted votes for the CSV export, with the voter's id (renumbered before it leaves) and declared standing: no token, name or account. */
export async function exportVotes(db: DB, workshopId: number) {
  return db
    .selectFrom("workshop_votes")
    .innerJoin("workshop_participants", "workshop_participants.id", "workshop_votes.participant_id")
    .select(["workshop_votes.participant_id", "workshop_votes.round", "workshop_votes.perspective", "workshop_votes.option", "workshop_votes.judgement", "workshop_participants.standing"])
    .where("workshop_votes.workshop_id", "=", workshopId)
    .where(countedVote("workshop_votes", workshopId))
    .execute();
}

/**
 * Counted tallies of every workshop on a case, for comparisons: one row per workshop, round and
 * answer, options by stable id (ADR 017), so rooms run on different versions line up.
 */
export async function caseWorkshopTallies(db: DB, caseId: number): Promise<(TallyRow & { workshopId: number })[]> {
  const rows = await db
    .selectFrom("workshop_votes")
    .innerJoin("workshops", "workshops.id", "workshop_votes.workshop_id")
    .select(["workshop_votes.workshop_id", "workshop_votes.round", "workshop_votes.perspective", "workshop_votes.option_id", "workshop_votes.judgement", (eb) => eb.fn.countAll<number>().as("count")])
    .where("workshops.case_id", "=", caseId)
    .where(sql<boolean>`workshop_votes.participant_id not in ${withdrawnParticipants({ caseId })}`)
    .groupBy(["workshop_votes.workshop_id", "workshop_votes.round", "workshop_votes.perspective", "workshop_votes.option_id", "workshop_votes.judgement"])
    .execute();
  return rows.map((r) => ({ workshopId: r.workshop_id, round: r.round, perspective: r.perspective, optionId: r.option_id, judgement: r.judgement, count: Number(r.count) }));
}
