import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getUser, safeRedirectPath, signIn } from "~/accounts/auth.server";
import { NewPasswordField, TextField } from "~/components/field";
import { db } from "~/platform/db.server";
import { signupForm } from "~/domain/account-forms";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { parseForm, readFormData } from "~/http/forms";
import { hashPassword, verifyPassword } from "~/accounts/password.server";
import { checkRateLimit, clientAddress, tooManyRequests } from "~/http/rate-limit.server";
import { anyUserExists, createUserUnlessTaken, findUserByEmail } from "~/models/users.server";
import { answerOnce } from "~/models/idempotency-keys.server";
import { answerHeaders, newPageKey, readSubmission } from "~/http/idempotency.server";
import { formKey, KEY_REUSED_MESSAGE } from "~/domain/idempotency";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { FormProblem } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "Sign up · Casebook" }];

/** Keeps Retry-After on a 429 and Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/me");
  /** New on every load: the form's idempotency key is this plus "signup" (ADR 016). */
  // The first-admin rule (createUserUnlessTaken), said where it applies, not only in the README.
  return { pageKey: newPageKey(), firstAccount: !(await anyUserExists(db())) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const form = parseForm(signupForm, formData);
  if (!form.ok) return Response.json({ errors: form.errors, values: form.values }, { status: 400 });
  const verdict = await checkRateLimit("signup", clientAddress(context));
  if (!verdict.allowed) {
    return tooManyRequests({ errors: { form: verdict.message }, values: { email: form.data.email, displayName: form.data.displayName } }, verdict);
  }
  const { email, displayName, password } = form.data;
  const values = { email, displayName };
  // Keyed like every create (ADR 016); the password is never part of what is hashed and kept.
  const read = readSubmission(formData, null, "signup", "signup", "signup", ["password"]);
  if (!read.ok) return Response.json({ errors: { form: read.message }, values }, { status: 400 });
  // Hashed first, whether or not the email is taken, so the refusal costs the same as a sign-up.
  const passwordHash = await hashPassword(password);
  const once = await answerOnce<{ userId?: number; location?: string }>(db(), read.submission, async (trx) => {
    const user = await createUserUnlessTaken(trx, { email, displayName, passwordHash });
    // New people land on their profile to declare their standing.
    return user ? { status: 302, body: { userId: user.id, location: safeRedirectPath(form.data.redirectTo, "/me?welcome=1") } } : { status: 400, body: {} };
  });
  const reused = () => Response.json({ errors: { form: KEY_REUSED_MESSAGE }, values }, { status: 422 });
  if (once.kind === "reused") return reused();
  const { userId, location } = once.answer.body;
  if (once.answer.status !== 302 || userId === undefined || location === undefined) {
    // Neutral: it does not confirm the account exists (ADR 014 says what this does and does not protect).
    return Response.json({ errors: { email: "We could not create an account with this email. If you have signed up before, log in instead." }, values }, { status: 400 });
  }
  if (once.kind === "repeat") {
    // The same sign-up sent again (a double click): sign in to the account it made, with the password it was made with.
    const account = await findUserByEmail(db(), email);
    if (!account || account.id !== userId || !(await verifyPassword(password, account.password_hash))) return reused();
  }
  return signIn(request, userId, location);
}

export default function Signup() {
  const { pageKey, firstAccount } = useLoaderData<typeof loader>();
  const key = formKey(pageKey, "signup");
  const result = useActionData<{ errors: Record<string, string>; values: Record<string, string> }>();
  const [searchParams] = useSearchParams();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Create your account</h1>
      {firstAccount ? (
        <p className="notice" role="note">
          No one has an account on this Casebook yet. The first account becomes its <strong>admin</strong>, who gives everyone else their roles, so create yours before you share the address.
        </p>
      ) : null}
      <FormProblem message={errors.form} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <IdempotencyKeyField value={key} />
        <TextField name="email" label="Email" type="email" autoComplete="email" required maxLength={254} defaultValue={result?.values.email} error={errors.email} />
        <TextField
          name="displayName"
          label="Display name"
          hint="Shown beside your arguments. Your votes are never shown with your name."
          autoComplete="nickname"
          required
          maxLength={codeUnitCap(TEXT_LIMITS.displayName)}
          defaultValue={result?.values.displayName}
          error={errors.displayName}
        />
        <NewPasswordField name="password" label="Password" error={errors.password} />
        <div>
          <SendButton sendingKey={key}>Sign up</SendButton>
        </div>
      </Form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>.
      </p>
    </>
  );
}
