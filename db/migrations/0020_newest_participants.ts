import type { Kysely } from "kysely";

/**
 * The control panel lists a room's last participants to join (ADR 043): `where workshop_id = ?
 * order by id desc limit 200`. Without this index the database read every participant of the room
 * through the (workshop_id, created_at) index and sorted them; with it, it reads the 200.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("workshop_participants_newest").on("workshop_participants").columns(["workshop_id", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("workshop_participants_newest").execute();
}
