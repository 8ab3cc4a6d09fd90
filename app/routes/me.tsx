import { markdownPlainText } from "~/domain/markdown";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/accounts/auth.server";
import { handleProfileAction, type ProfileResult } from "~/accounts/profile-actions.server";
import { NewPasswordField, TextField } from "~/components/field";
import { readConfig } from "~/platform/config.server";
import { db } from "~/platform/db.server";
import { PASSWORD_LIMITS, TEXT_LIMITS } from "~/domain/text-limits";
import { ROLE_LABELS } from "~/domain/permissions";
import { outcomeData, readFormData } from "~/http/forms";
import { judgementLabel } from "~/domain/scales";
import { codeUnitCap, truncateVisible } from "~/domain/visible-length";
import { listArgumentsBy, listRepliesTo, markRepliesSeen } from "~/models/arguments.server";
import { listPositionsOfUser } from "~/models/positions.server";
import { markPersuasionSeen, persuasionNewsFor } from "~/models/persuasion.server";
import { changedMindsLabel } from "~/domain/persuasion";
import { findUserSeenAt } from "~/models/users.server";
import { retryAfterHeaders } from "~/http/rate-limit.server";
import { StandingOptions } from "~/components/standing-options";
import { FormProblem } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "My profile · Casebook" }];

/** Keeps Retry-After on a 429 (see retryAfterHeaders). */
export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [positions, myArguments, replies, persuasion] = await Promise.all([
    listPositionsOfUser(db(), user.id),
    listArgumentsBy(db(), user.id),
    listRepliesTo(db(), user, await findUserSeenAt(db(), user.id)),
    persuasionNewsFor(db(), user.id),
  ]);
  if (replies.some((r) => r.unread)) await markRepliesSeen(db(), user.id);
  if (persuasion.total !== persuasion.seen) await markPersuasionSeen(db(), user.id, persuasion.total);
  return {
    displayName: user.display_name,
    email: user.email,
    standing: user.standing,
    role: user.role,
    kThreshold: readConfig().kThreshold,
    positions: positions.map((c) => ({ ...c, positions: c.positions.map((p) => ({ ...p, judgementLabel: judgementLabel(p.judgement) })) })),
    myArguments: myArguments.map((a) => ({ ...a, changedMinds: persuasion.byArgument.get(a.id) ?? 0 })),
    /** How many people the person's arguments changed the mind of, and how many of those are new to them. */
    persuasion: { total: persuasion.total, unread: persuasion.unread },
    replies,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const answer = await handleProfileAction(request, user, await readFormData(request));
  return answer instanceof Response ? answer : outcomeData(answer);
}

/** A one-line plain-text excerpt: the words without Markdown marks (issue 16), at most 120 visible characters. */
function excerpt(text: string): string {
  return truncateVisible(markdownPlainText(text), 120);
}

export default function Me() {
  const user = useLoaderData<typeof loader>();
  const result = useActionData<ProfileResult>();
  const [searchParams] = useSearchParams();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>My profile and activity</h1>
      {/* A form the page does not have (an unknown intent) is answered here, at the top. */}
      <FormProblem message={errors.form} />
      {searchParams.get("welcome") && !result ? <p className="notice">Welcome to Casebook. Tell us your standing at work so results can show how different roles see each case.</p> : null}
      {result?.saved ? (
        <p className="notice" role="status">
          Profile saved.
        </p>
      ) : null}
      <p>
        Signed in as {user.email} · role: {ROLE_LABELS[user.role]}
      </p>
      {searchParams.get("password") === "changed" && !result ? (
        <p className="notice" role="status">
          Password changed. Every other device you were signed in on has been signed out.
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="profile" />
        <TextField name="displayName" label="Display name" required maxLength={codeUnitCap(TEXT_LIMITS.displayName)} defaultValue={user.displayName} error={errors.displayName} />
        <div className="field">
          <label htmlFor="standing">Your standing at work</label>
          <p className="hint" id="standing-hint">
            Used only for group breakdowns, and only for groups of at least {user.kThreshold} people.
          </p>
          <select
            id="standing"
            name="standing"
            defaultValue={user.standing ?? ""}
            aria-describedby={errors.standing ? "standing-hint standing-error" : "standing-hint"}
            aria-invalid={errors.standing ? true : undefined}
          >
            <StandingOptions />
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

      <details className="password-change" open={Boolean(errors.currentPassword || errors.newPassword)}>
        <summary>Change password</summary>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="password" />
          <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" maxLength={PASSWORD_LIMITS.inputMaxLength} error={errors.currentPassword} />
          <NewPasswordField name="newPassword" label="New password" hint="Other devices will be signed out." error={errors.newPassword} />
          <div>
            <button type="submit">Change password</button>
          </div>
        </Form>
      </details>

      <section aria-labelledby="replies-heading">
        <h2 id="replies-heading">Replies to my arguments</h2>
        {user.replies.length === 0 ? (
          <p className="muted">No replies yet.</p>
        ) : (
          <ul className="activity-list">
            {user.replies.map((r) => (
              <li key={r.id}>
                {r.unread ? <span className="unread">new</span> : null}{" "}
                <strong>
                  <bdi>{r.authorName}</bdi>
                </strong>{" "}
                on{" "}
                <Link to={`/cases/${r.caseSlug}#argument-${r.id}`}>
                  <bdi>{r.caseTitle}</bdi>
                </Link>
                : <bdi>{excerpt(r.body)}</bdi>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="positions-heading">
        <h2 id="positions-heading">My answers</h2>
        {user.positions.length === 0 ? (
          <p className="muted">
            You have not answered a case yet. <Link to="/">Pick one from the library</Link>.
          </p>
        ) : (
          user.positions.map((c) => (
            <div key={c.slug}>
              <h3 dir="auto">
                <Link to={`/cases/${c.slug}`}>{c.title}</Link>
              </h3>
              <ul className="activity-list">
                {c.positions.map((p, i) => (
                  <li key={i} className={p.isCurrent ? "" : "muted"}>
                    As the {p.perspective}:{" "}
                    <strong>
                      <bdi>{p.option}</bdi>
                    </strong>
                    , {p.judgementLabel.toLowerCase()}
                    {p.isCurrent ? " (current)" : ` (earlier, ${p.createdAt.slice(0, 10)})`}
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
      </section>

      <section aria-labelledby="arguments-heading">
        <h2 id="arguments-heading">My arguments</h2>
        {user.persuasion.total > 0 ? (
          <p data-testid="persuasion-total">
            Your arguments {changedMindsLabel(user.persuasion.total)}
            {user.persuasion.unread > 0 ? <strong> ({user.persuasion.unread} new since you last looked)</strong> : null}: people named them when they changed an answer. Counted from released results,
            so they arrive in steps.
          </p>
        ) : null}
        {user.myArguments.length === 0 ? (
          <p className="muted">No arguments yet.</p>
        ) : (
          <ul className="activity-list">
            {user.myArguments.map((a) => (
              <li key={a.id}>
                {a.parentId ? "Reply" : "Argument"} on{" "}
                <Link to={`/cases/${a.caseSlug}#argument-${a.id}`}>
                  <bdi>{a.caseTitle}</bdi>
                </Link>
                {a.status === "hidden" ? " (hidden by a moderator)" : ""}: <bdi>{excerpt(a.body)}</bdi>
                {a.changedMinds > 0 ? <span className="muted"> · {changedMindsLabel(a.changedMinds)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
