import type { Kysely } from "kysely";

/**
 * A room's defences against ballot stuffing: the facilitator can lock the room (no new joins)
 * and set a capacity (joins beyond it refused). Both are plain columns both databases read alike;
 * an index on participants' join time serves "joins per minute" and "void a burst".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("workshops")
    .addColumn("locked", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("workshops").addColumn("capacity", "integer").execute();
  await db.schema.createIndex("workshop_participants_joined").on("workshop_participants").columns(["workshop_id", "created_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("workshop_participants_joined").execute();
  await db.schema.alterTable("workshops").dropColumn("capacity").execute();
  await db.schema.alterTable("workshops").dropColumn("locked").execute();
}
