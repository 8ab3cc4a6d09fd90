import type { Kysely } from "kysely";

/**
 * Which removed workshop participants have had their votes withdrawn from the room's counts.
 * Removed voters are withdrawn only together, when every count loses none or at least k of them
 * (ADR 009, "Removals"); the flag keeps a withdrawal in place, so a later reset of a round can
 * never recount who was withdrawn and bring one removed person's votes back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("workshop_participants")
    .addColumn("withdrawn", "integer", (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshop_participants").dropColumn("withdrawn").execute();
}
