/**
 * How the operations and reliability tests judge one HTTP reply.
 */
import type { IncomingHttpHeaders } from "node:http";

/** A reply as the test harnesses read it (`Reply` in tests/reliability/harness.ts). */
export interface ReplyRead {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Whether `reply` is the app's clean answer while the database is away (ADR 019,
 * `app/platform/database-outage.server.ts`): status 503 with a `Retry-After` in whole seconds, and a body
 * without a stack trace or a driver's error ("Error:", ECONNREFUSED, "terminating connection").
 * Anything else with 503 (no Retry-After, an error page that leaks the failure) is not clean.
 */
export function isCleanUnavailable(reply: ReplyRead): boolean {
  return reply.status === 503 && /^\d+$/.test(String(reply.headers["retry-after"] ?? "")) && !/\n\s+at |Error:|ECONNREFUSED|terminating connection/.test(reply.body);
}
