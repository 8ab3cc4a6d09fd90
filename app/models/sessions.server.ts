import { randomBytes } from "node:crypto";
import type { DB } from "../../db/client";
import { nowIso } from "./clock";
import type { PublicUser } from "./users.server";

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export async function createSession(db: DB, userId: number): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db.insertInto("sessions").values({ id, user_id: userId, created_at: nowIso(), expires_at: expiresAt.toISOString() }).execute();
  return { id, expiresAt };
}

export async function findSessionUser(db: DB, sessionId: string): Promise<PublicUser | undefined> {
  return (
    db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select(["users.id", "users.email", "users.display_name", "users.role", "users.standing", "users.created_at"])
      .where("sessions.id", "=", sessionId)
      .where("sessions.expires_at", ">", nowIso())
      // A deactivated account's sessions are deleted when it is switched off; this keeps any that raced that out too.
      .where("users.deactivated_at", "is", null)
      .executeTakeFirst()
  );
}

export async function deleteSession(db: DB, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function deleteSessionsOfUser(db: DB, userId: number): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}
