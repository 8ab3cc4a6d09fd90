import type { Kysely } from "kysely";

/**
 * Online releases per person (ADR 009, "Release per cell, per person, with a sticky grouping"):
 * each person's released answer per perspective is a pointer to the positions row a release took
 * (positions rows never change), so a release can take some people's new answers and keep
 * others' released ones. `result_releases.grouping` holds the release's grouping by standing and
 * the released people per standing (JSON); `waiting_from_position_id` is where the next attempt
 * starts looking for the people a release left waiting (null when nobody waits). A release stored
 * before this migration has no grouping: its people are worked out once, on the next read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("released_positions")
    .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("perspective", "text", (c) => c.notNull())
    .addColumn("position_id", "integer", (c) => c.notNull().references("positions.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("released_positions_pk", ["case_id", "user_id", "perspective"])
    .execute();
  await db.schema.alterTable("result_releases").addColumn("grouping", "text").execute();
  await db.schema.alterTable("result_releases").addColumn("waiting_from_position_id", "integer").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("result_releases").dropColumn("waiting_from_position_id").execute();
  await db.schema.alterTable("result_releases").dropColumn("grouping").execute();
  await db.schema.dropTable("released_positions").execute();
}
