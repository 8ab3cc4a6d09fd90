import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/auth.server";
import { TextField } from "~/components/field";
import { db } from "~/db.server";
import { profileForm } from "~/domain/account-forms";
import { ROLE_LABELS, STANDING_LABELS, STANDINGS, type Standing } from "~/domain/permissions";
import { parseForm } from "~/forms";
import { updateProfile } from "~/models/users.server";

export const meta: MetaFunction = () => [{ title: "My profile · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { displayName: user.display_name, email: user.email, standing: user.standing, role: user.role };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = parseForm(profileForm, await request.formData());
  if (!form.ok) return Response.json({ errors: form.errors, saved: false }, { status: 400 });
  await updateProfile(db(), user.id, { displayName: form.data.displayName, standing: form.data.standing as Standing | null });
  return { errors: {} as Record<string, string>, saved: true };
}

export default function Me() {
  const user = useLoaderData<typeof loader>();
  const result = useActionData<{ errors: Record<string, string>; saved: boolean }>();
  const [searchParams] = useSearchParams();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>My profile</h1>
      {searchParams.get("welcome") && !result ? (
        <p className="notice">Welcome to Casebook. Tell us your standing at work so results can show how different roles see each case.</p>
      ) : null}
      {result?.saved ? (
        <p className="notice" role="status">
          Profile saved.
        </p>
      ) : null}
      <p>
        Signed in as {user.email} · role: {ROLE_LABELS[user.role]}
      </p>
      <Form method="post" className="stack" noValidate>
        <TextField name="displayName" label="Display name" required maxLength={60} defaultValue={user.displayName} error={errors.displayName} />
        <div className="field">
          <label htmlFor="standing">Your standing at work</label>
          <p className="hint" id="standing-hint">
            Used only for group breakdowns, and only for groups of at least five people.
          </p>
          <select
            id="standing"
            name="standing"
            defaultValue={user.standing ?? ""}
            aria-describedby={errors.standing ? "standing-hint standing-error" : "standing-hint"}
            aria-invalid={errors.standing ? true : undefined}
          >
            <option value="">Prefer not to say</option>
            {STANDINGS.map((s) => (
              <option key={s} value={s}>
                {STANDING_LABELS[s]}
              </option>
            ))}
          </select>
          {errors.standing ? (
            <p className="field-error" id="standing-error">
              {errors.standing}
            </p>
          ) : null}
        </div>
        <div>
          <button type="submit">Save profile</button>
        </div>
      </Form>
    </>
  );
}
