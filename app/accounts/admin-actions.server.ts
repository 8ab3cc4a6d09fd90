/**
 * The admin page's actions on accounts, one named handler per intent in ADMIN_INTENTS: a role
 * change (the role form sends no intent), and the account actions of ADR 023: a one-time reset
 * link, shown to the admin once; deactivate (sessions and live streams end; never the last active
 * admin); reactivate. Each change is audited.
 */
import { db } from "../platform/db.server";
import { readConfig } from "../platform/config.server";
import { accountActionForm, roleForm } from "../domain/account-forms";
import { deactivationRefusal, resetLink } from "../domain/accounts";
import { isolate } from "../domain/bidi";
import { ROLE_LABELS, type Role } from "../domain/permissions";
import { parseForm, type ActionOutcome } from "../http/forms";
import { withdrawRights } from "../live/rights.server";
import { recordAudit } from "../models/audit.server";
import { createPasswordReset } from "../models/password-resets.server";
import { countActiveAdmins, findDeactivatedAt, findUserById, setDeactivated, setUserRole, type PublicUser } from "../models/users.server";

/** The name apart from the sentence, so the page can isolate it (<bdi>) from the words after it. */
export interface AdminResult {
  name?: string;
  message?: string;
  error?: string;
  /** After "reset-link": the link, shown this once. */
  link?: string;
}

type Outcome = ActionOutcome<AdminResult>;

interface AdminContext {
  /** The admin's own request: a reset link names the site they are on. */
  request: Request;
  adminId: number;
  formData: FormData;
}

const refuse = (status: number, error: string): Outcome => ({ status, body: { error } });
const told = (name: string, message: string, link?: string): Outcome => ({ status: 200, body: link === undefined ? { name, message } : { name, message, link } });

/** The role form sends no intent: it reads as "role". */
const ADMIN_INTENTS: Record<string, (context: AdminContext) => Promise<Outcome>> = {
  role: changeRole,
  "reset-link": makeResetLink,
  deactivate: deactivate,
  reactivate: reactivate,
};

/** Runs one of the admin page's forms (`intent` names it; an unknown one is a 400). */
export async function handleAdminAction(request: Request, adminId: number, formData: FormData): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "role");
  const handler = Object.hasOwn(ADMIN_INTENTS, intent) ? ADMIN_INTENTS[intent]! : undefined;
  if (!handler) return refuse(400, "Unknown action.");
  return handler({ request, adminId, formData });
}

async function changeRole({ adminId, formData }: AdminContext): Promise<Outcome> {
  const form = parseForm(roleForm, formData);
  if (!form.ok) return refuse(400, Object.values(form.errors)[0]!);
  const target = await findUserById(db(), form.data.userId);
  if (!target) return refuse(404, "That user no longer exists.");
  const role = form.data.role as Role;
  if (target.role === role) return told(target.display_name, `is already ${ROLE_LABELS[role].toLowerCase()}.`);
  if (target.role === "admin" && (await countActiveAdmins(db())) <= 1) return refuse(400, "Casebook needs at least one admin. Promote someone else first.");
  await setUserRole(db(), target.id, role);
  // A demoted facilitator's open control panels and projectors stop following their workshops.
  withdrawRights({ kind: "user", userId: target.id });
  await recordAudit(db(), {
    actorUserId: adminId,
    action: "user.role-changed",
    subjectType: "user",
    subjectId: String(target.id),
    detail: `${isolate(target.display_name)}: ${target.role} → ${role}`,
  });
  return told(target.display_name, `is now ${ROLE_LABELS[role].toLowerCase()}.`);
}

/** The account an account action names, and when it was deactivated (null: active). */
async function accountOf(formData: FormData): Promise<{ target: PublicUser; deactivatedAt: string | null } | { error: Outcome }> {
  const form = parseForm(accountActionForm, formData);
  if (!form.ok) return { error: refuse(400, Object.values(form.errors)[0]!) };
  const target = await findUserById(db(), form.data.userId);
  const deactivatedAt = await findDeactivatedAt(db(), form.data.userId);
  if (!target || deactivatedAt === undefined) return { error: refuse(404, "That user no longer exists.") };
  return { target, deactivatedAt };
}

function auditAccount(adminId: number, target: PublicUser, action: string, detail: string) {
  return recordAudit(db(), { actorUserId: adminId, action, subjectType: "user", subjectId: String(target.id), detail: `${isolate(target.display_name)}: ${detail}` });
}

async function makeResetLink({ request, adminId, formData }: AdminContext): Promise<Outcome> {
  const account = await accountOf(formData);
  if ("error" in account) return account.error;
  const { target, deactivatedAt } = account;
  if (deactivatedAt !== null) return refuse(400, "Reactivate the account before making a reset link.");
  const { token } = await createPasswordReset(db(), target.id, adminId);
  await auditAccount(adminId, target, "user.reset-link-created", "one-time password reset link made");
  // The admin's own request names the site they are on; PUBLIC_URL wins when it is set.
  const link = resetLink(readConfig().mail?.publicUrl ?? new URL(request.url).origin, token);
  return told(target.display_name, "can choose a new password with this link, once, within an hour. Copy it now: it is not shown again.", link);
}

async function deactivate({ adminId, formData }: AdminContext): Promise<Outcome> {
  const account = await accountOf(formData);
  if ("error" in account) return account.error;
  const { target, deactivatedAt } = account;
  const refusal = deactivationRefusal({ id: target.id, role: target.role, deactivatedAt }, await countActiveAdmins(db()));
  if (refusal) return refuse(400, refusal);
  await setDeactivated(db(), target.id, new Date().toISOString());
  withdrawRights({ kind: "user", userId: target.id });
  await auditAccount(adminId, target, "user.deactivated", "account deactivated, sessions ended");
  return told(target.display_name, "is deactivated: they cannot sign in, and their sessions have ended. Their answers still count, anonymously.");
}

async function reactivate({ adminId, formData }: AdminContext): Promise<Outcome> {
  const account = await accountOf(formData);
  if ("error" in account) return account.error;
  const { target, deactivatedAt } = account;
  if (deactivatedAt === null) return told(target.display_name, "is already active.");
  await setDeactivated(db(), target.id, null);
  await auditAccount(adminId, target, "user.reactivated", "account reactivated");
  return told(target.display_name, "is active again and can sign in.");
}
