import { sql } from "kysely";
import { db } from "~/db.server";
import { liveBus } from "~/live/bus.server";

/** Liveness with real round trips to the database and, when configured, Redis; 503 when one is down. */
export async function loader() {
  const [database, redis] = await Promise.all([
    sql`select 1`
      .execute(db())
      .then(() => "ok" as const)
      .catch(() => "unreachable" as const),
    liveBus().health(),
  ]);
  const healthy = database === "ok" && redis !== "unreachable";
  return Response.json({ status: healthy ? "ok" : "error", database, redis }, { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
