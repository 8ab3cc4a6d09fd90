/**
 * Request ids (ADR 022): a proxy or client may send its own `X-Request-Id` so its log and ours
 * name the same request; anything else gets a fresh one.
 */
import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * What a well-formed incoming id looks like: 1–128 letters, digits and `-_.:@/+=` (UUIDs, nginx's
 * `$request_id` hex, ULIDs, base64 ids). Anything else (spaces, quotes, control characters, a
 * line break that would forge a log line, a megabyte) is not used.
 */
const WELL_FORMED = /^[A-Za-z0-9\-_.:@/+=]{1,128}$/;

/** The incoming header's value when well formed, else a new random UUID (RFC 9562 version 4). */
export function requestIdFrom(incoming: string | undefined | null, generate: () => string = randomUUID): string {
  return incoming && WELL_FORMED.test(incoming) ? incoming : generate();
}
