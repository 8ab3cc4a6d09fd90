import type { Kysely } from "kysely";

/**
 * Every record an online release held (ADR 009, "Several releases read together"): a person's
 * released answer to one perspective (a positions row), from the release that took it
 * (`from_release`, the release's index in the case's history, 0 first) until the release that
 * replaced it (`until_release`, null while held). The joint test of all releases reads these; a
 * case released before this migration gets its current records once, as taken by its last
 * release, on its next plan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("release_records")
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("perspective", "text", (c) => c.notNull())
    .addColumn("position_id", "integer", (c) => c.notNull().references("positions.id").onDelete("cascade"))
    .addColumn("from_release", "integer", (c) => c.notNull())
    .addColumn("until_release", "integer")
    .addPrimaryKeyConstraint("release_records_pk", ["case_id", "user_id", "perspective", "from_release"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("release_records").execute();
}
