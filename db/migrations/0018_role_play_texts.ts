import type { Kysely } from "kysely";
import { autoIncrementId } from "../dialect";

/**
 * A role-play room's written steps (issue 17, ADR 034): one table of texts for both kinds
 * ("steelman", "rehearsal"), one per participant, workshop and kind, and one of their ratings,
 * one per rater and text (changeable while rating is open). A text keeps the role its author
 * played (`role`) and, for a steelman, the role it argues for (`target_role`); its score is
 * released when rating closes, at k raters and after k new or changed ratings
 * (`released_score`, `role_play_ratings.released_value`), as online steelmen (ADR 031). A hidden
 * text (moderation) stays stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("role_play_texts")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("workshop_id", "integer", (c) => c.notNull().references("workshops.id").onDelete("cascade"))
    .addColumn("participant_id", "integer", (c) => c.notNull().references("workshop_participants.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("target_role", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("hidden", "integer", (c) => c.notNull().defaultTo(0))
    // Twice the released mean rating (half points); null until a score is released.
    .addColumn("released_score", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("role_play_texts_one_per_step", ["workshop_id", "participant_id", "kind"])
    .execute();

  await db.schema
    .createTable("role_play_ratings")
    .addColumn("text_id", "integer", (c) => c.notNull().references("role_play_texts.id").onDelete("cascade"))
    .addColumn("participant_id", "integer", (c) => c.notNull().references("workshop_participants.id").onDelete("cascade"))
    // "Fair to us" 1 … 5, or a rehearsal line's criteria met, 0 … 3.
    .addColumn("value", "integer", (c) => c.notNull())
    // A rehearsal rating's criteria, a bit per criterion in the rubric's order; null for a steelman.
    .addColumn("criteria", "integer")
    // The value the text's released score counted; null when it counted none of this rater's.
    .addColumn("released_value", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("role_play_ratings_pk", ["text_id", "participant_id"])
    .execute();
  await db.schema.createIndex("role_play_ratings_participant").on("role_play_ratings").column("participant_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("role_play_ratings").execute();
  await db.schema.dropTable("role_play_texts").execute();
}
