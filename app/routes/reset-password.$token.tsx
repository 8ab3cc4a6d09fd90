import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { restartSessions } from "~/accounts/auth.server";
import { NewPasswordField } from "~/components/field";
import { db } from "~/platform/db.server";
import { passwordResetForm } from "~/domain/account-forms";
import { looksLikeResetToken, RESET_REFUSED_MESSAGE } from "~/domain/accounts";
import { parseForm, readFormData } from "~/http/forms";
import { recordAudit } from "~/models/audit.server";
import { checkPasswordReset, redeemPasswordReset } from "~/models/password-resets.server";
import { updatePasswordHash } from "~/models/users.server";
import { hashPassword } from "~/accounts/password.server";
import { FormProblem } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Casebook" }, { name: "referrer", content: "no-referrer" }];

export async function loader({ params }: LoaderFunctionArgs) {
  if (!looksLikeResetToken(params.token)) return { usable: false, message: RESET_REFUSED_MESSAGE };
  const verdict = await checkPasswordReset(db(), params.token);
  return verdict.ok ? { usable: true, message: "" } : { usable: false, message: verdict.message };
}

/** Sets the new password, uses up the token, ends every session of the account and signs this device in (ADR 023). */
export async function action({ request, params }: ActionFunctionArgs) {
  const form = parseForm(passwordResetForm, await readFormData(request));
  if (!form.ok) return Response.json({ errors: form.errors }, { status: 400 });
  if (!looksLikeResetToken(params.token)) return Response.json({ errors: { form: RESET_REFUSED_MESSAGE } }, { status: 400 });
  const passwordHash = await hashPassword(form.data.newPassword);
  const used = await redeemPasswordReset(db(), params.token);
  if (!used.ok) return Response.json({ errors: { form: used.message } }, { status: 400 });
  await updatePasswordHash(db(), used.userId, passwordHash);
  await recordAudit(db(), { actorUserId: used.userId, action: "user.password-reset", subjectType: "user", subjectId: String(used.userId), detail: "New password set with a reset link" });
  return restartSessions(request, used.userId, "/me?reset=1");
}

export default function ResetPassword() {
  const { usable, message } = useLoaderData<typeof loader>();
  const result = useActionData<{ errors: Record<string, string> }>();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Choose a new password</h1>
      {!usable ? (
        <>
          <p className="form-error" role="alert">
            {message}
          </p>
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        </>
      ) : (
        <>
          <FormProblem message={errors.form} />
          <Form method="post" className="stack" noValidate>
            <NewPasswordField name="newPassword" label="New password" hint="Setting it signs you out everywhere else." error={errors.newPassword} />
            <div>
              <button type="submit">Set new password</button>
            </div>
          </Form>
        </>
      )}
    </>
  );
}
