import type { Kysely } from "kysely";
import { autoIncrementId } from "../dialect";

/**
 * Accounts (issue 16, ADR 023): password reset tokens, stored only as SHA-256 hashes, single-use
 * (`used_at`) and expiring (`expires_at`); `created_by` is the admin who made a reset link, null
 * for one asked for by email. `users.deactivated_at` marks an account an admin switched off.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("password_resets")
    .addColumn("id", "integer", autoIncrementId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("password_resets_user").on("password_resets").column("user_id").execute();
  await db.schema.alterTable("users").addColumn("deactivated_at", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("deactivated_at").execute();
  await db.schema.dropTable("password_resets").execute();
}
