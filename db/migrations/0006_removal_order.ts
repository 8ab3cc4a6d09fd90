import { sql, type Kysely } from "kysely";

/**
 * When each workshop participant was removed. Removed voters are withdrawn from a room's counts
 * only in whole batches of k, in order of removal (ADR 009, "Removals"), so the order is stored.
 * Participants removed before this migration get their join time: their relative order is all
 * that matters, and nothing later can be removed before them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshop_participants").addColumn("removed_at", "text").execute();
  await sql`update workshop_participants set removed_at = created_at where removed = 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshop_participants").dropColumn("removed_at").execute();
}
