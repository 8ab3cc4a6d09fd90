import { describe, expect, it } from "vitest";
import { checkReset, deactivationRefusal, looksLikeResetToken, newResetToken, RESET_LIFETIME_MS, resetExpiry, resetLink, resetTokenHash } from "../../app/domain/accounts";
import { passwordResetForm, signupForm } from "../../app/domain/account-forms";

const NOW = new Date("2026-11-30T02:00:00Z");

describe("reset tokens", () => {
  it("are 256 random bits, different each time, stored only as a SHA-256", () => {
    const a = newResetToken();
    expect(looksLikeResetToken(a)).toBe(true);
    expect(newResetToken()).not.toBe(a);
    expect(resetTokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(resetTokenHash(a)).toBe(resetTokenHash(a));
    expect(resetTokenHash(a)).not.toContain(a);
  });

  it("refuse junk before any lookup", () => {
    expect(looksLikeResetToken(undefined)).toBe(false);
    expect(looksLikeResetToken("short")).toBe(false);
    expect(looksLikeResetToken(`${"a".repeat(42)}/`)).toBe(false);
  });

  it("expire after an hour", () => {
    expect(resetExpiry(NOW).getTime() - NOW.getTime()).toBe(RESET_LIFETIME_MS);
    expect(RESET_LIFETIME_MS).toBe(60 * 60 * 1000);
  });
});

describe("checkReset", () => {
  const fresh = { expiresAt: resetExpiry(NOW).toISOString(), usedAt: null, deactivatedAt: null };
  it("allows an unused, unexpired reset of an active account", () => {
    expect(checkReset(fresh, NOW)).toEqual({ ok: true });
  });
  it("refuses unknown, used, expired and deactivated alike, with one message", () => {
    const refusals = [
      checkReset(undefined, NOW),
      checkReset({ ...fresh, usedAt: NOW.toISOString() }, NOW),
      checkReset(fresh, new Date(NOW.getTime() + RESET_LIFETIME_MS)),
      checkReset({ ...fresh, deactivatedAt: NOW.toISOString() }, NOW),
    ];
    expect(refusals.every((r) => !r.ok)).toBe(true);
    expect(new Set(refusals.map((r) => (r.ok ? "" : r.message))).size).toBe(1);
  });
});

describe("resetLink", () => {
  it("joins the site address and the token with one slash", () => {
    expect(resetLink("https://casebook.example.org/", "T")).toBe("https://casebook.example.org/reset-password/T");
  });
});

describe("deactivationRefusal", () => {
  it("never deactivates the last active admin", () => {
    expect(deactivationRefusal({ id: 1, role: "admin", deactivatedAt: null }, 1)).toMatch(/at least one active admin/);
    expect(deactivationRefusal({ id: 1, role: "admin", deactivatedAt: null }, 2)).toBeNull();
    expect(deactivationRefusal({ id: 2, role: "participant", deactivatedAt: null }, 1)).toBeNull();
    expect(deactivationRefusal({ id: 2, role: "participant", deactivatedAt: NOW.toISOString() }, 1)).toMatch(/already/);
  });
});

describe("reset form", () => {
  it("holds a new password to the sign-up rules", () => {
    for (const password of ["short", "a".repeat(1000), "long enough password"]) {
      const reset = passwordResetForm.safeParse({ newPassword: password }).success;
      const signup = signupForm.safeParse({ email: "a@b.co", displayName: "A", password }).success;
      expect(reset).toBe(signup);
    }
  });
});
