import { createHash, getRandomValues } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../../db/client";
import type { Standing } from "../../db/schema";
import { generateJoinCode } from "../domain/join-code";
import type { ResultsMode, Round, StageEffect, StageId, StageState, Transition } from "../domain/workshop-stages";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import { joinRefusal } from "../domain/room-defences";
import { countsHolding, withdrawalIsSafe, type VoteCell } from "../domain/disclosure";
import { creditMayCount, type CreditKind } from "../domain/counting";
import { nowIso } from "./clock";
import { roleForNewcomer, swappedRoles } from "../domain/role-assignment";
import type { StepTimer } from "../domain/step-timer";
import { deleteRoundVotes } from "./workshop-votes.server";

export interface Workshop {
  id: number;
  caseId: number;
  caseVersionId: number;
  facilitatorUserId: number;
  title: string;
  code: string;
  perspectives: string[];
  twoRounds: boolean;
  resultsMode: ResultsMode;
  askStanding: boolean;
  state: StageState;
  spotlightSubmissionId: number | null;
  createdAt: string;
  endedAt: string | null;
  /** No new joins while locked; phones already in keep voting. */
  locked: boolean;
  /** Most participants (not removed) the room takes; null for no limit. */
  capacity: number | null;
  /** How many times round votes were reset: phones follow it, to void what they show as their vote. */
  voteResets: number;
  /** Role-play (ADR 028): the roles the room is split into, in the case's order; null for an ordinary workshop. */
  roles: string[] | null;
  /** Role assignments and moves so far (0: roles not assigned yet); phones follow it to read their role card again. */
  rolesVersion: number;
  /** The step timer running now, if any. */
  timer: StepTimer | null;
}

type WorkshopRow = {
  id: number;
  case_id: number;
  case_version_id: number;
  facilitator_user_id: number;
  title: string;
  code: string;
  perspectives: string;
  two_rounds: number;
  results_mode: ResultsMode;
  ask_standing: number;
  stage: string;
  voting_open: number;
  revealed_rounds: string;
  vote_resets: number;
  spotlight_submission_id: number | null;
  created_at: string;
  ended_at: string | null;
  locked: number;
  capacity: number | null;
  roles: string | null;
  roles_version: number;
  timer_ends_at: string | null;
  timer_minutes: number | null;
};

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

export interface NewWorkshop {
  caseId: number;
  caseVersionId: number;
  facilitatorUserId: number;
  title: string;
  perspectives: string[];
  twoRounds: boolean;
  resultsMode: ResultsMode;
  askStanding: boolean;
  /** Most participants the room takes; null or left out for no limit. */
  capacity?: number | null;
  /** Role-play (ADR 028): the roles to split the room into; null or left out for an ordinary workshop. */
  roles?: string[] | null;
}

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

export interface WorkshopListItem {
  id: number;
  title: string;
  code: string;
  caseTitle: string;
  stage: string;
  createdAt: string;
  participants: number;
}

export async function listWorkshops(db: DB, filter: { facilitatorUserId?: number; caseId?: number }): Promise<WorkshopListItem[]> {
  let query = db
    .selectFrom("workshops")
    .innerJoin("case_versions", "case_versions.id", "workshops.case_version_id")
    .select((eb) => [
      "workshops.id",
      "workshops.title",
      "workshops.code",
      "workshops.stage",
      "workshops.created_at",
      "case_versions.title as case_title",
      eb
        .selectFrom("workshop_participants")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("workshop_participants.workshop_id", "=", "workshops.id")
        .where("workshop_participants.removed", "=", 0)
        .as("participants"),
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
 * first: that waits for votes in flight (they hold the row shared, castWorkshopVotes) and makes
 * later ones wait for this commit and check the new state, so a vote lands either before a
 * close or a reset (and a reset deletes it) or after it, judged by the new state.
 */
export async function saveStageState(db: DB, workshopId: number, state: StageState, effects: StageEffect[]): Promise<void> {
  await inTransaction(db, async (trx) => {
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
  await db.updateTable("workshops").set({ spotlight_submission_id: submissionId, updated_at: nowIso() }).where("id", "=", workshopId).execute();
}

export function hashDeviceToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface Participant {
  id: number;
  workshopId: number;
  displayName: string | null;
  standing: Standing | null;
  removed: boolean;
  /** The role this participant plays in a role-play workshop (ADR 028); null until assigned. */
  role: string | null;
}

export async function findParticipant(db: DB, workshopId: number, tokenHash: string): Promise<Participant | undefined> {
  const row = await db
    .selectFrom("workshop_participants")
    .select(["id", "workshop_id", "display_name", "standing", "removed", "role"])
    .where("workshop_id", "=", workshopId)
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
  return row && { id: row.id, workshopId: row.workshop_id, displayName: row.display_name, standing: row.standing, removed: row.removed === 1, role: row.role };
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
      : {
          id: row.participant_id,
          workshopId: row.id,
          displayName: row.participant_name,
          standing: row.participant_standing,
          removed: row.participant_removed === 1,
          role: row.participant_role ?? null,
        };
  return { workshop: toWorkshop(row), participant };
}

export type JoinOutcome = { joined: true; participant: Participant } | { joined: false; refusal: string };

/**
 * Joins, or rejoins as the same participant when this device has joined before, unless the
 * room's door refuses a new phone (locked, or full: joinRefusal). The check and the insert run
 * in one transaction that holds the room's join lock, so two phones racing for the last place
 * cannot both get in (PostgreSQL would otherwise count the room in both before either inserts).
 */
export async function joinWorkshop(db: DB, input: { workshopId: number; tokenHash: string; displayName: string | null; standing: Standing | null }): Promise<JoinOutcome> {
  return inTransaction(db, async (trx) => {
    await lockForTransaction(trx, `workshop-join:${input.workshopId}`);
    const door = await trx
      .selectFrom("workshops as w")
      .select((eb) => [
        "w.locked",
        "w.capacity",
        "w.roles",
        "w.roles_version",
        eb
          .selectFrom("workshop_participants")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("workshop_participants.workshop_id", "=", "w.id")
          .where("workshop_participants.removed", "=", 0)
          .as("present"),
        eb
          .selectFrom("workshop_participants")
          .select("workshop_participants.id")
          .whereRef("workshop_participants.workshop_id", "=", "w.id")
          .where("workshop_participants.token_hash", "=", input.tokenHash)
          .as("existing_id"),
      ])
      .where("w.id", "=", input.workshopId)
      .executeTakeFirstOrThrow();
    const refusal = joinRefusal({
      locked: Number(door.locked) === 1,
      capacity: door.capacity === null ? null : Number(door.capacity),
      present: Number(door.present ?? 0),
      alreadyJoined: door.existing_id !== null && door.existing_id !== undefined,
    });
    if (refusal) return { joined: false, refusal };
    await trx
      .insertInto("workshop_participants")
      .values({ workshop_id: input.workshopId, token_hash: input.tokenHash, display_name: input.displayName, standing: input.standing, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["workshop_id", "token_hash"]).doUpdateSet({ display_name: input.displayName, standing: input.standing }))
      .execute();
    // Someone new after roles were assigned plays the role with the fewest people (ADR 028); one
    // rejoining keeps theirs. The join lock above also keeps an assignment from interleaving.
    const isNew = door.existing_id === null || door.existing_id === undefined;
    if (isNew && door.roles !== null && Number(door.roles_version) > 0) {
      const present = await trx.selectFrom("workshop_participants").select("role").where("workshop_id", "=", input.workshopId).where("removed", "=", 0).execute();
      const role = roleForNewcomer(
        JSON.parse(door.roles) as string[],
        present.map((p) => p.role),
      );
      await trx.updateTable("workshop_participants").set({ role }).where("workshop_id", "=", input.workshopId).where("token_hash", "=", input.tokenHash).execute();
    }
    return { joined: true, participant: (await findParticipant(trx, input.workshopId, input.tokenHash))! };
  });
}

/** Locks or unlocks the room's door (phones already in are not affected). */
export async function setRoomLocked(db: DB, workshopId: number, locked: boolean): Promise<void> {
  await db
    .updateTable("workshops")
    .set({ locked: locked ? 1 : 0, updated_at: nowIso() })
    .where("id", "=", workshopId)
    .execute();
}

/** Sets the room's capacity (null: no limit). Phones already in stay, even above it. */
export async function setRoomCapacity(db: DB, workshopId: number, capacity: number | null): Promise<void> {
  await db.updateTable("workshops").set({ capacity, updated_at: nowIso() }).where("id", "=", workshopId).execute();
}

/** How many participants still in the room joined within [since, until] (ISO-8601 UTC, inclusive). */
export async function countJoinedBetween(db: DB, workshopId: number, since: string, until: string): Promise<number> {
  const row = await db
    .selectFrom("workshop_participants")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("workshop_id", "=", workshopId)
    .where("removed", "=", 0)
    .where("created_at", ">=", since)
    .where("created_at", "<=", until)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Voids a burst: removes every participant still in the room who joined within [since, until]
 * (ISO-8601 UTC, inclusive), with the same meaning as removeParticipant (their arguments and
 * questions leave the room's list at once; their votes and upvotes when `withdrawalIsSafe`).
 * Returns the ids removed.
 *
 * @param k the k-threshold, for withdrawing removed voters' votes
 */
export async function removeParticipantsJoinedBetween(db: DB, workshopId: number, since: string, until: string, k: number): Promise<number[]> {
  return inTransaction(db, async (trx) => {
    const rows = await trx
      .updateTable("workshop_participants")
      .set({ removed: 1 })
      .where("workshop_id", "=", workshopId)
      .where("removed", "=", 0)
      .where("created_at", ">=", since)
      .where("created_at", "<=", until)
      .returning("id")
      .execute();
    await withdrawRemovedVotersIfSafe(trx, workshopId, k);
    return rows.map((r) => r.id);
  });
}

/**
 * Removes a participant: they cannot vote, submit or upvote again, and what they sent leaves the
 * room's list at once (counting.ts). Votes they already cast and upvotes they gave keep counting
 * until every count they are part of can lose at least k removed people at once
 * (`withdrawalIsSafe`). Removing someone already removed changes nothing.
 *
 * @param k the k-threshold, for withdrawing removed voters' votes
 * @returns false when no such participant is in this workshop
 */
export async function removeParticipant(db: DB, workshopId: number, participantId: number, k: number): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const result = await trx.updateTable("workshop_participants").set({ removed: 1 }).where("workshop_id", "=", workshopId).where("id", "=", participantId).executeTakeFirst();
    await withdrawRemovedVotersIfSafe(trx, workshopId, k);
    return Number(result.numUpdatedRows) > 0;
  });
}

/**
 * Withdraws every removed participant whose votes and credits still count, all together, when
 * `withdrawalIsSafe` allows it (each count loses none or at least k of them: every tally, gap and
 * shift their votes are in, and each submission's upvote count and "what moved me" count their
 * upvotes and round-2 votes are part of, or may be once a hidden submission is shown again);
 * otherwise nothing. Runs in the removal's transaction, after the removal.
 */
async function withdrawRemovedVotersIfSafe(trx: DB, workshopId: number, k: number): Promise<void> {
  await lockForTransaction(trx, `casebook:withdraw:${workshopId}`);
  const pending = sql`(select p.id from workshop_participants p where p.workshop_id = ${workshopId} and p.removed = 1 and p.withdrawn = 0)`;
  const [workshop, rows, credits] = await Promise.all([
    trx.selectFrom("workshops").select("perspectives").where("id", "=", workshopId).executeTakeFirstOrThrow(),
    trx
      .selectFrom("workshop_participants as p")
      .leftJoin("workshop_votes as v", (join) => join.onRef("v.participant_id", "=", "p.id").onRef("v.workshop_id", "=", "p.workshop_id"))
      .select(["p.id as id", "v.round as round", "v.perspective as perspective"])
      .where("p.workshop_id", "=", workshopId)
      .where("p.removed", "=", 1)
      .where("p.withdrawn", "=", 0)
      .execute(),
    // Each pending person's upvotes and "what moved me", with the facts the counting rule reads.
    sql<{ kind: CreditKind; giver: number; submission_id: number; submission_kind: "argument" | "question"; author_id: number; author_removed: number }>`
      select 'upvote' as kind, u.participant_id as giver, s.id as submission_id, s.kind as submission_kind, s.participant_id as author_id, a.removed as author_removed
      from workshop_upvotes u join workshop_submissions s on s.id = u.submission_id join workshop_participants a on a.id = s.participant_id
      where s.workshop_id = ${workshopId} and u.participant_id in ${pending}
      union
      select 'moved-by' as kind, v.participant_id as giver, s.id as submission_id, s.kind as submission_kind, s.participant_id as author_id, a.removed as author_removed
      from workshop_votes v join workshop_submissions s on s.id = v.moved_by_submission_id join workshop_participants a on a.id = s.participant_id
      where v.workshop_id = ${workshopId} and v.participant_id in ${pending}`.execute(trx),
  ]);
  if (rows.length === 0) return;
  const perspectives = JSON.parse(workshop.perspectives) as string[];
  const cells = new Map<number, VoteCell[]>();
  for (const r of rows) {
    const own = cells.get(r.id) ?? [];
    if (r.round !== null && r.perspective !== null) own.push({ round: r.round, perspective: r.perspective });
    cells.set(r.id, own);
  }
  const credited = new Map<number, string[]>();
  for (const c of credits.rows) {
    const contribution = { kind: c.submission_kind, authorRemoved: Number(c.author_removed) === 1 };
    if (creditMayCount(c.kind, contribution, { byAuthor: Number(c.giver) === Number(c.author_id) })) {
      credited.set(Number(c.giver), [...(credited.get(Number(c.giver)) ?? []), `${c.kind} ${c.submission_id}`]);
    }
  }
  if (
    !withdrawalIsSafe(
      [...cells].map(([id, own]) => countsHolding(own, perspectives, credited.get(id) ?? [])),
      k,
    )
  )
    return;
  await trx
    .updateTable("workshop_participants")
    .set({ withdrawn: 1 })
    .where("id", "in", [...cells.keys()])
    .execute();
}

export async function listParticipants(db: DB, workshopId: number) {
  return db.selectFrom("workshop_participants").select(["id", "display_name", "standing", "removed", "created_at", "role"]).where("workshop_id", "=", workshopId).orderBy("id").execute();
}

/**
 * The people in the room now (not removed) with their declared standing, for the role
 * assignment only: the standing never leaves the server (ADR 028).
 */
export async function roleCandidates(db: DB, workshopId: number): Promise<{ id: number; standing: string | null }[]> {
  return db.selectFrom("workshop_participants").select(["id", "standing"]).where("workshop_id", "=", workshopId).where("removed", "=", 0).orderBy("id").execute();
}

/** The ids of the people playing `role` in the room now (not removed), ascending: the raters who see the same texts (`ratingSample`). */
export async function participantsOfRole(db: DB, workshopId: number, role: string): Promise<number[]> {
  const rows = await db.selectFrom("workshop_participants").select("id").where("workshop_id", "=", workshopId).where("role", "=", role).where("removed", "=", 0).orderBy("id").execute();
  return rows.map((r) => r.id);
}

/**
 * Stores a whole assignment of roles (every participant in it gets their role; anyone not in it
 * keeps none) and counts it as a new version of the room's roles. Call inside a transaction that
 * holds the room's join lock, so a phone joining meanwhile is either assigned or a newcomer.
 */
export async function saveRoleAssignment(db: DB, workshopId: number, assignment: ReadonlyMap<number, string>): Promise<void> {
  await db.updateTable("workshop_participants").set({ role: null }).where("workshop_id", "=", workshopId).execute();
  const byRole = new Map<string, number[]>();
  for (const [id, role] of assignment) {
    const ids = byRole.get(role);
    if (ids) ids.push(id);
    else byRole.set(role, [id]);
  }
  for (const [role, ids] of byRole) await db.updateTable("workshop_participants").set({ role }).where("workshop_id", "=", workshopId).where("id", "in", ids).execute();
  await db
    .updateTable("workshops")
    .set((eb) => ({ roles_version: eb("roles_version", "+", 1), updated_at: nowIso() }))
    .where("id", "=", workshopId)
    .execute();
}

/**
 * Moves one participant still in the room to `role`. Returns "moved", "unchanged" (they already
 * play it: a repeat changes nothing), or "not-found" (not in this room, or removed).
 */
export async function moveParticipantRole(db: DB, workshopId: number, participantId: number, role: string): Promise<"moved" | "unchanged" | "not-found"> {
  const row = await db.selectFrom("workshop_participants").select(["role", "removed"]).where("workshop_id", "=", workshopId).where("id", "=", participantId).executeTakeFirst();
  if (!row || row.removed === 1) return "not-found";
  if (row.role === role) return "unchanged";
  await db.updateTable("workshop_participants").set({ role }).where("id", "=", participantId).execute();
  await db
    .updateTable("workshops")
    .set((eb) => ({ roles_version: eb("roles_version", "+", 1), updated_at: nowIso() }))
    .where("id", "=", workshopId)
    .execute();
  return "moved";
}

/**
 * The swap (ADR 032): every participant with a role, removed or not, passes to the next role
 * (`swappedRoles`; `steps` −1 undoes it), all in one statement, and the room's roles version
 * moves on so every phone reads its new role card. Holds the room's join lock, as an assignment
 * does, so a phone joining meanwhile is either swapped with the room or joins after it and gets
 * the role with the fewest people then. Nothing happens before roles are assigned. Call inside
 * the stage change's transaction.
 */
async function rotateRoles(trx: DB, workshopId: number, steps: 1 | -1): Promise<void> {
  const workshop = await trx.selectFrom("workshops").select(["roles", "roles_version"]).where("id", "=", workshopId).executeTakeFirstOrThrow();
  if (workshop.roles === null || Number(workshop.roles_version) === 0) return;
  await lockForTransaction(trx, `workshop-join:${workshopId}`);
  const mapping = [...swappedRoles(JSON.parse(workshop.roles) as string[], steps)];
  const role = sql<string>`case ${sql.join(
    mapping.map(([from, to]) => sql`when role = ${from} then ${to}`),
    sql` `,
  )} else role end`;
  await trx.updateTable("workshop_participants").set({ role }).where("workshop_id", "=", workshopId).where("role", "is not", null).execute();
  await trx
    .updateTable("workshops")
    .set((eb) => ({ roles_version: eb("roles_version", "+", 1) }))
    .where("id", "=", workshopId)
    .execute();
}

/** Starts (or replaces) the step timer, or stops it with null. */
export async function setStepTimer(db: DB, workshopId: number, timer: StepTimer | null): Promise<void> {
  await db
    .updateTable("workshops")
    .set({ timer_ends_at: timer?.endsAt ?? null, timer_minutes: timer?.minutes ?? null, updated_at: nowIso() })
    .where("id", "=", workshopId)
    .execute();
}

/**
 * The workshop's withdrawn participants, as an SQL subquery of ids (`withdrawn` is set by
 * withdrawRemovedVotersIfSafe). Every aggregate of a room's votes leaves these out, and only
 * these: removed participants not yet withdrawn keep counting.
 */
export function withdrawnParticipants(scope: { workshopId: number } | { caseId: number }) {
  const within = "workshopId" in scope ? sql`p.workshop_id = ${scope.workshopId}` : sql`p.workshop_id in (select id from workshops where case_id = ${scope.caseId})`;
  return sql`(select p.id from workshop_participants p where ${within} and p.withdrawn = 1)`;
}

/** Participants in the room now (not removed): who could still answer. */
export async function countParticipants(db: DB, workshopId: number): Promise<number> {
  const row = await db
    .selectFrom("workshop_participants")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("workshop_id", "=", workshopId)
    .where("removed", "=", 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Everyone who joined the room, removed or not: the "of M" in "N of M answered". A removal never
 * changes it, so removing a named phone says nothing about whether that phone had voted (ADR 009);
 * capacity checks count only those present (countParticipants).
 */
export async function countJoined(db: DB, workshopId: number): Promise<number> {
  const row = await db
    .selectFrom("workshop_participants")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("workshop_id", "=", workshopId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
