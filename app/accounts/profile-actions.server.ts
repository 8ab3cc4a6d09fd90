/**
 * The profile page's forms, one named handler per intent in PROFILE_INTENTS: the profile (name
 * and standing; a form without an intent is this one) and a password change, which signs out
 * every other session.
 */
import { db } from "../platform/db.server";
import { passwordChangeForm, profileForm } from "../domain/account-forms";
import type { Standing } from "../domain/permissions";
import { parseForm, type ActionOutcome, type FieldErrors } from "../http/forms";
import { checkRateLimit, tooManyRequests } from "../http/rate-limit.server";
import { recordAudit } from "../models/audit.server";
import { findPasswordHash, updatePasswordHash, updateProfile, type PublicUser } from "../models/users.server";
import { restartSessions } from "./auth.server";
import { hashPassword, verifyPassword } from "./password.server";

export interface ProfileResult {
  errors: FieldErrors;
  saved: boolean;
}

/**
 * A handler's answer: an outcome, or a response only the HTTP and auth helpers make whole (a 429
 * with Retry-After, the redirect that carries a new session's cookie).
 */
export type ProfileAnswer = ActionOutcome<ProfileResult> | Response;

interface ProfileContext {
  request: Request;
  user: PublicUser;
  formData: FormData;
}

/** A form without an intent is the profile's. */
const PROFILE_INTENTS: Record<string, (context: ProfileContext) => Promise<ProfileAnswer>> = {
  profile: saveProfile,
  password: changePassword,
};

/** Runs one of the profile page's forms (`intent` names it; an unknown one is a 400 and saves nothing). */
export async function handleProfileAction(request: Request, user: PublicUser, formData: FormData): Promise<ProfileAnswer> {
  const intent = String(formData.get("intent") ?? "profile");
  const handler = Object.hasOwn(PROFILE_INTENTS, intent) ? PROFILE_INTENTS[intent]! : undefined;
  if (!handler) return { status: 400, body: { errors: { form: "Unknown action." }, saved: false } };
  return handler({ request, user, formData });
}

async function saveProfile({ user, formData }: ProfileContext): Promise<ProfileAnswer> {
  const form = parseForm(profileForm, formData);
  if (!form.ok) return { status: 400, body: { errors: form.errors, saved: false } };
  await updateProfile(db(), user.id, { displayName: form.data.displayName, standing: form.data.standing as Standing | null });
  return { status: 200, body: { errors: {}, saved: true } };
}

/** Checks the current password (rate-limited per account like sign-in), saves the new one, and signs out every other session. */
async function changePassword({ request, user, formData }: ProfileContext): Promise<ProfileAnswer> {
  const form = parseForm(passwordChangeForm, formData);
  if (!form.ok) return { status: 400, body: { errors: form.errors, saved: false } };
  const verdict = await checkRateLimit("login-account", user.email);
  if (!verdict.allowed) return tooManyRequests({ errors: { currentPassword: verdict.message }, saved: false }, verdict);
  const stored = await findPasswordHash(db(), user.id);
  if (!stored || !(await verifyPassword(form.data.currentPassword, stored))) {
    return { status: 400, body: { errors: { currentPassword: "That is not your current password." }, saved: false } };
  }
  await updatePasswordHash(db(), user.id, await hashPassword(form.data.newPassword));
  await recordAudit(db(), { actorUserId: user.id, action: "user.password-changed", subjectType: "user", subjectId: String(user.id), detail: "other sessions signed out" });
  return restartSessions(request, user.id, "/me?password=changed");
}
