/**
 * A live room's participants, one per phone (device token): joining through the room's door,
 * finding a phone's participant, counting who joined, removals (and withdrawing removed voters'
 * votes and credits once that is safe for every count), and role-play roles (assignment, moves,
 * the swap).
 */
import { createHash } from "node:crypto";
import { sql, type RawBuilder, type Selectable } from "kysely";
import type { DB } from "../../db/client";
import type { CamelCased, Standing, WorkshopParticipantsTable } from "../../db/schema";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import { joinRefusal } from "../domain/room-defences";
import { countsHolding, withdrawalIsSafe, type VoteCell } from "../domain/disclosure";
import { creditMayCount, type CreditKind } from "../domain/counting";
import { roleForNewcomer, swappedRoles } from "../domain/role-assignment";
import { containsText } from "../../db/text-search";
import { nowIso } from "./clock";

export function hashDeviceToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

type ParticipantRow = Selectable<WorkshopParticipantsTable>;

/** A phone in the room: its name and standing as declared on joining, whether it was removed, its role in a role-play room (null until assigned). */
export type Participant = CamelCased<Pick<ParticipantRow, "id" | "workshop_id" | "display_name" | "standing" | "role">> & { removed: boolean };

/** The participant a row of workshop_participants holds (also read joined to its workshop, findWorkshopAndParticipant). */
export function toParticipant(row: Pick<ParticipantRow, "id" | "workshop_id" | "display_name" | "standing" | "removed" | "role">): Participant {
  return { id: row.id, workshopId: row.workshop_id, displayName: row.display_name, standing: row.standing, removed: Number(row.removed) === 1, role: row.role ?? null };
}

export async function findParticipant(db: DB, workshopId: number, tokenHash: string): Promise<Participant | undefined> {
  const row = await db
    .selectFrom("workshop_participants")
    .select(["id", "workshop_id", "display_name", "standing", "removed", "role"])
    .where("workshop_id", "=", workshopId)
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
  return row && toParticipant(row);
}

/**
 * How many participants are in the room now (not removed), as a subquery of the room whose id is
 * the column `workshopId` of the outer query: the room list's count and the door's (joinWorkshop).
 * Reads the kept count (workshop_presence, ADR 040): a row per role, not a row per participant.
 */
export function presentParticipants(workshopId: string): RawBuilder<number> {
  return sql<number>`(select coalesce(sum(kept.present), 0) from workshop_presence kept where kept.workshop_id = ${sql.ref(workshopId)})`;
}

/**
 * Counts again who is in the room now, per role (workshop_presence, ADR 040), from the
 * participants as they are in this transaction. Every change of who is present or of a present
 * participant's role calls it before committing, except a join, which adds its one (joinWorkshop).
 * Takes the room's join lock (first, if the caller has not: see removeParticipant), so no join
 * adds to the count between this count and the commit. O(people in the room): for the
 * facilitator's rare changes, never for a join.
 */
async function recountPresence(trx: DB, workshopId: number): Promise<void> {
  await lockForTransaction(trx, `workshop-join:${workshopId}`);
  await trx.deleteFrom("workshop_presence").where("workshop_id", "=", workshopId).execute();
  await sql`
    insert into workshop_presence (workshop_id, role, present)
    select workshop_id, coalesce(role, ''), count(*) from workshop_participants where workshop_id = ${workshopId} and removed = 0 group by workshop_id, coalesce(role, '')`.execute(trx);
}

/** How many joined the room: everyone, or only those in it now (not removed), and only those who joined within [since, until] when given. */
async function countJoinedWhere(db: DB, workshopId: number, which: { present: boolean; since?: string; until?: string }): Promise<number> {
  let query = db
    .selectFrom("workshop_participants")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("workshop_id", "=", workshopId);
  if (which.present) query = query.where("removed", "=", 0);
  if (which.since !== undefined) query = query.where("created_at", ">=", which.since);
  if (which.until !== undefined) query = query.where("created_at", "<=", which.until);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Participants in the room now (not removed): who could still answer. Reads the kept count (ADR 040). */
export async function countParticipants(db: DB, workshopId: number): Promise<number> {
  const row = await db
    .selectFrom("workshop_presence")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("present"), eb.lit(0)).as("n"))
    .where("workshop_id", "=", workshopId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Everyone who joined the room, removed or not: the "of M" in "N of M answered". A removal never
 * changes it, so removing a named phone says nothing about whether that phone had voted (ADR 009);
 * capacity checks count only those present (countParticipants).
 */
export async function countJoined(db: DB, workshopId: number): Promise<number> {
  return countJoinedWhere(db, workshopId, { present: false });
}

/** How many participants still in the room joined within [since, until] (ISO-8601 UTC, inclusive). */
export async function countJoinedBetween(db: DB, workshopId: number, since: string, until: string): Promise<number> {
  return countJoinedWhere(db, workshopId, { present: true, since, until });
}

export type JoinOutcome = { joined: true; participant: Participant } | { joined: false; refusal: string };

/**
 * Joins, or rejoins as the same participant when this device has joined before, unless the
 * room's door refuses a new phone (locked, or full: joinRefusal). The check and the insert run
 * in one transaction that holds the room's join lock, so two phones racing for the last place
 * cannot both get in (PostgreSQL would otherwise count the room in both before either inserts).
 * The room is not counted: the door and a newcomer's role read the kept count (workshop_presence,
 * ADR 040), which a new participant adds one to here, so a join costs the same in a full room as in
 * an empty one.
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
        presentParticipants("w.id").as("present"),
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
    // Someone new after roles were assigned plays the role with the fewest people (ADR 028); one
    // rejoining keeps theirs. The join lock above also keeps an assignment from interleaving.
    const isNew = door.existing_id === null || door.existing_id === undefined;
    let role: string | null = null;
    if (isNew && door.roles !== null && Number(door.roles_version) > 0) {
      const kept = await trx.selectFrom("workshop_presence").select(["role", "present"]).where("workshop_id", "=", input.workshopId).execute();
      role = roleForNewcomer(JSON.parse(door.roles) as string[], Object.fromEntries(kept.map((k) => [k.role, Number(k.present)])));
    }
    await trx
      .insertInto("workshop_participants")
      .values({ workshop_id: input.workshopId, token_hash: input.tokenHash, display_name: input.displayName, standing: input.standing, role, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["workshop_id", "token_hash"]).doUpdateSet({ display_name: input.displayName, standing: input.standing }))
      .execute();
    // Only a new participant is one more in the room (a rejoin, even of a removed one, is not).
    // Participants are inserted only here, under the join lock, so `existing_id` still holds.
    if (isNew) {
      await trx
        .insertInto("workshop_presence")
        .values({ workshop_id: input.workshopId, role: role ?? "", present: 1 })
        .onConflict((oc) => oc.columns(["workshop_id", "role"]).doUpdateSet((eb) => ({ present: eb("workshop_presence.present", "+", 1) })))
        .execute();
    }
    return { joined: true, participant: (await findParticipant(trx, input.workshopId, input.tokenHash))! };
  });
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
    await lockForTransaction(trx, `workshop-join:${workshopId}`);
    const rows = await trx
      .updateTable("workshop_participants")
      .set({ removed: 1 })
      .where("workshop_id", "=", workshopId)
      .where("removed", "=", 0)
      .where("created_at", ">=", since)
      .where("created_at", "<=", until)
      .returning("id")
      .execute();
    await recountPresence(trx, workshopId);
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
    // The join lock before the row: a join of this very phone holds the lock and then its row.
    await lockForTransaction(trx, `workshop-join:${workshopId}`);
    const result = await trx.updateTable("workshop_participants").set({ removed: 1 }).where("workshop_id", "=", workshopId).where("id", "=", participantId).executeTakeFirst();
    await recountPresence(trx, workshopId);
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

/**
 * The workshop's withdrawn participants, as an SQL subquery of ids (`withdrawn` is set by
 * withdrawRemovedVotersIfSafe). Every aggregate of a room's votes leaves these out, and only
 * these: removed participants not yet withdrawn keep counting.
 */
export function withdrawnParticipants(scope: { workshopId: number } | { caseId: number }) {
  const within = "workshopId" in scope ? sql`p.workshop_id = ${scope.workshopId}` : sql`p.workshop_id in (select id from workshops where case_id = ${scope.caseId})`;
  return sql`(select p.id from workshop_participants p where ${within} and p.withdrawn = 1)`;
}

/** A participant as the control panel lists them: no standing (ADR 028), no token. */
export interface ListedParticipant {
  id: number;
  name: string | null;
  removed: boolean;
  role: string | null;
}

const listed = (row: { id: number; display_name: string | null; removed: number; role: string | null }): ListedParticipant => ({
  id: row.id,
  name: row.display_name,
  removed: Number(row.removed) === 1,
  role: row.role,
});

/**
 * The last `limit` participants to join (removed ones included), in join order: what the control
 * panel lists live. One indexed read of at most `limit` rows, whatever the room's size.
 */
export async function newestParticipants(db: DB, workshopId: number, limit: number): Promise<ListedParticipant[]> {
  const rows = await db.selectFrom("workshop_participants").select(["id", "display_name", "removed", "role"]).where("workshop_id", "=", workshopId).orderBy("id", "desc").limit(limit).execute();
  return rows.reverse().map(listed);
}

/**
 * Participants whose name contains `text` (case-insensitive, taken literally), removed ones
 * included, in join order, at most `limit`; and whether there were more. Anonymous participants
 * are found by their number, as the panel shows it ("Anonymous #12") or alone ("#12", "12").
 */
export async function findParticipantsByName(db: DB, workshopId: number, text: string, limit: number): Promise<{ found: ListedParticipant[]; more: boolean }> {
  // As the panel names them: "Anonymous #12", "#12" or "12".
  const number = /^(?:anonymous\s*)?#?\s*(\d{1,9})$/i.exec(text.trim());
  const rows = await db
    .selectFrom("workshop_participants")
    .select(["id", "display_name", "removed", "role"])
    .where("workshop_id", "=", workshopId)
    .where((eb) => {
      const byName = containsText(db, sql.ref("display_name"), text);
      return number ? eb.or([byName, eb.and([eb("display_name", "is", null), eb("id", "=", Number(number[1]))])]) : byName;
    })
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  return { found: rows.slice(0, limit).map(listed), more: rows.length > limit };
}

/** People in the room now by role ("" for none), from the kept count (ADR 040): as many rows as roles, whatever the room's size. */
export async function presentByRole(db: DB, workshopId: number): Promise<Map<string, number>> {
  const rows = await db.selectFrom("workshop_presence").select(["role", "present"]).where("workshop_id", "=", workshopId).execute();
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.role, (counts.get(row.role) ?? 0) + Number(row.present));
  return counts;
}

/**
 * Joins per second since `since` (ISO-8601), removed phones included, as
 * { second: "YYYY-MM-DDTHH:MM:SS", count }: at most one row a second, read from the
 * (workshop_id, created_at) index, however many joined.
 */
export async function joinsBySecond(db: DB, workshopId: number, since: string): Promise<{ second: string; count: number }[]> {
  const second = sql<string>`substr(created_at, 1, 19)`;
  const rows = await db
    .selectFrom("workshop_participants")
    .select([second.as("second"), (eb) => eb.fn.countAll<number>().as("count")])
    .where("workshop_id", "=", workshopId)
    .where("created_at", ">=", since)
    .groupBy(second)
    .execute();
  return rows.map((r) => ({ second: r.second, count: Number(r.count) }));
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
  if (!db.isTransaction) throw new Error("saveRoleAssignment needs the transaction that holds the room's join lock");
  await db.updateTable("workshop_participants").set({ role: null }).where("workshop_id", "=", workshopId).execute();
  const byRole = new Map<string, number[]>();
  for (const [id, role] of assignment) {
    const ids = byRole.get(role);
    if (ids) ids.push(id);
    else byRole.set(role, [id]);
  }
  for (const [role, ids] of byRole) await db.updateTable("workshop_participants").set({ role }).where("workshop_id", "=", workshopId).where("id", "in", ids).execute();
  await recountPresence(db, workshopId);
  await nextRolesVersion(db, workshopId);
}

/**
 * Moves one participant still in the room to `role`. Returns "moved", "unchanged" (they already
 * play it: a repeat changes nothing), or "not-found" (not in this room, or removed).
 */
export async function moveParticipantRole(db: DB, workshopId: number, participantId: number, role: string): Promise<"moved" | "unchanged" | "not-found"> {
  return inTransaction(db, async (trx) => {
    // The join lock before the row, as removeParticipant: the count per role changes too.
    await lockForTransaction(trx, `workshop-join:${workshopId}`);
    const row = await trx.selectFrom("workshop_participants").select(["role", "removed"]).where("workshop_id", "=", workshopId).where("id", "=", participantId).executeTakeFirst();
    if (!row || Number(row.removed) === 1) return "not-found";
    if (row.role === role) return "unchanged";
    await trx.updateTable("workshop_participants").set({ role }).where("id", "=", participantId).execute();
    await recountPresence(trx, workshopId);
    await nextRolesVersion(trx, workshopId);
    return "moved";
  });
}

/**
 * The swap (ADR 032): every participant with a role, removed or not, passes to the next role
 * (`swappedRoles`; `steps` −1 undoes it), all in one statement, and the room's roles version
 * moves on so every phone reads its new role card. Holds the room's join lock, as an assignment
 * does, so a phone joining meanwhile is either swapped with the room or joins after it and gets
 * the role with the fewest people then. Nothing happens before roles are assigned. Call inside
 * the stage change's transaction.
 */
export async function rotateRoles(trx: DB, workshopId: number, steps: 1 | -1): Promise<void> {
  const workshop = await trx.selectFrom("workshops").select(["roles", "roles_version"]).where("id", "=", workshopId).executeTakeFirstOrThrow();
  if (workshop.roles === null || Number(workshop.roles_version) === 0) return;
  await lockForTransaction(trx, `workshop-join:${workshopId}`);
  const mapping = [...swappedRoles(JSON.parse(workshop.roles) as string[], steps)];
  const role = sql<string>`case ${sql.join(
    mapping.map(([from, to]) => sql`when role = ${from} then ${to}`),
    sql` `,
  )} else role end`;
  await trx.updateTable("workshop_participants").set({ role }).where("workshop_id", "=", workshopId).where("role", "is not", null).execute();
  await recountPresence(trx, workshopId);
  await nextRolesVersion(trx, workshopId);
}

/** Counts a change of the room's roles (an assignment, a move, a swap): phones follow the version to read their role card again. */
async function nextRolesVersion(db: DB, workshopId: number): Promise<void> {
  await db
    .updateTable("workshops")
    .set((eb) => ({ roles_version: eb("roles_version", "+", 1), updated_at: nowIso() }))
    .where("id", "=", workshopId)
    .execute();
}
