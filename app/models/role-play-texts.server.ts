/**
 * A role-play room's steelmen and rehearsal lines and their ratings (ADR 034): the queries. Who may
 * write and rate what is decided in app/domain/role-play-texts.ts; what is released when, in
 * app/domain/disclosure.ts (`releaseSteelmanScores`, shared with the online steelmen of ADR 031).
 */
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { contributionCounts, creditCounts, rolePlayTextContribution } from "../domain/counting";
import { releaseSteelmanScores, type StandingRating } from "../domain/disclosure";
import type { TextFacts, TextKind, TextRating } from "../domain/role-play-texts";
import { nowIso } from "./clock";

/** A text with what the rules read, its words and its released score. Never carries its author's name. */
export interface RolePlayText extends TextFacts {
  workshopId: number;
  body: string;
  /** Twice the released mean rating (half points), or null before a score is released. */
  releasedScore: number | null;
}

const columns = ["t.id", "t.workshop_id", "t.kind", "t.participant_id", "t.role", "t.target_role", "t.hidden", "p.removed", "t.body", "t.released_score"] as const;

function toText(r: {
  id: number;
  workshop_id: number;
  kind: TextKind;
  participant_id: number;
  role: string;
  target_role: string | null;
  hidden: number;
  removed: number;
  body: string;
  released_score: number | null;
}): RolePlayText {
  return {
    id: Number(r.id),
    workshopId: Number(r.workshop_id),
    kind: r.kind,
    authorId: Number(r.participant_id),
    role: r.role,
    targetRole: r.target_role,
    hidden: Number(r.hidden) === 1,
    authorRemoved: Number(r.removed) === 1,
    body: r.body,
    releasedScore: r.released_score === null ? null : Number(r.released_score),
  };
}

function texts(db: DB) {
  return db.selectFrom("role_play_texts as t").innerJoin("workshop_participants as p", "p.id", "t.participant_id").select(columns);
}

/** One text by id, in any workshop (the caller checks it is this room's). */
export async function findText(db: DB, id: number): Promise<RolePlayText | undefined> {
  const row = await texts(db).where("t.id", "=", id).executeTakeFirst();
  return row && toText(row);
}

/** Every text of a workshop's step, hidden and removed authors' included, oldest first: the rules pick what each audience sees. */
export async function textsOfStep(db: DB, workshopId: number, kind: TextKind): Promise<RolePlayText[]> {
  const rows = await texts(db).where("t.workshop_id", "=", workshopId).where("t.kind", "=", kind).orderBy("t.id").execute();
  return rows.map(toText);
}

/** This participant's own text of a step, with whether anyone has rated it yet. */
export async function ownText(db: DB, workshopId: number, participantId: number, kind: TextKind): Promise<(RolePlayText & { rated: boolean }) | undefined> {
  const row = await texts(db)
    .select((eb) => eb.exists(eb.selectFrom("role_play_ratings as r").select("r.text_id").whereRef("r.text_id", "=", "t.id")).as("rated"))
    .where("t.workshop_id", "=", workshopId)
    .where("t.participant_id", "=", participantId)
    .where("t.kind", "=", kind)
    .executeTakeFirst();
  return row && { ...toText(row), rated: Boolean(Number(row.rated)) };
}

/**
 * Writes or rewrites this participant's text of a step (one per participant, workshop and kind).
 * The caller has checked it may (`writeRefusal`), inside the same transaction.
 *
 * @returns the text's id and whether it was new
 */
export async function saveText(
  db: DB,
  input: { workshopId: number; participantId: number; kind: TextKind; role: string; targetRole: string | null; body: string },
): Promise<{ id: number; created: boolean }> {
  const now = nowIso();
  const existing = await db
    .selectFrom("role_play_texts")
    .select("id")
    .where("workshop_id", "=", input.workshopId)
    .where("participant_id", "=", input.participantId)
    .where("kind", "=", input.kind)
    .executeTakeFirst();
  if (existing) {
    await db.updateTable("role_play_texts").set({ body: input.body, role: input.role, target_role: input.targetRole, updated_at: now }).where("id", "=", existing.id).execute();
    return { id: existing.id, created: false };
  }
  const row = await db
    .insertInto("role_play_texts")
    .values({
      workshop_id: input.workshopId,
      participant_id: input.participantId,
      kind: input.kind,
      role: input.role,
      target_role: input.targetRole,
      body: input.body,
      created_at: now,
      updated_at: now,
    })
    // Two submissions of one phone at the same moment (two keys) meet here: the later rewrites the text.
    .onConflict((oc) => oc.columns(["workshop_id", "participant_id", "kind"]).doUpdateSet({ body: input.body, role: input.role, target_role: input.targetRole, updated_at: now }))
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

/** Gives or changes one participant's rating of a text (the caller checked `rateRefusal`). */
export async function rateText(db: DB, textId: number, participantId: number, rating: TextRating): Promise<"added" | "changed" | "unchanged"> {
  const now = nowIso();
  const before = await db.selectFrom("role_play_ratings").select(["value", "criteria"]).where("text_id", "=", textId).where("participant_id", "=", participantId).executeTakeFirst();
  if (before && before.value === rating.value && before.criteria === rating.criteria) return "unchanged";
  await db
    .insertInto("role_play_ratings")
    .values({ text_id: textId, participant_id: participantId, value: rating.value, criteria: rating.criteria, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(["text_id", "participant_id"]).doUpdateSet({ value: rating.value, criteria: rating.criteria, updated_at: now }))
    .execute();
  return before ? "changed" : "added";
}

/** This participant's own ratings in a step, by text id: their phone shows what they chose, and nobody else's. */
export async function ownRatings(db: DB, workshopId: number, participantId: number, kind: TextKind): Promise<Map<number, TextRating>> {
  const rows = await db
    .selectFrom("role_play_ratings as r")
    .innerJoin("role_play_texts as t", "t.id", "r.text_id")
    .select(["r.text_id", "r.value", "r.criteria"])
    .where("t.workshop_id", "=", workshopId)
    .where("t.kind", "=", kind)
    .where("r.participant_id", "=", participantId)
    .execute();
  return new Map(rows.map((r) => [Number(r.text_id), { value: Number(r.value), criteria: r.criteria === null ? null : Number(r.criteria) }]));
}

/** Hides a text from everyone but the facilitator, or shows it again (moderation); its ratings stay stored. */
export async function setTextHidden(db: DB, id: number, hidden: boolean): Promise<void> {
  await db
    .updateTable("role_play_texts")
    .set({ hidden: hidden ? 1 : 0, updated_at: nowIso() })
    .where("id", "=", id)
    .execute();
}

/** Every rating of a step's texts, with what the counting rule and the release read. */
async function stepRatings(db: DB, workshopId: number, kind: TextKind) {
  const rows = await sql<{ text_id: number; rater_id: number; value: number; released_value: number | null; by_author: number; by_withdrawn: number; standing: string | null }>`
    select r.text_id as text_id, r.participant_id as rater_id, r.value as value, r.released_value as released_value,
      case when r.participant_id = t.participant_id then 1 else 0 end as by_author, g.withdrawn as by_withdrawn, g.standing as standing
    from role_play_ratings r
    join role_play_texts t on t.id = r.text_id
    join workshop_participants g on g.id = r.participant_id
    where t.workshop_id = ${workshopId} and t.kind = ${kind}`.execute(db);
  return rows.rows.map((r) => ({
    textId: Number(r.text_id),
    raterId: Number(r.rater_id),
    value: Number(r.value),
    releasedValue: r.released_value === null ? null : Number(r.released_value),
    byAuthor: Number(r.by_author) === 1,
    byWithdrawn: Number(r.by_withdrawn) === 1,
    standing: r.standing,
  }));
}

/**
 * Releases a step's scores as its rating closes (the stage machine's "release-ratings" effect):
 * `releaseSteelmanScores` decides which texts get a score now (k counted raters, and k new or
 * changed ratings since the score shown); each released text stores its score and each of its
 * counted ratings the value it counted. Run inside the stage change's transaction.
 *
 * @returns the ids whose score was released now
 */
export async function releaseTextScores(db: DB, workshopId: number, kind: TextKind, k: number): Promise<number[]> {
  const [all, ratings] = await Promise.all([textsOfStep(db, workshopId, kind), stepRatings(db, workshopId, kind)]);
  const counted = (text: RolePlayText) => ratings.filter((r) => r.textId === text.id && creditCounts("text-rating", rolePlayTextContribution(text), r));
  const released = releaseSteelmanScores(
    all.map((text) => ({
      id: text.id,
      counts: contributionCounts(rolePlayTextContribution(text)),
      releasedScore: text.releasedScore,
      ratings: counted(text).map((r) => ({ value: r.value, releasedValue: r.releasedValue })),
    })),
    k,
  );
  const now = nowIso();
  for (const [id, score] of released) {
    await db.updateTable("role_play_texts").set({ released_score: score, updated_at: now }).where("id", "=", id).execute();
    const text = all.find((t) => t.id === id)!;
    for (const r of counted(text)) {
      await db.updateTable("role_play_ratings").set({ released_value: r.value }).where("text_id", "=", id).where("participant_id", "=", r.raterId).execute();
    }
  }
  return [...released.keys()];
}

/** A step's counted ratings (the counting rule) with each rater's declared standing: the input of `ratingsByStanding`. */
export async function countedRatingsWithStanding(db: DB, workshopId: number, kind: TextKind): Promise<StandingRating[]> {
  const [all, ratings] = await Promise.all([textsOfStep(db, workshopId, kind), stepRatings(db, workshopId, kind)]);
  const byId = new Map(all.map((t) => [t.id, t]));
  return ratings.filter((r) => creditCounts("text-rating", rolePlayTextContribution(byId.get(r.textId)!), r)).map((r) => ({ raterId: r.raterId, standing: r.standing, value: r.value }));
}
