/**
 * Keys for signed cookies, one per purpose, derived from the one cookie-signing secret.
 *
 * Remix signs a cookie's value with HMAC-SHA256 but not its name, so with one key for all of
 * them a value signed as a session cookie would verify as a device cookie too. Deriving a key
 * per purpose (HKDF-SHA256, RFC 5869, with the purpose as its "info") binds each signed value
 * to what it was signed for, and the operator still keeps a single SESSION_SECRET.
 */
import { LRUCache } from "lru-cache";
import { hkdfSync } from "node:crypto";

/** What a signed cookie is for. */
export type CookiePurpose = "session" | "device";

/**
 * The signing key for one purpose: 32 bytes from HKDF-SHA256 over `secret`, as hex (the form
 * Remix's `createCookie` takes its secrets in). The same secret and purpose always give the
 * same key; different purposes give unrelated keys.
 */
export function cookieKey(secret: string, purpose: CookiePurpose): string {
  // Every request derives its cookie keys; HKDF is cheap but not free (about 1% of a busy server's time).
  const known = derivedKeys.get(`${purpose}\u0000${secret}`);
  if (known !== undefined) return known;
  const key = Buffer.from(hkdfSync("sha256", secret, "casebook cookie keys", `casebook ${purpose} cookie`, 32)).toString("hex");
  derivedKeys.set(`${purpose}\u0000${secret}`, key);
  return key;
}

/** Keys derived so far (cookieKey's and serverKey's), by purpose or use and secret: a process has one secret (or a few, across a rotation or in tests). */
const derivedKeys = new LRUCache<string, string>({ max: 64 });

/**
 * A key for the server's own use rather than for signing a cookie: 32 bytes from HKDF-SHA256 over
 * `secret`, with the use as its "info", so it is unrelated to every cookie key. "device token":
 * turns a new phone's seed into its device token (ADR 016, joins); "role assignment": a role-play
 * room's shuffle seed (ADR 028).
 */
export function serverKey(secret: string, use: "device token" | "role assignment"): Buffer {
  // Every join mints a device token with it; cached as hex, as cookieKey does, so each caller gets
  // its own Buffer and one that writes into it cannot change the key the next caller gets.
  const cacheKey = `server ${use}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (key === undefined) {
    key = Buffer.from(hkdfSync("sha256", secret, "casebook server keys", `casebook ${use}`, 32)).toString("hex");
    derivedKeys.set(cacheKey, key);
  }
  return Buffer.from(key, "hex");
}
