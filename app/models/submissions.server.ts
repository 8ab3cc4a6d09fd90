/**
 * A live room's submissions (arguments and questions sent from phones) and their upvotes: sending,
 * hiding, upvoting, and the credit facts (upvotes, "what moved me") the counting rule reads
 * (app/domain/counting.ts).
 */
import { sql, type Selectable } from "kysely";
import type { DB } from "../../db/client";
import type { CamelCased, WorkshopParticipantsTable, WorkshopSubmissionsTable } from "../../db/schema";
import type { CreditFacts } from "../domain/counting";
import { nowIso } from "./clock";

type SubmissionRow = Selectable<WorkshopSubmissionsTable>;
type AuthorRow = Selectable<WorkshopParticipantsTable>;

/**
 * A workshop submission with the facts the counting rule reads (app/domain/counting.ts): whether
 * a moderator hid it, who wrote it and whether they were removed.
 */
export type SubmissionFacts = CamelCased<Pick<SubmissionRow, "id" | "workshop_id" | "kind" | "body" | "created_at">> & {
  hidden: boolean;
  /** The participant who sent it. */
  authorId: SubmissionRow["participant_id"];
  authorRemoved: boolean;
  authorName: AuthorRow["display_name"];
};

const submissionFactColumns = ["s.id", "s.workshop_id", "s.kind", "s.body", "s.hidden", "s.participant_id", "a.removed", "a.display_name", "s.created_at"] as const;

function toSubmissionFacts(r: Pick<SubmissionRow, "id" | "workshop_id" | "kind" | "body" | "hidden" | "participant_id" | "created_at"> & Pick<AuthorRow, "removed" | "display_name">): SubmissionFacts {
  return {
    id: r.id,
    workshopId: r.workshop_id,
    kind: r.kind,
    body: r.body,
    hidden: Number(r.hidden) === 1,
    authorId: r.participant_id,
    authorRemoved: Number(r.removed) === 1,
    authorName: r.display_name,
    createdAt: r.created_at,
  };
}

export async function addSubmission(db: DB, input: { workshopId: number; participantId: number; kind: "argument" | "question"; body: string }): Promise<number> {
  const row = await db
    .insertInto("workshop_submissions")
    .values({ workshop_id: input.workshopId, participant_id: input.participantId, kind: input.kind, body: input.body, created_at: nowIso() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findSubmission(db: DB, id: number): Promise<SubmissionFacts | undefined> {
  const row = await db
    .selectFrom("workshop_submissions as s")
    .innerJoin("workshop_participants as a", "a.id", "s.participant_id")
    .select(submissionFactColumns)
    .where("s.id", "=", id)
    .executeTakeFirst();
  return row && toSubmissionFacts(row);
}

export async function setSubmissionHidden(db: DB, id: number, hidden: boolean): Promise<void> {
  await db
    .updateTable("workshop_submissions")
    .set({ hidden: hidden ? 1 : 0 })
    .where("id", "=", id)
    .execute();
}

/**
 * Sets one phone's upvote of a submission to the state its form asked for (ADR 016: state-based,
 * so a repeat, or the same button sent from a second page, changes nothing). Says what changed:
 * "added", "removed", or "unchanged" when the upvote already was as asked.
 *
 * @param upvoted true to upvote, false to take the upvote back
 */
export async function setUpvote(db: DB, submissionId: number, participantId: number, upvoted: boolean): Promise<"added" | "removed" | "unchanged"> {
  if (!upvoted) {
    const removed = await db.deleteFrom("workshop_upvotes").where("submission_id", "=", submissionId).where("participant_id", "=", participantId).executeTakeFirst();
    return Number(removed.numDeletedRows) > 0 ? "removed" : "unchanged";
  }
  const added = await db
    .insertInto("workshop_upvotes")
    .values({ submission_id: submissionId, participant_id: participantId, created_at: nowIso() })
    .onConflict((oc) => oc.columns(["submission_id", "participant_id"]).doNothing())
    .executeTakeFirst();
  return Number(added.numInsertedOrUpdatedRows ?? 0) > 0 ? "added" : "unchanged";
}

/**
 * Every submission of a workshop, oldest first, removed authors' and hidden ones included, with
 * the room's upvotes grouped by what the counting rule reads (one row per submission, whether
 * the author gave it, and whether the giver was withdrawn). `roomSubmissions` (counting.ts)
 * turns them into the lists every screen and the debrief show.
 */
export async function listSubmissions(db: DB, workshopId: number): Promise<{ submissions: SubmissionFacts[]; upvotes: CreditFacts[] }> {
  const [submissions, upvotes] = await Promise.all([
    db
      .selectFrom("workshop_submissions as s")
      .innerJoin("workshop_participants as a", "a.id", "s.participant_id")
      .select(submissionFactColumns)
      .where("s.workshop_id", "=", workshopId)
      .orderBy("s.id")
      .execute(),
    sql<{ submission_id: number; by_author: number; by_withdrawn: number; people: number }>`
      select u.submission_id as submission_id, case when u.participant_id = s.participant_id then 1 else 0 end as by_author,
        g.withdrawn as by_withdrawn, count(*) as people
      from workshop_upvotes u
      join workshop_submissions s on s.id = u.submission_id
      join workshop_participants g on g.id = u.participant_id
      where s.workshop_id = ${workshopId}
      group by u.submission_id, case when u.participant_id = s.participant_id then 1 else 0 end, g.withdrawn`.execute(db),
  ]);
  return { submissions: submissions.map(toSubmissionFacts), upvotes: upvotes.rows.map(toCreditFacts) };
}

function toCreditFacts(r: { submission_id: number; by_author: number; by_withdrawn: number; people: number }): CreditFacts {
  return { contributionId: Number(r.submission_id), byAuthor: Number(r.by_author) === 1, byWithdrawn: Number(r.by_withdrawn) === 1, people: Number(r.people) };
}

/** The submissions this participant sent (their phone offers no upvote, nor "what moved me", on them). */
export async function submittedBy(db: DB, workshopId: number, participantId: number): Promise<Set<number>> {
  const rows = await db.selectFrom("workshop_submissions").select("id").where("workshop_id", "=", workshopId).where("participant_id", "=", participantId).execute();
  return new Set(rows.map((r) => r.id));
}

export async function upvotedBy(db: DB, workshopId: number, participantId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom("workshop_upvotes")
    .innerJoin("workshop_submissions", "workshop_submissions.id", "workshop_upvotes.submission_id")
    .select("workshop_upvotes.submission_id")
    .where("workshop_submissions.workshop_id", "=", workshopId)
    .where("workshop_upvotes.participant_id", "=", participantId)
    .execute();
  return new Set(rows.map((r) => r.submission_id));
}

/**
 * Who named each submission as "the argument that moved me" in round 2, grouped by what the
 * counting rule reads (whether the voter wrote it, whether the voter was withdrawn); one person
 * counts once per submission whatever the perspectives they answered. `countCredits("moved-by")`
 * says how many of them count.
 */
export async function movedByFacts(db: DB, workshopId: number): Promise<CreditFacts[]> {
  const rows = await sql<{ submission_id: number; by_author: number; by_withdrawn: number; people: number }>`
    select v.moved_by_submission_id as submission_id, case when v.participant_id = s.participant_id then 1 else 0 end as by_author,
      g.withdrawn as by_withdrawn, count(distinct v.participant_id) as people
    from workshop_votes v
    join workshop_submissions s on s.id = v.moved_by_submission_id
    join workshop_participants g on g.id = v.participant_id
    where v.workshop_id = ${workshopId} and v.moved_by_submission_id is not null
    group by v.moved_by_submission_id, case when v.participant_id = s.participant_id then 1 else 0 end, g.withdrawn`.execute(db);
  return rows.rows.map(toCreditFacts);
}
