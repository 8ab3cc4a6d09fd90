import type { Kysely } from "kysely";

/**
 * Whether a workshop participant had votes in a round that was later reset. Removed voters are
 * withdrawn from a room's counts in whole batches of k (ADR 009, "Removals"), and who counts as
 * a removed voter must not change when a reset deletes a round's votes: otherwise a batch is
 * recounted without the reset voter, and another removed person's votes return on their own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshop_participants").addColumn("had_reset_votes", "integer", (col) => col.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshop_participants").dropColumn("had_reset_votes").execute();
}
