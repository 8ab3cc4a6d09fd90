import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/accounts/auth.server";
import { db } from "~/platform/db.server";
import { listAudit } from "~/models/audit.server";
import { TableScroll } from "~/components/table-scroll";
import { formatUtc } from "~/domain/format";

export const meta: MetaFunction = () => [{ title: "Audit log · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "audit.read");
  return { entries: await listAudit(db()) };
}

export default function AuditLog() {
  const { entries } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Audit log</h1>
      {entries.length === 0 ? (
        <p>No actions recorded yet.</p>
      ) : (
        <TableScroll label="Audit log">
          <table>
            <caption className="visually-hidden">Recorded actions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatUtc(e.created_at, "second")}</td>
                  <td>{e.actor_name === null ? "system" : <bdi>{e.actor_name}</bdi>}</td>
                  <td>{e.action}</td>
                  <td>{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
