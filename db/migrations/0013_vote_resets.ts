import type { Kysely } from "kysely";

/**
 * How many times a workshop's round votes were reset (issue 16, "The phones"). Phones are sent
 * it with the room, so a reset while voting stays open reaches every phone at once and voids
 * the "your vote is in" and the choices it shows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("workshops")
    .addColumn("vote_resets", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshops").dropColumn("vote_resets").execute();
}
