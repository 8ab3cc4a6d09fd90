/**
 * Steelmen and their "fair to us" ratings (ADR 031): the queries. What may be written, rated and
 * shown is decided in app/domain (steelmen.ts, and disclosure.ts for what is released when).
 */
import type { DB } from "../../db/client";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import type { ArgumentStatus, SteelmanSide } from "../../db/schema";
import { contributionCounts, creditCounts, steelmanContribution } from "../domain/counting";
import { releaseSteelmanScores, steelmenToOpen } from "../domain/disclosure";
import { nowIso } from "./clock";

export interface SteelmanRow {
  id: number;
  caseId: number;
  userId: number;
  perspective: string;
  side: SteelmanSide;
  body: string;
  status: ArgumentStatus;
  opened: boolean;
  /** Twice the released mean rating, or null before a score is released. */
  releasedScore: number | null;
  editedAt: string | null;
  createdAt: string;
}

const columns = ["id", "case_id", "user_id", "perspective", "side", "body", "status", "opened_at", "released_score", "edited_at", "created_at"] as const;

function toSteelman(r: {
  id: number;
  case_id: number;
  user_id: number;
  perspective: string;
  side: SteelmanSide;
  body: string;
  status: ArgumentStatus;
  opened_at: string | null;
  released_score: number | null;
  edited_at: string | null;
  created_at: string;
}): SteelmanRow {
  return {
    id: r.id,
    caseId: r.case_id,
    userId: r.user_id,
    perspective: r.perspective,
    side: r.side,
    body: r.body,
    status: r.status,
    opened: r.opened_at !== null,
    releasedScore: r.released_score,
    editedAt: r.edited_at,
    createdAt: r.created_at,
  };
}

export async function findSteelman(db: DB, id: number): Promise<SteelmanRow | undefined> {
  const row = await db.selectFrom("steelmen").select(columns).where("id", "=", id).executeTakeFirst();
  return row && toSteelman(row);
}

/** Every steelman of a case, deleted and hidden ones included, oldest first. */
export async function listCaseSteelmen(db: DB, caseId: number): Promise<SteelmanRow[]> {
  const rows = await db.selectFrom("steelmen").select(columns).where("case_id", "=", caseId).orderBy("id").execute();
  return rows.map(toSteelman);
}

/** The person's steelman on a perspective of a case (one at most that is not deleted). */
export async function findMySteelman(db: DB, caseId: number, userId: number, perspective: string): Promise<SteelmanRow | undefined> {
  const row = await db
    .selectFrom("steelmen")
    .select(columns)
    .where("case_id", "=", caseId)
    .where("user_id", "=", userId)
    .where("perspective", "=", perspective)
    .where("status", "<>", "deleted")
    .executeTakeFirst();
  return row && toSteelman(row);
}

/**
 * Writes the person's steelman on a perspective: a new one, or new text and side for their
 * pending one (the action checks it is not open yet). After a deletion a new one is a new row,
 * pending, with no ratings: the deleted one stays as it was (soft deletion).
 */
export async function saveSteelman(db: DB, input: { caseId: number; userId: number; perspective: string; side: SteelmanSide; body: string }): Promise<"created" | "edited"> {
  const now = nowIso();
  const existing = await findMySteelman(db, input.caseId, input.userId, input.perspective);
  if (existing) {
    await db.updateTable("steelmen").set({ side: input.side, body: input.body, edited_at: now, updated_at: now }).where("id", "=", existing.id).execute();
    return "edited";
  }
  await db
    .insertInto("steelmen")
    .values({
      case_id: input.caseId,
      user_id: input.userId,
      perspective: input.perspective,
      side: input.side,
      body: input.body,
      status: "visible",
      moderation_reason: null,
      opened_at: null,
      released_score: null,
      edited_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return "created";
}

export async function setSteelmanStatus(db: DB, id: number, status: ArgumentStatus, reason: string | null): Promise<void> {
  await db.updateTable("steelmen").set({ status, moderation_reason: reason, updated_at: nowIso() }).where("id", "=", id).execute();
}

/** Sets one person's "fair to us" rating of a steelman (a second rating replaces the first). */
export async function rateSteelman(db: DB, steelmanId: number, userId: number, value: number): Promise<"rated" | "changed"> {
  const now = nowIso();
  const before = await db.selectFrom("steelman_ratings").select("value").where("steelman_id", "=", steelmanId).where("user_id", "=", userId).executeTakeFirst();
  await db
    .insertInto("steelman_ratings")
    .values({ steelman_id: steelmanId, user_id: userId, value, released_value: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(["steelman_id", "user_id"]).doUpdateSet({ value, updated_at: now }))
    .execute();
  return before ? "changed" : "rated";
}

/** The person's own ratings on a case's steelmen: steelman id → value. Shown only to them. */
export async function myRatings(db: DB, caseId: number, userId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("steelman_ratings")
    .innerJoin("steelmen", "steelmen.id", "steelman_ratings.steelman_id")
    .select(["steelman_ratings.steelman_id", "steelman_ratings.value"])
    .where("steelmen.case_id", "=", caseId)
    .where("steelman_ratings.user_id", "=", userId)
    .execute();
  return new Map(rows.map((r) => [r.steelman_id, r.value]));
}

/**
 * Releases the case's steelmen once per release of its results (ADR 031): opens pending batches
 * of k (`steelmenToOpen`) and releases scores due (`releaseSteelmanScores`). Results releases
 * happen when k people have answered since the last (ADR 009), a moment no rating and no
 * steelman decides, so neither an opening nor a score change follows one person's action.
 * Cheap when nothing is due (one read of the two release rows); safe to call from any reader.
 *
 * @returns whether steelmen were released by this call
 */
export async function releaseSteelmenIfDue(db: DB, caseId: number, k: number): Promise<boolean> {
  const due = async (reader: DB) => {
    const row = await reader
      .selectFrom("result_releases")
      .leftJoin("steelman_releases", "steelman_releases.case_id", "result_releases.case_id")
      .select(["result_releases.released_at", "steelman_releases.results_released_at"])
      .where("result_releases.case_id", "=", caseId)
      .executeTakeFirst();
    return row && row.released_at !== row.results_released_at ? row.released_at : null;
  };
  if (!(await due(db))) return false;
  return inTransaction(db, async (trx) => {
    await lockForTransaction(trx, `steelman-release:${caseId}`);
    const resultsReleasedAt = await due(trx);
    if (!resultsReleasedAt) return false;
    const now = nowIso();
    const steelmen = await listCaseSteelmen(trx, caseId);
    const ratings = await trx
      .selectFrom("steelman_ratings")
      .innerJoin("steelmen", "steelmen.id", "steelman_ratings.steelman_id")
      .select(["steelman_ratings.steelman_id", "steelman_ratings.user_id", "steelman_ratings.value", "steelman_ratings.released_value", "steelman_ratings.updated_at"])
      .where("steelmen.case_id", "=", caseId)
      .execute();
    // What the results release saw: steelmen written and ratings given by then. Whenever this
    // runs, it releases the state at that moment, so a read never opens or scores on its own time.
    const asOf = (r: { updated_at: string; value: number; released_value: number | null }) => (r.updated_at <= resultsReleasedAt ? r.value : r.released_value);
    const toOpen = steelmenToOpen(
      steelmen.filter((s) => !s.opened && s.createdAt <= resultsReleasedAt).map((s) => ({ id: s.id, perspective: s.perspective, side: s.side, counts: contributionCounts(steelmanContribution(s)) })),
      k,
    );
    if (toOpen.length > 0) await trx.updateTable("steelmen").set({ opened_at: now, updated_at: now }).where("id", "in", toOpen).execute();
    const scores = releaseSteelmanScores(
      steelmen.map((s) => {
        const contribution = steelmanContribution(s);
        return {
          id: s.id,
          counts: contributionCounts(contribution),
          releasedScore: s.releasedScore,
          ratings: ratings
            .filter((r) => r.steelman_id === s.id && asOf(r) !== null && creditCounts("fair-rating", contribution, { byAuthor: r.user_id === s.userId, byWithdrawn: false }))
            .map((r) => ({ value: asOf(r)!, releasedValue: r.released_value })),
        };
      }),
      k,
    );
    for (const [id, score] of scores) {
      await trx.updateTable("steelmen").set({ released_score: score, updated_at: now }).where("id", "=", id).execute();
      await trx
        .updateTable("steelman_ratings")
        .set((eb) => ({ released_value: eb.ref("value") }))
        .where("steelman_id", "=", id)
        .where("updated_at", "<=", resultsReleasedAt)
        .execute();
    }
    await trx
      .insertInto("steelman_releases")
      .values({ case_id: caseId, results_released_at: resultsReleasedAt, created_at: now })
      .onConflict((oc) => oc.column("case_id").doUpdateSet({ results_released_at: resultsReleasedAt }))
      .execute();
    return true;
  });
}
