import { createHash, randomBytes } from "node:crypto";

/** How long a reset link works after it is made: one hour (ADR 023, OWASP Forgot Password Cheat Sheet). */
export const RESET_LIFETIME_MS = 60 * 60 * 1000;

/** The one answer the "forgot password" form gives, whether or not an account has the email (ADR 023). */
export const RESET_REQUESTED_MESSAGE = "If an account uses that email, we have sent it a link to choose a new password. The link works once, for one hour.";

/**
 * A new reset token: 32 random bytes as base64url (43 characters, 256 bits), for the link only;
 * the database keeps `resetTokenHash(token)`.
 */
export function newResetToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The SHA-256 of a token, hex: what is stored and looked up. A fast hash is enough for a
 * 256-bit random token (nobody can guess it), and it means a copy of the database opens no account.
 */
export function resetTokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether a string has the shape of a token newResetToken makes (so junk never reaches the database). */
export function looksLikeResetToken(token: string | undefined): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** When a token made at `now` stops working. */
export function resetExpiry(now: Date): Date {
  return new Date(now.getTime() + RESET_LIFETIME_MS);
}

/** The stored state of one reset, as the model reads it. */
export interface ResetRecord {
  expiresAt: string;
  usedAt: string | null;
  /** The account's deactivation time; a deactivated account cannot be reset. */
  deactivatedAt: string | null;
}

/** What a reset link that cannot be used says, whatever the reason. */
export const RESET_REFUSED_MESSAGE = "This reset link does not work any more: it was used, it expired, or it was never valid. Ask for a new one.";

export type ResetVerdict = { ok: true } | { ok: false; message: string };

/**
 * Whether a reset may still be used at `now`: unknown, used, expired and deactivated all refuse
 * with one message, so the page tells a stranger nothing about the link or the account.
 */
export function checkReset(record: ResetRecord | undefined, now: Date): ResetVerdict {
  const refused = { ok: false as const, message: RESET_REFUSED_MESSAGE };
  if (!record || record.usedAt !== null || record.deactivatedAt !== null) return refused;
  if (Date.parse(record.expiresAt) <= now.getTime()) return refused;
  return { ok: true };
}

/** The link a reset token opens, on the site at `origin` (e.g. "https://casebook.example.org"). */
export function resetLink(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/reset-password/${token}`;
}

/** The account facts the deactivation rule reads. */
export interface DeactivationTarget {
  id: number;
  role: string;
  deactivatedAt: string | null;
}

/**
 * Whether an admin may deactivate `target`, given how many active admins there are: never the
 * last active admin (someone must be able to manage people), and not an account already off.
 * Returns null when allowed, else the message to show.
 */
export function deactivationRefusal(target: DeactivationTarget, activeAdmins: number): string | null {
  if (target.deactivatedAt !== null) return "That account is already deactivated.";
  if (target.role === "admin" && activeAdmins <= 1) return "Casebook needs at least one active admin. Make someone else admin first.";
  return null;
}
