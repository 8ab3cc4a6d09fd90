import { sql, type Kysely } from "kysely";
import { autoIncrementId } from "../dialect";

/** Positions (two ballots per person, history kept), arguments with replies, endorsements. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("positions")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("case_version_id", "integer", (c) => c.notNull().references("case_versions.id"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("perspective", "text", (c) => c.notNull())
    .addColumn("option", "text", (c) => c.notNull())
    .addColumn("judgement", "integer", (c) => c.notNull())
    .addColumn("legal", "text", (c) => c.notNull())
    .addColumn("confidence", "text", (c) => c.notNull())
    .addColumn("standing", "text")
    .addColumn("moved_by_argument_id", "integer")
    .addColumn("initial_option", "text", (c) => c.notNull())
    .addColumn("initial_judgement", "integer", (c) => c.notNull())
    .addColumn("judgement_change", "integer", (c) => c.notNull())
    .addColumn("option_changed", "integer", (c) => c.notNull())
    .addColumn("is_current", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  // One current position per person, case and perspective, enforced by the database.
  await db.schema.createIndex("positions_one_current").on("positions").columns(["case_id", "user_id", "perspective"]).unique().where(sql.ref("is_current"), "=", 1).execute();
  // Covers the results page's grouped query without touching the table.
  await db.schema
    .createIndex("positions_results")
    .on("positions")
    .columns(["case_id", "is_current", "perspective", "standing", "option", "judgement", "legal", "case_version_id", "judgement_change", "option_changed"])
    .execute();
  await db.schema.createIndex("positions_user").on("positions").columns(["user_id", "case_id", "perspective"]).execute();

  // Each person's current employee and employer judgements side by side, kept in step with
  // positions, so the empathy gap is one grouped scan instead of a self-join.
  await db.schema
    .createTable("empathy_gaps")
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("standing", "text")
    .addColumn("employee_judgement", "integer")
    .addColumn("employer_judgement", "integer")
    .addColumn("gap", "integer")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("empathy_gaps_pk", ["case_id", "user_id"])
    .execute();
  await db.schema.createIndex("empathy_gaps_results").on("empathy_gaps").columns(["case_id", "gap", "standing"]).execute();

  await db.schema
    .createTable("arguments")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("parent_id", "integer", (c) => c.references("arguments.id"))
    .addColumn("perspective", "text")
    .addColumn("side", "text")
    .addColumn("lens", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("visible"))
    .addColumn("moderation_reason", "text")
    .addColumn("edited_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("arguments_case").on("arguments").columns(["case_id", "parent_id"]).execute();
  await db.schema.createIndex("arguments_parent").on("arguments").column("parent_id").execute();
  await db.schema.createIndex("arguments_user").on("arguments").column("user_id").execute();

  await db.schema
    .createTable("endorsements")
    .addColumn("argument_id", "integer", (c) => c.notNull().references("arguments.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("endorsements_pk", ["argument_id", "user_id"])
    .execute();

  await db.schema.alterTable("users").addColumn("replies_seen_at", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("replies_seen_at").execute();
  await db.schema.dropTable("endorsements").execute();
  await db.schema.dropTable("arguments").execute();
  await db.schema.dropTable("empathy_gaps").execute();
  await db.schema.dropTable("positions").execute();
}
