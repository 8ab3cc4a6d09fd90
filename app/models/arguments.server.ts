import { sql } from "kysely";
import type { DB } from "../../db/client";
import { inTransaction } from "../../db/dialect";
import type { ArgumentSide, ArgumentStatus } from "../../db/schema";
import type { CountedEndorser } from "../domain/disclosure";
import { nowIso } from "./clock";

export interface ArgumentRow {
  id: number;
  caseId: number;
  userId: number;
  authorName: string;
  parentId: number | null;
  perspective: string | null;
  side: ArgumentSide | null;
  lens: string | null;
  body: string;
  status: ArgumentStatus;
  moderationReason: string | null;
  editedAt: string | null;
  createdAt: string;
}

export async function createArgument(
  db: DB,
  input: { caseId: number; userId: number; perspective: string; side: ArgumentSide; lens: string | null; body: string },
): Promise<number> {
  return insertArgument(db, { ...input, parentId: null });
}

/** A reply has no perspective, side or lens of its own: it answers its parent. */
export async function createReply(db: DB, input: { caseId: number; userId: number; parentId: number; body: string }): Promise<number> {
  return insertArgument(db, { ...input, perspective: null, side: null, lens: null });
}

async function insertArgument(
  db: DB,
  input: { caseId: number; userId: number; parentId: number | null; perspective: string | null; side: ArgumentSide | null; lens: string | null; body: string },
): Promise<number> {
  const now = nowIso();
  const row = await db
    .insertInto("arguments")
    .values({
      case_id: input.caseId,
      user_id: input.userId,
      parent_id: input.parentId,
      perspective: input.perspective,
      side: input.side,
      lens: input.lens,
      body: input.body,
      status: "visible",
      moderation_reason: null,
      edited_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const argumentColumns = [
  "arguments.id",
  "arguments.case_id",
  "arguments.user_id",
  "users.display_name",
  "arguments.parent_id",
  "arguments.perspective",
  "arguments.side",
  "arguments.lens",
  "arguments.body",
  "arguments.status",
  "arguments.moderation_reason",
  "arguments.edited_at",
  "arguments.created_at",
] as const;

type SelectedArgument = {
  id: number;
  case_id: number;
  user_id: number;
  display_name: string;
  parent_id: number | null;
  perspective: string | null;
  side: ArgumentSide | null;
  lens: string | null;
  body: string;
  status: ArgumentStatus;
  moderation_reason: string | null;
  edited_at: string | null;
  created_at: string;
};

function toArgument(r: SelectedArgument): ArgumentRow {
  return {
    id: r.id,
    caseId: r.case_id,
    userId: r.user_id,
    authorName: r.display_name,
    parentId: r.parent_id,
    perspective: r.perspective,
    side: r.side,
    lens: r.lens,
    body: r.body,
    status: r.status,
    moderationReason: r.moderation_reason,
    editedAt: r.edited_at,
    createdAt: r.created_at,
  };
}

export async function findArgument(db: DB, id: number): Promise<ArgumentRow | undefined> {
  const row = await db
    .selectFrom("arguments")
    .innerJoin("users", "users.id", "arguments.user_id")
    .select(argumentColumns)
    .where("arguments.id", "=", id)
    .executeTakeFirst();
  return row && toArgument(row);
}

/** Every argument and reply on a case, deleted ones included so threads keep their shape. */
/** Every argument and reply on a case, oldest first. Plain SQL: every case page runs it, and building it with the query builder cost more than running it. */
export async function listCaseArguments(db: DB, caseId: number): Promise<ArgumentRow[]> {
  const { rows } = await sql<SelectedArgument>`
    select a.id, a.case_id, a.user_id, u.display_name, a.parent_id, a.perspective, a.side, a.lens, a.body, a.status,
      a.moderation_reason, a.edited_at, a.created_at
    from arguments a join users u on u.id = a.user_id
    where a.case_id = ${caseId}
    order by a.id`.execute(db);
  return rows.map(toArgument);
}

/** How deep an argument sits: 0 for a top-level argument, 1 for a reply, 2 for a reply to a reply. */
export async function depthOf(db: DB, argumentId: number): Promise<number> {
  let depth = 0;
  let current = await db.selectFrom("arguments").select("parent_id").where("id", "=", argumentId).executeTakeFirst();
  while (current?.parent_id != null && depth < 10) {
    depth += 1;
    current = await db.selectFrom("arguments").select("parent_id").where("id", "=", current.parent_id).executeTakeFirst();
  }
  return depth;
}

export async function editArgumentBody(db: DB, id: number, body: string): Promise<void> {
  const now = nowIso();
  await db.updateTable("arguments").set({ body, edited_at: now, updated_at: now }).where("id", "=", id).execute();
}

export async function setArgumentStatus(db: DB, id: number, status: ArgumentStatus, reason: string | null): Promise<void> {
  await db
    .updateTable("arguments")
    .set({ status, moderation_reason: reason, updated_at: nowIso() })
    .where("id", "=", id)
    .execute();
}

/** Toggles one person's endorsement; the primary key makes a double endorsement impossible. */
export async function toggleEndorsement(db: DB, argumentId: number, userId: number): Promise<"endorsed" | "withdrawn"> {
  return inTransaction(db, async (trx) => {
    const removed = await trx
      .deleteFrom("endorsements")
      .where("argument_id", "=", argumentId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) return "withdrawn";
    await trx
      .insertInto("endorsements")
      .values({ argument_id: argumentId, user_id: userId, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["argument_id", "user_id"]).doNothing())
      .execute();
    return "endorsed";
  });
}

export interface EndorsementRow {
  argumentId: number;
  userId: number;
}

/**
 * Endorsements on a case's arguments: who endorsed what. Public actions (ADR 009), so the page
 * counts them live; what endorsers answered is read only by a release (`countedEndorsers`).
 */
export async function listCaseEndorsements(db: DB, caseId: number): Promise<EndorsementRow[]> {
  const rows = await db
    .selectFrom("endorsements")
    .innerJoin("arguments", "arguments.id", "endorsements.argument_id")
    .select(["endorsements.argument_id", "endorsements.user_id"])
    .where("arguments.case_id", "=", caseId)
    .execute();
  return rows.map((r) => ({ argumentId: r.argument_id, userId: r.user_id }));
}

/**
 * The endorsers a release of bridging scores counts: every endorser of the case's arguments with
 * a released answer (`released_positions`, as the release just made holds them) on the argument's
 * perspective, with that answer's row id, judgement and standing (the standing of their first
 * answer on the case). Scores are read from the release's own records, so an answer the results
 * hold back, or a person never released, is never in a score either (attacker review, ADR 009).
 * Replies have no perspective and so no counted endorsers.
 */
export async function countedEndorsers(db: DB, caseId: number): Promise<CountedEndorser[]> {
  const rows = await db
    .selectFrom("endorsements")
    .innerJoin("arguments", "arguments.id", "endorsements.argument_id")
    .innerJoin("released_positions as released", (join) =>
      join
        .onRef("released.user_id", "=", "endorsements.user_id")
        .onRef("released.case_id", "=", "arguments.case_id")
        .onRef("released.perspective", "=", "arguments.perspective"),
    )
    .innerJoin("positions", "positions.id", "released.position_id")
    .select(["endorsements.argument_id", "endorsements.user_id", "positions.id", "positions.judgement", "positions.standing"])
    .where("arguments.case_id", "=", caseId)
    .execute();
  return rows.map((r) => ({ argumentId: r.argument_id, userId: r.user_id, positionId: r.id, judgement: r.judgement, standing: r.standing }));
}

export interface MyArgument {
  id: number;
  caseSlug: string;
  caseTitle: string;
  parentId: number | null;
  body: string;
  status: ArgumentStatus;
  createdAt: string;
}

export async function listArgumentsBy(db: DB, userId: number): Promise<MyArgument[]> {
  const rows = await db
    .selectFrom("arguments")
    .innerJoin("cases", "cases.id", "arguments.case_id")
    .innerJoin("case_versions", "case_versions.id", "cases.current_version_id")
    .select([
      "arguments.id",
      "cases.slug",
      "case_versions.title",
      "arguments.parent_id",
      "arguments.body",
      "arguments.status",
      "arguments.created_at",
    ])
    .where("arguments.user_id", "=", userId)
    .where("arguments.status", "!=", "deleted")
    .orderBy("arguments.id", "desc")
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseSlug: r.slug,
    caseTitle: r.title,
    parentId: r.parent_id,
    body: r.body,
    status: r.status,
    createdAt: r.created_at,
  }));
}

export interface ReplyToMe {
  id: number;
  caseSlug: string;
  caseTitle: string;
  authorName: string;
  body: string;
  createdAt: string;
  unread: boolean;
}

/** Visible replies by others to this person's arguments and replies. */
export async function listRepliesTo(db: DB, userId: number, seenAt: string | null): Promise<ReplyToMe[]> {
  const rows = await db
    .selectFrom("arguments as reply")
    .innerJoin("arguments as mine", "mine.id", "reply.parent_id")
    .innerJoin("users", "users.id", "reply.user_id")
    .innerJoin("cases", "cases.id", "reply.case_id")
    .innerJoin("case_versions", "case_versions.id", "cases.current_version_id")
    .select(["reply.id", "cases.slug", "case_versions.title", "users.display_name", "reply.body", "reply.created_at"])
    .where("mine.user_id", "=", userId)
    .where("reply.user_id", "!=", userId)
    .where("reply.status", "=", "visible")
    .orderBy("reply.id", "desc")
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseSlug: r.slug,
    caseTitle: r.title,
    authorName: r.display_name,
    body: r.body,
    createdAt: r.created_at,
    unread: seenAt === null || r.created_at > seenAt,
  }));
}

export async function countUnreadReplies(db: DB, userId: number): Promise<number> {
  const row = await db
    .selectFrom("arguments as reply")
    .innerJoin("arguments as mine", "mine.id", "reply.parent_id")
    .innerJoin("users", "users.id", "mine.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("mine.user_id", "=", userId)
    .where("reply.user_id", "!=", userId)
    .where("reply.status", "=", "visible")
    .where((eb) => eb.or([eb("users.replies_seen_at", "is", null), eb("reply.created_at", ">", eb.ref("users.replies_seen_at"))]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markRepliesSeen(db: DB, userId: number): Promise<void> {
  await db.updateTable("users").set({ replies_seen_at: nowIso() }).where("id", "=", userId).execute();
}
