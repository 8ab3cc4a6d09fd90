import type { Kysely } from "kysely";

/**
 * Online results are released in batches (ADR 009): one stored release per case, replaced only
 * when at least k people have answered or changed their answer since it was made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("result_releases")
    .addColumn("case_id", "integer", (c) => c.primaryKey().references("cases.id").onDelete("cascade"))
    .addColumn("through_position_id", "integer", (c) => c.notNull())
    .addColumn("people", "integer", (c) => c.notNull())
    .addColumn("result_rows", "text", (c) => c.notNull())
    .addColumn("gap_cells", "text", (c) => c.notNull())
    .addColumn("released_at", "text", (c) => c.notNull())
    .execute();
  // "How many people changed anything since the release" is a range scan of the newest rows.
  await db.schema.createIndex("positions_case_sequence").on("positions").columns(["case_id", "id", "user_id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("positions_case_sequence").execute();
  await db.schema.dropTable("result_releases").execute();
}
