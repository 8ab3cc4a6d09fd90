/**
 * Liveness, for a supervisor deciding whether to restart the process: 200 as long as the process
 * serves HTTP at all. No dependency is checked; a database or Redis outage is not cured by a restart.
 */
export const loader = () => Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
