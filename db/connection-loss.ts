/**
 * Which database errors mean "the database is not there" (stopped, restarting, unreachable)
 * rather than "this query is wrong". The first kind is answered 503 with Retry-After while the
 * outage lasts (docs/decisions/019-operations-liveness-readiness-outages-and-start.md); the second
 * stays a 500 and is logged. Pure: no I/O.
 */

/**
 * SQLSTATE codes of a lost or refused session (PostgreSQL Appendix A): class 08 (connection
 * exception), 57P01 admin_shutdown ("terminating connection due to administrator command",
 * `pg_ctl stop -m fast`), 57P02 crash_shutdown (`-m immediate`, a crashed backend), 57P03
 * cannot_connect_now ("the database system is starting up / shutting down"), 53300
 * too_many_connections.
 */
const LOST_SQLSTATES = new Set(["08000", "08001", "08003", "08004", "08006", "08007", "57P01", "57P02", "57P03", "53300"]);

/** Node's socket errors when the server's address refuses, drops or never answers. */
const LOST_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED"]);

/**
 * Messages node-postgres and pg-pool raise without a code: the socket ended mid-query, a client
 * used after its connection broke, the pool's connection time limit, or the client's query time
 * limit (`query_timeout`: the server did not answer at all, as when it hangs).
 */
const LOST_MESSAGES = [
  /^Query read timeout/i,
  /^Connection terminated/i,
  /Client has encountered a connection error and is not queryable/i,
  /^timeout exceeded when trying to connect/i,
  /^Connection terminated due to connection timeout/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
];

/**
 * True when `error` says the database connection was lost or could not be opened. Looks at
 * `code` (a SQLSTATE or a Node socket code), the message, and, for errors that wrap another
 * (AggregateError from a dual-stack connect, `cause`), the errors inside, two levels deep.
 */
export function isConnectionLoss(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 2) return false;
  const { code, message, errors, cause } = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === "string" && (LOST_SQLSTATES.has(code) || LOST_SOCKET_CODES.has(code))) return true;
  if (typeof message === "string" && LOST_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isConnectionLoss(inner, depth + 1))) return true;
  return cause !== undefined && isConnectionLoss(cause, depth + 1);
}
