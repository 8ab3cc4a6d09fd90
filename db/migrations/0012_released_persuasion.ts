import type { Kysely } from "kysely";

/**
 * Persuasion, shown (issue 16): each online release also stores, per argument, how many of the
 * answers it holds named that argument as what changed the person's mind, and those people's
 * lean now (`result_releases.moved_by`, JSON; null for a release made before). A person's
 * `moved_seen` is the total of those counts over their own arguments when they last opened /me,
 * so the difference is what is new to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("result_releases").addColumn("moved_by", "text").execute();
  await db.schema
    .alterTable("users")
    .addColumn("moved_seen", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("moved_seen").execute();
  await db.schema.alterTable("result_releases").dropColumn("moved_by").execute();
}
