import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requirePermission } from "~/accounts/auth.server";
import { db } from "~/platform/db.server";
import { accountActionForm, roleForm } from "~/domain/account-forms";
import { deactivationRefusal, resetLink } from "~/domain/accounts";
import { readConfig } from "~/platform/config.server";
import { createPasswordReset } from "~/models/password-resets.server";
import { isolate } from "~/domain/bidi";
import { ROLE_LABELS, ROLES, STANDING_LABELS, type Role } from "~/domain/permissions";
import { parseForm, readFormData } from "~/http/forms";
import { recordAudit } from "~/models/audit.server";
import { countActiveAdmins, findDeactivatedAt, findUserById, listUsers, setDeactivated, setUserRole } from "~/models/users.server";
import { withdrawRights } from "~/live/rights.server";
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
  const formData = await readFormData(request);
  if (formData.get("intent") !== null) return accountAction(request, admin.id, formData);
  const form = parseForm(roleForm, formData);
  if (!form.ok) return Response.json({ error: Object.values(form.errors)[0] }, { status: 400 });
  const target = await findUserById(db(), form.data.userId);
  if (!target) return Response.json({ error: "That user no longer exists." }, { status: 404 });
  const role = form.data.role as Role;
  // The name apart from the sentence, so the page can isolate it (<bdi>) from the words after it.
  if (target.role === role) return { name: target.display_name, message: `is already ${ROLE_LABELS[role].toLowerCase()}.` };
  if (target.role === "admin" && (await countActiveAdmins(db())) <= 1) {
    return Response.json({ error: "Casebook needs at least one admin. Promote someone else first." }, { status: 400 });
  }
  await setUserRole(db(), target.id, role);
  // A demoted facilitator's open control panels and projectors stop following their workshops.
  withdrawRights({ kind: "user", userId: target.id });
  await recordAudit(db(), {
    actorUserId: admin.id,
    action: "user.role-changed",
    subjectType: "user",
    subjectId: String(target.id),
    detail: `${isolate(target.display_name)}: ${target.role} → ${role}`,
  });
  return { name: target.display_name, message: `is now ${ROLE_LABELS[role].toLowerCase()}.` };
}

/**
 * The account actions (ADR 023): a one-time reset link, shown to the admin once; deactivate
 * (sessions and live streams end; never the last active admin); reactivate. Each is audited.
 */
async function accountAction(request: Request, adminId: number, formData: FormData) {
  const form = parseForm(accountActionForm, formData);
  if (!form.ok) return Response.json({ error: Object.values(form.errors)[0] }, { status: 400 });
  const target = await findUserById(db(), form.data.userId);
  const deactivatedAt = await findDeactivatedAt(db(), form.data.userId);
  if (!target || deactivatedAt === undefined) return Response.json({ error: "That user no longer exists." }, { status: 404 });
  const audit = (action: string, detail: string) =>
    recordAudit(db(), { actorUserId: adminId, action, subjectType: "user", subjectId: String(target.id), detail: `${isolate(target.display_name)}: ${detail}` });
  if (form.data.intent === "reset-link") {
    if (deactivatedAt !== null) return Response.json({ error: "Reactivate the account before making a reset link." }, { status: 400 });
    const { token } = await createPasswordReset(db(), target.id, adminId);
    await audit("user.reset-link-created", "one-time password reset link made");
    // The admin's own request names the site they are on; PUBLIC_URL wins when it is set.
    const link = resetLink(readConfig().mail?.publicUrl ?? new URL(request.url).origin, token);
    return { name: target.display_name, message: "can choose a new password with this link, once, within an hour. Copy it now: it is not shown again.", link };
  }
  if (form.data.intent === "deactivate") {
    const refusal = deactivationRefusal({ id: target.id, role: target.role, deactivatedAt }, await countActiveAdmins(db()));
    if (refusal) return Response.json({ error: refusal }, { status: 400 });
    await setDeactivated(db(), target.id, new Date().toISOString());
    withdrawRights({ kind: "user", userId: target.id });
    await audit("user.deactivated", "account deactivated, sessions ended");
    return { name: target.display_name, message: "is deactivated: they cannot sign in, and their sessions have ended. Their answers still count, anonymously." };
  }
  if (deactivatedAt === null) return { name: target.display_name, message: "is already active." };
  await setDeactivated(db(), target.id, null);
  await audit("user.reactivated", "account reactivated");
  return { name: target.display_name, message: "is active again and can sign in." };
}

export default function Admin() {
  const { users } = useLoaderData<typeof loader>();
  const result = useActionData<{ name?: string; message?: string; error?: string; link?: string }>();
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
