/**
 * The checks behind /livez and /readyz (ADR 019), each with a time limit so a hung dependency
 * cannot hang the check that should report it.
 */
import { pingDatabase } from "../../db/client";
import { db } from "./db.server";
import { readiness, type DatabaseCheck, type Readiness, type RedisCheck } from "../domain/readiness";
import { liveBus } from "../live/bus.server";

/** How long each readiness check waits for its dependency (ms). */
export const CHECK_TIMEOUT_MS = 1_000;

const TIMED_OUT = Symbol("timed out");

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]).finally(() => clearTimeout(timer));
}

/** `select 1` within CHECK_TIMEOUT_MS. */
async function checkDatabase(): Promise<DatabaseCheck> {
  const answer = await within(
    pingDatabase(db(), CHECK_TIMEOUT_MS + 1_000).then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
    CHECK_TIMEOUT_MS,
  );
  return answer === TIMED_OUT ? "timeout" : answer;
}

/** The live bus's PING within CHECK_TIMEOUT_MS ("not configured" without REDIS_URL). */
async function checkRedis(): Promise<RedisCheck> {
  const answer = await within(
    liveBus()
      .health()
      .catch(() => "unreachable" as const),
    CHECK_TIMEOUT_MS,
  );
  return answer === TIMED_OUT ? "timeout" : answer;
}

/** Both checks at once; answers within about CHECK_TIMEOUT_MS whatever the dependencies do. */
export async function checkReadiness(): Promise<Readiness> {
  const [database, redis] = await Promise.all([checkDatabase(), checkRedis()]);
  return readiness(database, redis);
}

/** The readiness answer as JSON, never cached. */
export async function readinessResponse(): Promise<Response> {
  const { httpStatus, body } = await checkReadiness();
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
}
