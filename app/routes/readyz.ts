import { readinessResponse } from "~/platform/health.server";

/**
 * Readiness, for a load balancer: 200 when the database answers within 1 s (`"status":"ok"`, or
 * `"degraded"` when Redis is away: live updates slow down, nothing is lost), 503 when it does not.
 */
export const loader = () => readinessResponse();
