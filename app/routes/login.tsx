import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { getUser, safeRedirectPath, signIn } from "~/accounts/auth.server";
import { TextField } from "~/components/field";
import { db } from "~/platform/db.server";
import { loginForm } from "~/domain/account-forms";
import { PASSWORD_LIMITS } from "~/domain/text-limits";
import { parseForm, readFormData } from "~/http/forms";
import { findUserByEmail } from "~/models/users.server";
import { verifyPasswordInConstantCost } from "~/accounts/password.server";
import { checkSignInLimits, clientAddress, retryAfterHeaders, tooManyRequests } from "~/http/rate-limit.server";
import { FormProblem } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "Log in · Casebook" }];

/** Keeps Retry-After on a 429 (see retryAfterHeaders). */
export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(loginForm, await readFormData(request));
  if (!form.ok) return Response.json({ errors: form.errors, values: form.values }, { status: 400 });
  const verdict = await checkSignInLimits(clientAddress(context), form.data.email.toLowerCase());
  if (!verdict.allowed) return tooManyRequests({ errors: { form: verdict.message }, values: { email: form.data.email } }, verdict);
  const user = await findUserByEmail(db(), form.data.email);
  // One message and the same scrypt work for both cases, so neither the form nor its timing reveals which emails have accounts.
  const matches = await verifyPasswordInConstantCost(form.data.password, user?.password_hash);
  if (!user || !matches) {
    return Response.json({ errors: { form: "That email and password do not match an account." }, values: { email: form.data.email } }, { status: 400 });
  }
  // Told only to someone who knows the password, so it reveals nothing a stranger could use.
  if (user.deactivated_at !== null) {
    return Response.json({ errors: { form: "This account has been deactivated. Ask an admin of this Casebook if you need it back." }, values: { email: form.data.email } }, { status: 403 });
  }
  return signIn(request, user.id, safeRedirectPath(form.data.redirectTo, "/"));
}

export default function Login() {
  const result = useActionData<{ errors: Record<string, string>; values: Record<string, string> }>();
  const [searchParams] = useSearchParams();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Log in</h1>
      <FormProblem message={errors.form} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <TextField name="email" label="Email" type="email" autoComplete="email" required maxLength={254} defaultValue={result?.values.email} error={errors.email} />
        <TextField name="password" label="Password" type="password" autoComplete="current-password" required maxLength={PASSWORD_LIMITS.inputMaxLength} error={errors.password} />
        <div>
          <button type="submit">Log in</button>
        </div>
      </Form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to="/signup">Create an account</Link>.
      </p>
    </>
  );
}
