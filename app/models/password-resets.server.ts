import type { DB } from "../../db/client";
import { inTransaction } from "../../db/dialect";
import { checkReset, newResetToken, RESET_REFUSED_MESSAGE, resetExpiry, resetTokenHash, type ResetVerdict } from "../domain/accounts";

/**
 * Makes a reset for `userId` and returns its token (shown once: only its hash is stored).
 * `createdBy` is the admin who asked for it, null when the person asked by email. Earlier unused
 * resets of the account stop working, so only the newest link does.
 */
export async function createPasswordReset(db: DB, userId: number, createdBy: number | null, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newResetToken();
  const expiresAt = resetExpiry(now);
  await inTransaction(db, async (trx) => {
    await trx.updateTable("password_resets").set({ used_at: now.toISOString() }).where("user_id", "=", userId).where("used_at", "is", null).execute();
    await trx
      .insertInto("password_resets")
      .values({ user_id: userId, token_hash: resetTokenHash(token), created_by: createdBy, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), used_at: null })
      .execute();
  });
  return { token, expiresAt };
}

async function findReset(db: DB, token: string) {
  return db
    .selectFrom("password_resets")
    .innerJoin("users", "users.id", "password_resets.user_id")
    .select(["password_resets.id", "password_resets.user_id", "password_resets.expires_at", "password_resets.used_at", "users.deactivated_at"])
    .where("password_resets.token_hash", "=", resetTokenHash(token))
    .executeTakeFirst();
}

/** Whether the token opens a usable reset now (checkReset's verdict), without using it. */
export async function checkPasswordReset(db: DB, token: string, now = new Date()): Promise<ResetVerdict> {
  const row = await findReset(db, token);
  return checkReset(row && { expiresAt: row.expires_at, usedAt: row.used_at, deactivatedAt: row.deactivated_at }, now);
}

/**
 * Uses the token: marks it used and returns the account's id, or the refusal. The mark is a
 * conditional update (still unused), so two submits at once cannot both succeed.
 */
export async function redeemPasswordReset(db: DB, token: string, now = new Date()): Promise<{ ok: true; userId: number } | { ok: false; message: string }> {
  const row = await findReset(db, token);
  const verdict = checkReset(row && { expiresAt: row.expires_at, usedAt: row.used_at, deactivatedAt: row.deactivated_at }, now);
  if (!verdict.ok || !row) return { ok: false, message: RESET_REFUSED_MESSAGE };
  const result = await db.updateTable("password_resets").set({ used_at: now.toISOString() }).where("id", "=", row.id).where("used_at", "is", null).executeTakeFirst();
  // Another submit used it first.
  if (Number(result.numUpdatedRows) !== 1) return { ok: false, message: RESET_REFUSED_MESSAGE };
  return { ok: true, userId: row.user_id };
}
