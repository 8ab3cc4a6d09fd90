import { readinessResponse } from "~/platform/health.server";

/** The older name of /readyz, kept for existing balancer checks: the same answer. */
export const loader = () => readinessResponse();
