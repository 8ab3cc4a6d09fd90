import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/accounts/auth.server";
import { db } from "~/platform/db.server";
import { ROLE_LABELS, ROLES, STANDING_LABELS } from "~/domain/permissions";
import { outcomeData, readFormData } from "~/http/forms";
import { listUsers } from "~/models/users.server";
import { handleAdminAction, type AdminResult } from "~/accounts/admin-actions.server";
import { TableScroll } from "~/components/table-scroll";
import { FormProblem } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "Admin · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, "users.manage");
  const users = await listUsers(db());
  return { users, currentUserId: admin.id };
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "users.manage");
  return outcomeData(await handleAdminAction(request, admin.id, await readFormData(request)));
}

export default function Admin() {
  const { users } = useLoaderData<typeof loader>();
  const result = useActionData<AdminResult>();
  const navigation = useNavigation();
  return (
    <>
      <h1>Admin</h1>
      <p>
        <Link to="/admin/case-problems">Case file problems</Link> · <Link to="/admin/audit">Audit log</Link>
      </p>
      {result?.message ? (
        <p className="notice" role="status">
          <bdi>{result.name}</bdi> {result.message}
          {result.link ? (
            <>
              {" "}
              <code className="reset-link" data-testid="reset-link">
                {result.link}
              </code>
            </>
          ) : null}
        </p>
      ) : null}
      <FormProblem message={result?.error} />
      <h2>People and roles</h2>
      <p className="muted">Participants debate cases. Facilitators run workshops and read facilitator notes. Authors write cases. Admins manage people.</p>
      <TableScroll label="Accounts and their roles">
        <table>
          <caption className="visually-hidden">Accounts and their roles</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Standing</th>
              <th scope="col">Role</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td dir="auto">{user.display_name}</td>
                <td>{user.email}</td>
                <td>{user.standing ? STANDING_LABELS[user.standing] : "—"}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="userId" value={user.id} />
                    <label htmlFor={`role-${user.id}`} className="visually-hidden">
                      Role for <bdi>{user.display_name}</bdi>
                    </label>
                    <select id={`role-${user.id}`} name="role" defaultValue={user.role}>
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </select>
                    <AccountButton label="Save role" whose={user.display_name} linkWord="for" disabled={navigation.state === "submitting"} />
                  </Form>
                </td>
                <td>
                  <p className="muted">{user.deactivated_at ? "Deactivated" : "Active"}</p>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="userId" value={user.id} />
                    {user.deactivated_at ? (
                      <AccountButton intent="reactivate" label="Reactivate" whose={user.display_name} />
                    ) : (
                      <>
                        <AccountButton intent="reset-link" label="Make reset link" whose={user.display_name} linkWord="for" />
                        <AccountButton intent="deactivate" label="Deactivate" whose={user.display_name} />
                      </>
                    )}
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** A button on one account's row: its accessible name says whose account ("Deactivate Ana", "Save role for Ana"). */
function AccountButton({ intent, label, whose, linkWord, disabled }: { intent?: string; label: string; whose: string; linkWord?: string; disabled?: boolean }) {
  return (
    <button type="submit" name={intent ? "intent" : undefined} value={intent} className="secondary" disabled={disabled}>
      {label}
      <span className="visually-hidden">
        {" "}
        {linkWord ? `${linkWord} ` : null}
        <bdi>{whose}</bdi>
      </span>
    </button>
  );
}
