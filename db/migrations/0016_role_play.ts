import type { Kysely } from "kysely";

/**
 * Role-play workshops (issue 17, ADR 028). A workshop run as role-play keeps the roles it splits
 * the room into (a JSON array of the case version's role perspectives, in the author's order;
 * null for an ordinary workshop) and a counter of assignments and moves, which phones follow to
 * read their own role card again. Each participant holds the role they play (null until roles
 * are assigned). A step's timer is its deadline (ISO UTC) and the minutes it was set to; both
 * null when no timer runs. Plain columns both databases read alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshops").addColumn("roles", "text").execute();
  await db.schema
    .alterTable("workshops")
    .addColumn("roles_version", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("workshops").addColumn("timer_ends_at", "text").execute();
  await db.schema.alterTable("workshops").addColumn("timer_minutes", "integer").execute();
  await db.schema.alterTable("workshop_participants").addColumn("role", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("workshop_participants").dropColumn("role").execute();
  await db.schema.alterTable("workshops").dropColumn("timer_minutes").execute();
  await db.schema.alterTable("workshops").dropColumn("timer_ends_at").execute();
  await db.schema.alterTable("workshops").dropColumn("roles_version").execute();
  await db.schema.alterTable("workshops").dropColumn("roles").execute();
}
