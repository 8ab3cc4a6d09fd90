import type { Kysely } from "kysely";

/**
 * Idempotency keys (ADR 016): every create a form sends carries a key made for that rendered form,
 * and the first answer to it is kept here for a day, so a double click, a retry or two parallel
 * POSTs with the same key create once and get the first answer. The key is unique per scope (an
 * account, a workshop participant, a device joining, a sign-up); `fingerprint` is a hash of what
 * was sent, so a key reused with something else is refused. `status` and `response` are written
 * in the same transaction as the claim, so no one ever reads a claim without its answer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("idempotency_keys")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("status", "integer")
    .addColumn("response", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["scope", "key"])
    .execute();
  // Keys are kept for a bounded time: the sweep deletes by age.
  await db.schema.createIndex("idempotency_keys_created_at").on("idempotency_keys").column("created_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("idempotency_keys_created_at").execute();
  await db.schema.dropTable("idempotency_keys").execute();
}
