import type { Kysely } from "kysely";

/**
 * Bridging scores are part of a case's release (ADR 009): each release stores, per argument, the
 * score it released and which endorsers' answers it counted, as JSON beside the results. Null for
 * a release made before this migration: its scores are worked out once, on the next read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("result_releases").addColumn("argument_scores", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("result_releases").dropColumn("argument_scores").execute();
}
