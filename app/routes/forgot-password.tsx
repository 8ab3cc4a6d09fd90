import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getUser } from "~/accounts/auth.server";
import { TextField } from "~/components/field";
import { db } from "~/platform/db.server";
import { forgotPasswordForm } from "~/domain/account-forms";
import { RESET_REQUESTED_MESSAGE } from "~/domain/accounts";
import { parseForm, readFormData } from "~/http/forms";
import { errorFields, log } from "~/platform/log.server";
import { mailConfigured, sendResetMail } from "~/accounts/mail.server";
import { createPasswordReset } from "~/models/password-resets.server";
import { findUserByEmail, normalizeEmail } from "~/models/users.server";
import { checkRateLimits, clientAddress, retryAfterHeaders, tooManyRequests } from "~/http/rate-limit.server";
import { FormProblem, FormNotice } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "Forgot password · Casebook" }];

export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/me");
  return { mail: mailConfigured() };
}

/**
 * One answer whether or not the email has an account (ADR 023): the lookup runs either way and
 * the mail is sent after the answer, so neither the words nor the time taken tell.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (!mailConfigured()) return Response.json({ errors: { form: "This site cannot send mail. Ask an admin for a reset link." }, values: {} }, { status: 400 });
  const form = parseForm(forgotPasswordForm, await readFormData(request));
  if (!form.ok) return Response.json({ errors: form.errors, values: form.values }, { status: 400 });
  const email = normalizeEmail(form.data.email);
  const verdict = await checkRateLimits([
    ["reset-address", clientAddress(context)],
    ["reset-account", email],
  ]);
  if (!verdict.allowed) return tooManyRequests({ errors: { form: verdict.message }, values: { email } }, verdict);
  const user = await findUserByEmail(db(), email);
  if (user && user.deactivated_at === null) {
    const { token } = await createPasswordReset(db(), user.id, null);
    // Not awaited: a slow mail server must not make an existing account's answer slower.
    sendResetMail(user.email, token).catch((error: unknown) => log().error({ event: "reset-mail-failed", ...errorFields(error) }, "A password reset mail could not be sent"));
  }
  return { sent: RESET_REQUESTED_MESSAGE };
}

export default function ForgotPassword() {
  const { mail } = useLoaderData<typeof loader>();
  const result = useActionData<{ sent?: string; errors?: Record<string, string>; values?: Record<string, string> }>();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Forgot your password?</h1>
      <FormNotice message={result?.sent} />
      <FormProblem message={errors.form} />
      {mail ? (
        <Form method="post" className="stack" noValidate>
          <TextField name="email" label="Email" type="email" autoComplete="email" required maxLength={254} defaultValue={result?.values?.email} error={errors.email} />
          <div>
            <button type="submit">Send me a reset link</button>
          </div>
        </Form>
      ) : (
        <p>This site does not send mail. Ask an admin of this Casebook for a reset link: it lets you choose a new password once, within an hour.</p>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </>
  );
}
