/**
 * A live room's votes: casting a participant's answers for a round, reading them back, and
 * deleting a round's votes when the facilitator resets it. What the votes add up to is in
 * workshop-tallies.server.ts.
 */
import { sql, type Selectable } from "kysely";
import type { DB } from "../../db/client";
import type { WorkshopVotesTable } from "../../db/schema";
import { forShareOf } from "../../db/dialect";
import type { CaseOption } from "../domain/option-identity";
import type { Round } from "../domain/workshop-stages";
import { nowIso } from "./clock";

export interface WorkshopAnswer {
  perspective: string;
  /** The chosen option of the workshop's case version: its stable id and wording (ADR 017). */
  option: CaseOption;
  judgement: number;
}

/** A vote as stored: the option's wording in the workshop's case version, and its stable id (ADR 017). */
export type StoredWorkshopVote = Pick<Selectable<WorkshopVotesTable>, "round" | "perspective" | "option" | "option_id" | "judgement" | "moved_by_submission_id">;

/**
 * Records or replaces a participant's answers for the round, every perspective in one
 * statement, but only while that round's vote stage is open. The check and the write are one
 * statement holding the workshop row shared (forShareOf), so a vote racing the facilitator's
 * "close voting" or "reset" is either in before it or judged by the new state: no transaction,
 * no lock round trip. Returns the rows as stored; none when voting was not open.
 */
export async function castWorkshopVotes(
  db: DB,
  vote: { workshopId: number; participantId: number; round: number; movedBySubmissionId: number | null; answers: WorkshopAnswer[] },
): Promise<StoredWorkshopVote[]> {
  if (vote.answers.length === 0) return [];
  const now = nowIso();
  // VALUES columns are column1, column2, … in both databases; the judgement is cast because
  // PostgreSQL types an untyped parameter inside VALUES as text.
  const answers = sql.join(vote.answers.map((a) => sql`(${a.perspective}, ${a.option.text}, ${a.option.id}, cast(${a.judgement} as integer))`));
  const result = await sql<StoredWorkshopVote>`
    insert into workshop_votes (workshop_id, participant_id, round, perspective, option, option_id, judgement, moved_by_submission_id, created_at, updated_at)
    select w.id, p.id, ${vote.round}, a.column1, a.column2, a.column3, a.column4, ${vote.movedBySubmissionId}, ${now}, ${now}
    from workshops w
    join workshop_participants p on p.workshop_id = w.id
    cross join (values ${answers}) as a
    where w.id = ${vote.workshopId} and w.stage = ${`vote-${vote.round}`} and w.voting_open = 1 and p.id = ${vote.participantId} and p.removed = 0
    ${forShareOf(db, "w")}
    on conflict (workshop_id, participant_id, round, perspective) do update set
      option = excluded.option, option_id = excluded.option_id, judgement = excluded.judgement, moved_by_submission_id = excluded.moved_by_submission_id, updated_at = excluded.updated_at
    returning round, perspective, option, option_id, judgement, moved_by_submission_id`.execute(db);
  return result.rows.map((r) => ({ ...r, round: Number(r.round), judgement: Number(r.judgement) }));
}

export async function votesOf(db: DB, workshopId: number, participantId: number) {
  return db
    .selectFrom("workshop_votes")
    .select(["round", "perspective", "option", "option_id", "judgement", "moved_by_submission_id"])
    .where("workshop_id", "=", workshopId)
    .where("participant_id", "=", participantId)
    .execute();
}

/** Deletes every vote of one round (a reset: the stage machine's `delete-round-votes`); call inside the stage change's transaction. */
export async function deleteRoundVotes(trx: DB, workshopId: number, round: Round): Promise<void> {
  await trx.deleteFrom("workshop_votes").where("workshop_id", "=", workshopId).where("round", "=", round).execute();
}
