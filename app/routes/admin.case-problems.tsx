import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/accounts/auth.server";
import { db } from "~/platform/db.server";
import { listCaseFileProblems } from "~/models/cases.server";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Case file problems · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "case-problems.read");
  return { problems: await listCaseFileProblems(db()) };
}

export default function CaseProblems() {
  const { problems } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Case file problems</h1>
      <p className="muted">
        Files in <code>cases/</code> that could not be imported at the last start or <code>npm run cases:import</code>. The rest of the library is unaffected. Fix the file and import again;{" "}
        <code>npm run cases:check</code> shows the same list.
      </p>
      {problems.length === 0 ? (
        <p className="notice" role="status">
          Every case file imported cleanly.
        </p>
      ) : (
        <TableScroll label="Case file problems">
          <table>
            <caption className="visually-hidden">Problems by file and line</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Line</th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p) => (
                <tr key={p.id}>
                  <td>
                    <code>{p.file_path}</code>
                  </td>
                  <td>{p.line}</td>
                  <td>
                    <code>{p.field}</code>
                  </td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
