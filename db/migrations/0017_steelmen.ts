import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "../dialect";

/**
 * Steelmen (issue 17, "Online too"; ADR 031): after answering a perspective, a person may write
 * the strongest case for the side they did not take (`side`: the lean, "right" or "wrong", the
 * steelman argues for), one per person, case and perspective. People whose answer took that side
 * rate each one "fair to us" from 1 to 5, once each (changeable). What the page shows is
 * released in steps at the case's results releases: a steelman opens for rating in a batch
 * (`opened_at`), and its score appears and changes only with k ratings (`released_score`,
 * `steelman_ratings.released_value`); `steelman_releases` says which results release the
 * steelmen were last released at.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("steelmen")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("perspective", "text", (c) => c.notNull())
    .addColumn("side", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("visible"))
    .addColumn("moderation_reason", "text")
    .addColumn("opened_at", "text")
    // Twice the released mean rating (2 … 10): scores are shown in half points.
    .addColumn("released_score", "integer")
    .addColumn("edited_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // One steelman per person, case and perspective at a time; a deleted one stays (soft) beside a new one.
  await db.schema.createIndex("steelmen_one_per_person").on("steelmen").columns(["case_id", "user_id", "perspective"]).unique().where(sql.ref("status"), "<>", "deleted").execute();
  await db.schema.createIndex("steelmen_case").on("steelmen").column("case_id").execute();

  await db.schema
    .createTable("steelman_ratings")
    .addColumn("steelman_id", "integer", (c) => c.notNull().references("steelmen.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("value", "integer", (c) => c.notNull())
    // The value counted by the steelman's released score; null when that score did not count it.
    .addColumn("released_value", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("steelman_ratings_pk", ["steelman_id", "user_id"])
    .execute();
  await db.schema.createIndex("steelman_ratings_user").on("steelman_ratings").column("user_id").execute();

  await db.schema
    .createTable("steelman_releases")
    .addColumn("case_id", "integer", (c) => c.primaryKey().references("cases.id").onDelete("cascade"))
    // The results release (result_releases.released_at) the steelmen were last released at.
    .addColumn("results_released_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("steelman_releases").execute();
  await db.schema.dropTable("steelman_ratings").execute();
  await db.schema.dropTable("steelmen").execute();
}
