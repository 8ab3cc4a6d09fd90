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
  return derivedKey(secret, "casebook cookie keys", `casebook ${purpose} cookie`);
}

/**
 * A key for the server's own use rather than for signing a cookie: 32 bytes from HKDF-SHA256 over
 * `secret`, with the use as its "info", so it is unrelated to every cookie key. "device token":
 * turns a new phone's seed into its device token (ADR 016, joins); "role assignment": a role-play
 * room's shuffle seed (ADR 028).
 */
export function serverKey(secret: string, use: "device token" | "role assignment"): Buffer {
  // A Buffer of its own for each caller, so one that writes into it cannot change the next one's key.
  return Buffer.from(derivedKey(secret, "casebook server keys", `casebook ${use}`), "hex");
}

/** Keys derived so far, by salt, info and secret: a process has one secret (or a few, across a rotation or in tests). */
const derivedKeys = new LRUCache<string, string>({ max: 64 });

/**
 * 32 bytes of HKDF-SHA256 (RFC 5869) over `secret` with this salt and info, as hex, derived once
 * per process: every request derives its cookie keys and every join a device token, and HKDF is
 * cheap but not free (about 1% of a busy server's time).
 */
function derivedKey(secret: string, salt: string, info: string): string {
  const cacheKey = `${salt}\u0000${info}\u0000${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (key === undefined) {
    key = Buffer.from(hkdfSync("sha256", secret, salt, info, 32)).toString("hex");
    derivedKeys.set(cacheKey, key);
  }
  return key;
}
