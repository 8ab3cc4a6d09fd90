import { sql } from "kysely";
import { db } from "~/db.server";

/** Liveness plus a real round trip to the database; 503 when the database does not answer. */
export async function loader() {
  try {
    await sql`select 1`.execute(db());
    return Response.json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ status: "error", database: "unreachable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
