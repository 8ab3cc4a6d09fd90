import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { getUser, safeRedirectPath, signIn } from "~/auth.server";
import { TextField } from "~/components/field";
import { db } from "~/db.server";
import { signupForm } from "~/domain/account-forms";
import { PASSWORD_LIMITS, TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { parseForm, readFormData } from "~/forms";
import { hashPassword } from "~/password.server";
import { checkRateLimit, clientAddress, retryAfterHeaders, tooManyRequests } from "~/rate-limit.server";
import { createUser, findUserByEmail } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "Sign up · Casebook" }];

/** Keeps Retry-After on a 429 (see retryAfterHeaders). */
export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/me");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(signupForm, await readFormData(request));
  if (!form.ok) return Response.json({ errors: form.errors, values: form.values }, { status: 400 });
  const verdict = await checkRateLimit("signup", clientAddress(context));
  if (!verdict.allowed) {
    return tooManyRequests({ errors: { form: verdict.message }, values: { email: form.data.email, displayName: form.data.displayName } }, verdict);
  }
  const { email, displayName, password } = form.data;
  // Hashed first, whether or not the email is taken, so the refusal costs the same as a sign-up.
  const passwordHash = await hashPassword(password);
  if (await findUserByEmail(db(), email)) {
    // Neutral: it does not confirm the account exists (ADR 014 says what this does and does not protect).
    return Response.json(
      { errors: { email: "We could not create an account with this email. If you have signed up before, log in instead." }, values: { email, displayName } },
      { status: 400 },
    );
  }
  const user = await createUser(db(), { email, displayName, passwordHash });
  // New people land on their profile to declare their standing.
  return signIn(request, user.id, safeRedirectPath(form.data.redirectTo, "/me?welcome=1"));
}

export default function Signup() {
  const result = useActionData<{ errors: Record<string, string>; values: Record<string, string> }>();
  const [searchParams] = useSearchParams();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Create your account</h1>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
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
        <TextField name="password" label="Password" type="password" autoComplete="new-password" hint="At least 10 characters." required minLength={PASSWORD_LIMITS.min} maxLength={PASSWORD_LIMITS.inputMaxLength} error={errors.password} />
        <div>
          <button type="submit">Sign up</button>
        </div>
      </Form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>.
      </p>
    </>
  );
}
