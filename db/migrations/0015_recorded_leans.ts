import type { Kysely } from "kysely";

/**
 * An endorser's public lean on an argument, kept from the first moment it is known (issue 16,
 * "Bridging falls to 0 when an endorser is persuaded"; ADR 018): "right", "wrong", or null while
 * their other endorsements give them none. Rows made before this migration start null and are
 * recorded at the endorser's next endorsement or withdrawal on the case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endorsements").addColumn("recorded_lean", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endorsements").dropColumn("recorded_lean").execute();
}
