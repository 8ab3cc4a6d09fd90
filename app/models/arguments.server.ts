import { sql } from "kysely";
import type { DB } from "../../db/client";
import { inTransaction } from "../../db/dialect";
import type { ArgumentSide, ArgumentStatus, CaseStatus, Role } from "../../db/schema";
import { countedLean, leansToRecord, publicLeans, type SidedArgument } from "../domain/bridging";
import type { CountedEndorser } from "../domain/disclosure";
import { repliesToTell, type ReplyFacts } from "../domain/counting";
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

export async function createArgument(db: DB, input: { caseId: number; userId: number; perspective: string; side: ArgumentSide; lens: string | null; body: string }): Promise<number> {
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
  const row = await db.selectFrom("arguments").innerJoin("users", "users.id", "arguments.user_id").select(argumentColumns).where("arguments.id", "=", id).executeTakeFirst();
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
  await db.updateTable("arguments").set({ status, moderation_reason: reason, updated_at: nowIso() }).where("id", "=", id).execute();
}

/** Toggles one person's endorsement; the primary key makes a double endorsement impossible. */
export async function toggleEndorsement(db: DB, argumentId: number, userId: number): Promise<"endorsed" | "withdrawn"> {
  return inTransaction(db, async (trx) => {
    const removed = await trx.deleteFrom("endorsements").where("argument_id", "=", argumentId).where("user_id", "=", userId).executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) {
      await recordKnownLeans(trx, argumentId, userId);
      return "withdrawn";
    }
    await trx
      .insertInto("endorsements")
      .values({ argument_id: argumentId, user_id: userId, created_at: nowIso() })
      .onConflict((oc) => oc.columns(["argument_id", "user_id"]).doNothing())
      .execute();
    await recordKnownLeans(trx, argumentId, userId);
    return "endorsed";
  });
}

/**
 * Records the endorser's lean on each of their endorsements of the argument's case that has
 * none yet and has one now (`leansToRecord`, ADR 018). Called whenever they endorse or withdraw,
 * the moments their public lean can change (a moderator hiding an argument can change it too:
 * until their next endorsement or withdrawal the lean counted is then the one they have now).
 */
async function recordKnownLeans(trx: DB, argumentId: number, userId: number): Promise<void> {
  const argument = await trx.selectFrom("arguments").select("case_id").where("id", "=", argumentId).executeTakeFirst();
  if (!argument) return;
  const [sided, mine] = await Promise.all([
    sidedArguments(trx, argument.case_id),
    trx
      .selectFrom("endorsements")
      .innerJoin("arguments", "arguments.id", "endorsements.argument_id")
      .select(["endorsements.argument_id", "endorsements.recorded_lean"])
      .where("arguments.case_id", "=", argument.case_id)
      .where("arguments.parent_id", "is", null)
      .where("endorsements.user_id", "=", userId)
      .execute(),
  ]);
  const current = publicLeans(
    sided,
    mine.map((e) => ({ argumentId: e.argument_id, userId })),
  );
  for (const { argumentId: endorsed, lean } of leansToRecord(
    mine.map((e) => ({ argumentId: e.argument_id, userId, recorded: e.recorded_lean })),
    current,
  )) {
    await trx.updateTable("endorsements").set({ recorded_lean: lean }).where("argument_id", "=", endorsed).where("user_id", "=", userId).where("recorded_lean", "is", null).execute();
  }
}

/** A case's top-level arguments with a perspective and side, as `publicLeans` reads them. */
async function sidedArguments(db: DB, caseId: number): Promise<SidedArgument[]> {
  const rows = await db
    .selectFrom("arguments")
    .select(["id", "user_id", "perspective", "side", "status"])
    .where("case_id", "=", caseId)
    .where("parent_id", "is", null)
    .where("perspective", "is not", null)
    .where("side", "is not", null)
    .execute();
  return rows.map((a) => ({ id: a.id, userId: a.user_id, perspective: a.perspective!, side: a.side!, visible: a.status === "visible" }));
}

export interface EndorsementRow {
  argumentId: number;
  userId: number;
}

/**
 * Endorsements on a case's arguments: who endorsed what. Public actions (ADR 009), so the page
 * counts them live; bridging scores read them (and endorsers' standings) only at a release
 * (`countedEndorsers`).
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
 * The endorsers a release of bridging scores counts (ADR 018): every endorser of the case's
 * top-level arguments, answered or not, with their public lean on the argument (`publicLeans`:
 * from the sides of the other top-level arguments of the same perspective they endorsed) and the
 * standing declared on their profile. Nothing is read from anyone's answers, so no score can
 * tell one (ADR 009, "Bridging scores"). Replies have no perspective and so no counted endorsers.
 */
export async function countedEndorsers(db: DB, caseId: number): Promise<CountedEndorser[]> {
  const [sided, endorsements] = await Promise.all([
    sidedArguments(db, caseId),
    db
      .selectFrom("endorsements")
      .innerJoin("arguments", "arguments.id", "endorsements.argument_id")
      .innerJoin("users", "users.id", "endorsements.user_id")
      .select(["endorsements.argument_id", "endorsements.user_id", "endorsements.recorded_lean", "users.standing"])
      .where("arguments.case_id", "=", caseId)
      .where("arguments.parent_id", "is", null)
      .execute(),
  ]);
  const leans = publicLeans(
    sided,
    endorsements.map((e) => ({ argumentId: e.argument_id, userId: e.user_id })),
  );
  return endorsements
    .filter((e) => leans.get(e.argument_id)?.has(e.user_id))
    .map((e) => ({ argumentId: e.argument_id, userId: e.user_id, lean: countedLean(e.recorded_lean, leans.get(e.argument_id)!.get(e.user_id)!), standing: e.standing }));
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
    .select(["arguments.id", "cases.slug", "case_versions.title", "arguments.parent_id", "arguments.body", "arguments.status", "arguments.created_at"])
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

/** How many of the newest replies to a person's posts are read to find those to list on /me, and how many are listed. */
const REPLIES_READ = 200;
const REPLIES_LISTED = 100;
/** How many of the newest unread replies are read to count the header's number. */
const UNREAD_REPLIES_READ = 1000;

/**
 * Replies to this person's arguments and replies, newest first, with the facts the counting rule
 * reads (counting.ts `ReplyFacts`), not yet filtered by it.
 *
 * @param unreadOnly only those written after the person last looked at /me (users.replies_seen_at)
 */
function replyFactsQuery(db: DB, userId: number, unreadOnly: boolean) {
  let query = db
    .selectFrom("arguments as reply")
    .innerJoin("arguments as mine", "mine.id", "reply.parent_id")
    .innerJoin("cases", "cases.id", "reply.case_id")
    .select(["reply.id", "reply.user_id", "reply.parent_id", "reply.status", "reply.created_at", "cases.status as case_status"])
    .where("mine.user_id", "=", userId);
  if (unreadOnly) {
    query = query.innerJoin("users", "users.id", "mine.user_id").where((eb) => eb.or([eb("users.replies_seen_at", "is", null), eb("reply.created_at", ">", eb.ref("users.replies_seen_at"))]));
  }
  return query.orderBy("reply.id", "desc");
}

const toReplyFacts = (r: { id: number; user_id: number; parent_id: number | null; status: ArgumentStatus; case_status: CaseStatus }): ReplyFacts => ({
  id: r.id,
  userId: r.user_id,
  parentId: r.parent_id,
  status: r.status,
  caseStatus: r.case_status,
});

/**
 * The replies to tell this person about on /me (counting.ts `repliesToTell`: visible, by someone
 * else, on a case they may read), newest first, at most 100 of the newest 200 replies to them.
 *
 * @param seenAt when they last looked (ISO UTC), to mark newer replies unread; null: all are
 */
export async function listRepliesTo(db: DB, reader: { id: number; role: Role }, seenAt: string | null): Promise<ReplyToMe[]> {
  const facts = await replyFactsQuery(db, reader.id, false)
    .innerJoin("users as author", "author.id", "reply.user_id")
    .innerJoin("case_versions", "case_versions.id", "cases.current_version_id")
    .select(["cases.slug", "case_versions.title", "author.display_name", "reply.body"])
    .limit(REPLIES_READ)
    .execute();
  const told = repliesToTell(
    facts.map((r) => ({ ...toReplyFacts(r), row: r })),
    reader,
  ).slice(0, REPLIES_LISTED);
  return told.map(({ row: r }) => ({
    id: r.id,
    caseSlug: r.slug,
    caseTitle: r.title,
    authorName: r.display_name,
    body: r.body,
    createdAt: r.created_at,
    unread: seenAt === null || r.created_at > seenAt,
  }));
}

/**
 * The header's number: unread replies to tell this person about (the same rule as /me,
 * `repliesToTell`), counted among the newest 1,000 unread replies to them.
 */
export async function countUnreadReplies(db: DB, reader: { id: number; role: Role }): Promise<number> {
  const facts = await replyFactsQuery(db, reader.id, true).limit(UNREAD_REPLIES_READ).execute();
  return repliesToTell(facts.map(toReplyFacts), reader).length;
}

export async function markRepliesSeen(db: DB, userId: number): Promise<void> {
  await db.updateTable("users").set({ replies_seen_at: nowIso() }).where("id", "=", userId).execute();
}
