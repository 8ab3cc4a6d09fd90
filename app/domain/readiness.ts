/**
 * What /readyz answers (ADR 019). Ready means "send this process requests": the database
 * answered within the time limit. Redis only carries live updates between processes; without it
 * every vote is still stored and pages still serve, so a Redis outage makes the process
 * "degraded" (200, for the operator to see) and never unready: a balancer that checks readiness
 * must not take every process out because Redis is away. Pure: no I/O.
 */

/** The database's answer to `select 1`: in time, an error, or nothing within the limit. */
export type DatabaseCheck = "ok" | "unreachable" | "timeout";
/** Redis's answer to PING, or "not configured" when REDIS_URL is unset (one process, in-memory bus). */
export type RedisCheck = "ok" | "unreachable" | "timeout" | "not configured";

export interface Readiness {
  /** 200 when ready (ok or degraded), 503 when not. */
  httpStatus: 200 | 503;
  body: { status: "ok" | "degraded" | "unavailable"; database: DatabaseCheck; redis: RedisCheck };
}

/** The readiness answer from the two checks' results. */
export function readiness(database: DatabaseCheck, redis: RedisCheck): Readiness {
  if (database !== "ok") return { httpStatus: 503, body: { status: "unavailable", database, redis } };
  const degraded = redis === "unreachable" || redis === "timeout";
  return { httpStatus: 200, body: { status: degraded ? "degraded" : "ok", database, redis } };
}
