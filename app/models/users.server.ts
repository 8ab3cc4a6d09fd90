import type { DB } from "../../db/client";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import type { Role, Standing, User } from "../../db/schema";
import { nowIso } from "./clock";

export type PublicUser = Pick<User, "id" | "email" | "display_name" | "role" | "standing" | "created_at">;

const publicColumns = ["id", "email", "display_name", "role", "standing", "created_at"] as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The first account on a fresh install becomes admin, so someone can hand out roles. */
export async function createUser(db: DB, input: { email: string; displayName: string; passwordHash: string }): Promise<PublicUser> {
  const user = await createUserUnlessTaken(db, input);
  if (!user) throw new Error(`An account with the email ${normalizeEmail(input.email)} already exists`);
  return user;
}

/**
 * As createUser, but null when the email already has an account. The check and the insert run
 * under one lock, so two sign-ups with one email at once make one account and no error.
 */
export async function createUserUnlessTaken(db: DB, input: { email: string; displayName: string; passwordHash: string }): Promise<PublicUser | null> {
  return inTransaction(db, async (trx) => {
    // Two sign-ups at once on a fresh install must not both find no one and both become admin.
    await lockForTransaction(trx, "casebook:create-user");
    const [existing, taken] = await Promise.all([
      trx.selectFrom("users").select("id").limit(1).executeTakeFirst(),
      trx.selectFrom("users").select("id").where("email", "=", normalizeEmail(input.email)).executeTakeFirst(),
    ]);
    if (taken) return null;
    const now = nowIso();
    return trx
      .insertInto("users")
      .values({
        email: normalizeEmail(input.email),
        display_name: input.displayName.trim(),
        password_hash: input.passwordHash,
        role: existing ? "participant" : "admin",
        standing: null,
        created_at: now,
        updated_at: now,
      })
      .returning(publicColumns)
      .executeTakeFirstOrThrow();
  });
}

/** Whether any account exists yet: on an empty site the next sign-up becomes admin (createUserUnlessTaken). */
export async function anyUserExists(db: DB): Promise<boolean> {
  return (await db.selectFrom("users").select("id").limit(1).executeTakeFirst()) !== undefined;
}

export async function findUserByEmail(db: DB, email: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst();
}

export async function findUserById(db: DB, id: number): Promise<PublicUser | undefined> {
  return db.selectFrom("users").select(publicColumns).where("id", "=", id).executeTakeFirst();
}

export async function updateProfile(db: DB, userId: number, profile: { displayName: string; standing: Standing | null }): Promise<void> {
  await db.updateTable("users").set({ display_name: profile.displayName.trim(), standing: profile.standing, updated_at: nowIso() }).where("id", "=", userId).execute();
}

export async function setUserRole(db: DB, userId: number, role: Role): Promise<void> {
  await db.updateTable("users").set({ role, updated_at: nowIso() }).where("id", "=", userId).execute();
}

export async function countAdmins(db: DB): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "admin")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every account, oldest first, with when it was deactivated (null while active). */
export async function listUsers(db: DB): Promise<(PublicUser & { deactivated_at: string | null })[]> {
  return db
    .selectFrom("users")
    .select([...publicColumns, "deactivated_at"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** Admins whose accounts are active: the ones who can still manage people. */
export async function countActiveAdmins(db: DB): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "admin")
    .where("deactivated_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** When the account was deactivated, null while active, undefined when there is no such account. */
export async function findDeactivatedAt(db: DB, userId: number): Promise<string | null | undefined> {
  const row = await db.selectFrom("users").select("deactivated_at").where("id", "=", userId).executeTakeFirst();
  return row ? row.deactivated_at : undefined;
}

/**
 * Switches an account off (`deactivatedAt` an ISO time) or on again (null). Its sessions end
 * (the caller also ends its live streams); its answers stay and count as before, anonymously.
 */
export async function setDeactivated(db: DB, userId: number, deactivatedAt: string | null): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.updateTable("users").set({ deactivated_at: deactivatedAt, updated_at: nowIso() }).where("id", "=", userId).execute();
    if (deactivatedAt !== null) await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
  });
}

export async function findUserSeenAt(db: DB, userId: number): Promise<string | null> {
  const row = await db.selectFrom("users").select("replies_seen_at").where("id", "=", userId).executeTakeFirst();
  return row?.replies_seen_at ?? null;
}

export async function findPasswordHash(db: DB, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
  return row?.password_hash;
}

export async function updatePasswordHash(db: DB, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable("users").set({ password_hash: passwordHash, updated_at: nowIso() }).where("id", "=", userId).execute();
}
