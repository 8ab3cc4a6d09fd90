/**
 * A live room (workshop) as one row: creating it with its join code, finding and listing rooms,
 * its stage state and the stage changes' effects, the spotlight, the door (lock and capacity) and
 * the step timer. Its phones are participants.server.ts; their votes workshop-votes.server.ts,
 * what the votes add up to workshop-tallies.server.ts, what they send submissions.server.ts.
 */
import { getRandomValues } from "node:crypto";
import type { Selectable, Updateable } from "kysely";
import type { DB } from "../../db/client";
import type { CamelCased, CaseVersionsTable, WorkshopsTable } from "../../db/schema";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import { generateJoinCode } from "../domain/join-code";
import type { Round, StageEffect, StageId, StageState, Transition } from "../domain/workshop-stages";
import type { StepTimer } from "../domain/step-timer";
import { nowIso } from "./clock";
import { presentParticipants, rotateRoles, toParticipant, type Participant } from "./participants.server";
import { deleteRoundVotes } from "./workshop-votes.server";

type WorkshopRow = Omit<Selectable<WorkshopsTable>, "updated_at">;

/** The columns the app reads parsed (JSON, 0/1) or together (the stage state, the timer). */
interface ParsedWorkshopColumns {
  perspectives: string[];
  twoRounds: boolean;
  askStanding: boolean;
  /** stage, voting_open and revealed_rounds. */
  state: StageState;
  /** No new joins while locked; phones already in keep voting. */
  locked: boolean;
  /** Role-play (ADR 028): the roles the room is split into, in the case's order; null for an ordinary workshop. */
  roles: string[] | null;
  /** The step timer running now (timer_ends_at, timer_minutes), if any. */
  timer: StepTimer | null;
}

/**
 * A workshop as the app reads it: its row with camelCase names (`capacity`: most participants
 * not removed, null for no limit; `voteResets`: how many times round votes were reset, which
 * phones follow to void the vote they show; `rolesVersion`: role assignments and moves so far,
 * 0 before roles are assigned), and the parsed columns.
 */
export type Workshop = Omit<CamelCased<Omit<WorkshopRow, "stage" | "voting_open" | "revealed_rounds" | "timer_ends_at" | "timer_minutes">>, keyof ParsedWorkshopColumns> & ParsedWorkshopColumns;

function toWorkshop(row: WorkshopRow): Workshop {
  return {
    id: row.id,
    caseId: row.case_id,
    caseVersionId: row.case_version_id,
    facilitatorUserId: row.facilitator_user_id,
    title: row.title,
    code: row.code,
    perspectives: JSON.parse(row.perspectives) as string[],
    twoRounds: row.two_rounds === 1,
    resultsMode: row.results_mode,
    askStanding: row.ask_standing === 1,
    state: { stage: row.stage as StageId, votingOpen: row.voting_open === 1, revealedRounds: JSON.parse(row.revealed_rounds) as Round[] },
    spotlightSubmissionId: row.spotlight_submission_id,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    locked: Number(row.locked) === 1,
    capacity: row.capacity === null ? null : Number(row.capacity),
    voteResets: Number(row.vote_resets),
    roles: row.roles === null ? null : (JSON.parse(row.roles) as string[]),
    rolesVersion: Number(row.roles_version),
    timer: row.timer_ends_at === null ? null : { endsAt: row.timer_ends_at, minutes: Number(row.timer_minutes) },
  };
}

const workshopColumns = [
  "id",
  "case_id",
  "case_version_id",
  "facilitator_user_id",
  "title",
  "code",
  "perspectives",
  "two_rounds",
  "results_mode",
  "ask_standing",
  "stage",
  "voting_open",
  "revealed_rounds",
  "vote_resets",
  "spotlight_submission_id",
  "created_at",
  "ended_at",
  "locked",
  "capacity",
  "roles",
  "roles_version",
  "timer_ends_at",
  "timer_minutes",
] as const;

export type NewWorkshop = Pick<Workshop, "caseId" | "caseVersionId" | "facilitatorUserId" | "title" | "perspectives" | "twoRounds" | "resultsMode" | "askStanding"> & {
  /** Most participants the room takes; null or left out for no limit. */
  capacity?: number | null;
  /** Role-play (ADR 028): the roles to split the room into; null or left out for an ordinary workshop. */
  roles?: string[] | null;
};

export async function createWorkshop(db: DB, input: NewWorkshop): Promise<Workshop> {
  // A clash among 31^6 codes is rare; the unique constraint catches it and we draw again.
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const code = generateJoinCode((array) => getRandomValues(array));
    const now = nowIso();
    const inserted = await db
      .insertInto("workshops")
      .values({
        case_id: input.caseId,
        case_version_id: input.caseVersionId,
        facilitator_user_id: input.facilitatorUserId,
        title: input.title,
        code,
        perspectives: JSON.stringify(input.perspectives),
        two_rounds: input.twoRounds ? 1 : 0,
        results_mode: input.resultsMode,
        ask_standing: input.askStanding ? 1 : 0,
        stage: "lobby",
        voting_open: 0,
        revealed_rounds: "[]",
        spotlight_submission_id: null,
        created_at: now,
        updated_at: now,
        ended_at: null,
        capacity: input.capacity ?? null,
        roles: input.roles ? JSON.stringify(input.roles) : null,
      })
      .onConflict((oc) => oc.column("code").doNothing())
      .returning(workshopColumns)
      .executeTakeFirst();
    if (inserted) return toWorkshop(inserted);
  }
  throw new Error("Could not find a free join code");
}

export async function findWorkshop(db: DB, id: number): Promise<Workshop | undefined> {
  const row = await db.selectFrom("workshops").select(workshopColumns).where("id", "=", id).executeTakeFirst();
  return row && toWorkshop(row);
}

export async function findWorkshopByCode(db: DB, code: string): Promise<Workshop | undefined> {
  const row = await db.selectFrom("workshops").select(workshopColumns).where("code", "=", code).executeTakeFirst();
  return row && toWorkshop(row);
}

/** A room in a list: its row, its case's title, and how many are in it now. */
export type WorkshopListItem = CamelCased<Pick<WorkshopRow, "id" | "title" | "code" | "stage" | "created_at">> & {
  caseTitle: Selectable<CaseVersionsTable>["title"];
  participants: number;
};

export async function listWorkshops(db: DB, filter: { facilitatorUserId?: number; caseId?: number }): Promise<WorkshopListItem[]> {
  let query = db
    .selectFrom("workshops")
    .innerJoin("case_versions", "case_versions.id", "workshops.case_version_id")
    .select([
      "workshops.id",
      "workshops.title",
      "workshops.code",
      "workshops.stage",
      "workshops.created_at",
      "case_versions.title as case_title",
      presentParticipants("workshops.id").as("participants"),
    ]);
  if (filter.facilitatorUserId !== undefined) query = query.where("workshops.facilitator_user_id", "=", filter.facilitatorUserId);
  if (filter.caseId !== undefined) query = query.where("workshops.case_id", "=", filter.caseId);
  const rows = await query.orderBy("workshops.id", "desc").execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    code: r.code,
    caseTitle: r.case_title,
    stage: r.stage,
    createdAt: r.created_at,
    participants: Number(r.participants ?? 0),
  }));
}

/**
 * Stores a new stage state, with its effects, in one transaction. The workshop row is updated
 * first (after the room's join lock, for the swap): that waits for votes in flight (they hold
 * the row shared, castWorkshopVotes) and makes later ones wait for this commit and check the
 * new state, so a vote lands either before a close or a reset (and a reset deletes it) or after
 * it, judged by the new state.
 */
export async function saveStageState(db: DB, workshopId: number, state: StageState, effects: StageEffect[]): Promise<void> {
  await inTransaction(db, async (trx) => {
    // The swap takes the room's join lock (rotateRoles). It comes before the workshop row, as in
    // an assignment, a move and a join (ADR 040): updating the row first let an assignment holding
    // the lock wait for the row while this waited for the lock, a deadlock on PostgreSQL.
    if (effects.some((effect) => effect.type === "rotate-roles")) await lockForTransaction(trx, `workshop-join:${workshopId}`);
    const now = nowIso();
    await trx
      .updateTable("workshops")
      .set({
        stage: state.stage,
        voting_open: state.votingOpen ? 1 : 0,
        revealed_rounds: JSON.stringify(state.revealedRounds),
        updated_at: now,
        ...(state.stage === "ended" ? { ended_at: now } : {}),
      })
      .where("id", "=", workshopId)
      .execute();
    for (const effect of effects) {
      if (effect.type === "delete-round-votes") {
        await deleteRoundVotes(trx, workshopId, effect.round);
        await trx
          .updateTable("workshops")
          .set((eb) => ({ vote_resets: eb("vote_resets", "+", 1) }))
          .where("id", "=", workshopId)
          .execute();
      }
      if (effect.type === "rotate-roles") await rotateRoles(trx, workshopId, effect.steps);
    }
  });
}

/**
 * Changes a workshop's stage state by what `decide` (the stage machine) makes of the state as it
 * is stored now, in one transaction no other stage change interleaves with: two moves sent at
 * the same moment are judged one after the other, the second against the state the first left
 * (ADR 016, "Stage moves"). A refusal, or a move made already (`already`), stores nothing.
 *
 * @returns the state `decide` was given (`before`) and what it answered
 */
export async function changeStageState(db: DB, workshopId: number, decide: (state: StageState) => Transition): Promise<{ before: StageState; transition: Transition }> {
  return inTransaction(db, async (trx) => {
    await lockForTransaction(trx, `casebook:workshop-stage:${workshopId}`);
    const workshop = await findWorkshop(trx, workshopId);
    if (!workshop) throw new Error(`Workshop ${workshopId} does not exist`);
    const transition = decide(workshop.state);
    if (transition.ok && !transition.already) await saveStageState(trx, workshopId, transition.state, transition.effects);
    // A step's timer belongs to its step (ADR 028): moving on stops it.
    if (transition.ok && !transition.already && transition.state.stage !== workshop.state.stage && workshop.timer) await setStepTimer(trx, workshopId, null);
    return { before: workshop.state, transition };
  });
}

export async function setSpotlight(db: DB, workshopId: number, submissionId: number | null): Promise<void> {
  await updateWorkshop(db, workshopId, { spotlight_submission_id: submissionId });
}

/** The workshop with this join code, and the participant holding this device token (if it joined): one query. */
export async function findWorkshopAndParticipant(db: DB, code: string, tokenHash: string | null): Promise<{ workshop: Workshop; participant: Participant | null } | undefined> {
  const row = await db
    .selectFrom("workshops as w")
    .leftJoin("workshop_participants as p", (join) => join.onRef("p.workshop_id", "=", "w.id").on("p.token_hash", "=", tokenHash ?? ""))
    .select(workshopColumns.map((column) => `w.${column}` as const))
    .select(["p.id as participant_id", "p.display_name as participant_name", "p.standing as participant_standing", "p.removed as participant_removed", "p.role as participant_role"])
    .where("w.code", "=", code)
    .executeTakeFirst();
  if (!row) return undefined;
  const participant: Participant | null =
    row.participant_id === null || tokenHash === null
      ? null
      : toParticipant({
          id: row.participant_id,
          workshop_id: row.id,
          display_name: row.participant_name,
          standing: row.participant_standing,
          removed: Number(row.participant_removed),
          role: row.participant_role,
        });
  return { workshop: toWorkshop(row), participant };
}

/** Locks or unlocks the room's door (phones already in are not affected). */
export async function setRoomLocked(db: DB, workshopId: number, locked: boolean): Promise<void> {
  await updateWorkshop(db, workshopId, { locked: locked ? 1 : 0 });
}

/** Sets the room's capacity (null: no limit). Phones already in stay, even above it. */
export async function setRoomCapacity(db: DB, workshopId: number, capacity: number | null): Promise<void> {
  await updateWorkshop(db, workshopId, { capacity });
}

/** Starts (or replaces) the step timer, or stops it with null. */
export async function setStepTimer(db: DB, workshopId: number, timer: StepTimer | null): Promise<void> {
  await updateWorkshop(db, workshopId, { timer_ends_at: timer?.endsAt ?? null, timer_minutes: timer?.minutes ?? null });
}

/** Sets columns of the room's row, and its updated_at. */
async function updateWorkshop(db: DB, workshopId: number, changes: Updateable<WorkshopsTable>): Promise<void> {
  await db
    .updateTable("workshops")
    .set({ ...changes, updated_at: nowIso() })
    .where("id", "=", workshopId)
    .execute();
}
