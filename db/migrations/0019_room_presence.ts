import { sql, type Kysely } from "kysely";

/**
 * Who is in each room, kept (ADR 040): per room and role, how many participants are in it now
 * (not removed), so a join checks the room's capacity and picks a newcomer's role without
 * counting the room. `role` is the role they play, or '' for none (a room without roles, or
 * before the assignment): a primary key column cannot be null. A table of its own rather than a
 * column of `workshops`: a join must not lock the workshop row (votes hold it shared, and a stage
 * change holds it while it waits for the join lock). Filled here from the participants as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("workshop_presence")
    .addColumn("workshop_id", "integer", (c) => c.notNull().references("workshops.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("present", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("workshop_presence_pk", ["workshop_id", "role"])
    .execute();
  await sql`
    insert into workshop_presence (workshop_id, role, present)
    select workshop_id, coalesce(role, ''), count(*) from workshop_participants where removed = 0 group by workshop_id, coalesce(role, '')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("workshop_presence").execute();
}
