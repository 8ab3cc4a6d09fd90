/**
 * When a right is withdrawn, the live streams that used it end: a removed phone's stream, and a
 * signed-out, re-passworded or demoted account's control panel and projector streams. Call it
 * after the change is committed; the bus carries it to every app process (Redis with REDIS_URL).
 */
import { liveBus, type WithdrawnRight } from "./bus.server";

export type { WithdrawnRight };

export function withdrawRights(right: WithdrawnRight): void {
  if (right.kind === "participants" && right.participantIds.length === 0) return;
  liveBus().withdraw(right);
}
