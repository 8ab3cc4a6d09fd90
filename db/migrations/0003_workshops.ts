import type { Kysely } from "kysely";
import { autoIncrementId } from "../dialect";

/** Live workshops: join code, stage, anonymous participants, their votes per round, submissions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("workshops")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id"))
    .addColumn("case_version_id", "integer", (c) => c.notNull().references("case_versions.id"))
    .addColumn("facilitator_user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("perspectives", "text", (c) => c.notNull())
    .addColumn("two_rounds", "integer", (c) => c.notNull())
    .addColumn("results_mode", "text", (c) => c.notNull())
    .addColumn("ask_standing", "integer", (c) => c.notNull())
    .addColumn("stage", "text", (c) => c.notNull())
    .addColumn("voting_open", "integer", (c) => c.notNull())
    .addColumn("revealed_rounds", "text", (c) => c.notNull())
    .addColumn("spotlight_submission_id", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("ended_at", "text")
    .execute();
  await db.schema.createIndex("workshops_facilitator").on("workshops").column("facilitator_user_id").execute();
  await db.schema.createIndex("workshops_case").on("workshops").column("case_id").execute();

  // No account id anywhere: a participant is a device token's hash within one workshop.
  await db.schema
    .createTable("workshop_participants")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("workshop_id", "integer", (c) => c.notNull().references("workshops.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull())
    .addColumn("display_name", "text")
    .addColumn("standing", "text")
    .addColumn("removed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("workshop_participants_token", ["workshop_id", "token_hash"])
    .execute();

  await db.schema
    .createTable("workshop_votes")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("workshop_id", "integer", (c) => c.notNull().references("workshops.id").onDelete("cascade"))
    .addColumn("participant_id", "integer", (c) => c.notNull().references("workshop_participants.id").onDelete("cascade"))
    .addColumn("round", "integer", (c) => c.notNull())
    .addColumn("perspective", "text", (c) => c.notNull())
    .addColumn("option", "text", (c) => c.notNull())
    .addColumn("judgement", "integer", (c) => c.notNull())
    .addColumn("moved_by_submission_id", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("workshop_votes_one_per_round", ["workshop_id", "participant_id", "round", "perspective"])
    .execute();
  await db.schema.createIndex("workshop_votes_tally").on("workshop_votes").columns(["workshop_id", "round", "perspective", "option", "judgement"]).execute();

  await db.schema
    .createTable("workshop_submissions")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("workshop_id", "integer", (c) => c.notNull().references("workshops.id").onDelete("cascade"))
    .addColumn("participant_id", "integer", (c) => c.notNull().references("workshop_participants.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("hidden", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("workshop_submissions_workshop").on("workshop_submissions").column("workshop_id").execute();

  await db.schema
    .createTable("workshop_upvotes")
    .addColumn("submission_id", "integer", (c) => c.notNull().references("workshop_submissions.id").onDelete("cascade"))
    .addColumn("participant_id", "integer", (c) => c.notNull().references("workshop_participants.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("workshop_upvotes_pk", ["submission_id", "participant_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["workshop_upvotes", "workshop_submissions", "workshop_votes", "workshop_participants", "workshops"]) {
    await db.schema.dropTable(table).execute();
  }
}
