import { Form } from "@remix-run/react";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { formKey } from "~/domain/idempotency";
import type { ThreadNode } from "~/domain/argument-threads";
import { changedMindsLabel } from "~/domain/persuasion";
import { formatUtc } from "~/domain/format";
import { SIDE_LABELS, type Side } from "~/domain/scales";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { FormProblem, FormNotice } from "./form-feedback";

/**
 * One post of a thread as the page receives it: the domain's node without who wrote it (server
 * only) or whether it is the viewer's, with its lens named, its body rendered, and how many minds
 * it changed.
 */
export interface ThreadView extends Omit<ThreadNode, "authorId" | "lens" | "mine" | "depth" | "replies"> {
  lensLabel: string | null;
  /** The body rendered and sanitized; null when the viewer may not read it. */
  html: string | null;
  /** Released answers naming it as what changed the person's mind (persuasion.ts); 0 for a reply or one that does not count. */
  changedMinds: number;
  replies: ThreadView[];
}

export interface ActionFeedback {
  intent: string;
  target: string;
  errors: Record<string, string>;
  message?: string;
}

interface Props {
  node: ThreadView;
  mayModerate: boolean;
  feedback: ActionFeedback | undefined;
  /** The page's key; each create form's idempotency key is this plus its name (ADR 016). */
  pageKey: string;
}

function when(iso: string): string {
  return `${formatUtc(iso)} UTC`;
}

/** An argument and its replies. Every control is a small form, so it all works without JavaScript. */
export function ArgumentThread({ node, mayModerate, feedback, pageKey }: Props) {
  const mine = feedback && feedback.target === String(node.id) ? feedback : undefined;
  const endorseKey = formKey(pageKey, `endorse-${node.id}`);
  const replyKey = formKey(pageKey, `reply-${node.id}`);
  const headingId = `argument-${node.id}`;
  return (
    <li className={`argument argument-${node.status}`} aria-labelledby={headingId}>
      <article id={headingId + "-body"}>
        <header className="argument-meta" id={headingId}>
          {node.status === "deleted" ? (
            <span>Deleted by its author</span>
          ) : (
            <>
              <strong>
                <bdi>{node.authorName}</bdi>
              </strong>
              {node.side ? <span className={`side side-${node.side}`}>{SIDE_LABELS[node.side as Side]}</span> : null}
              {node.perspective ? <span>as the {node.perspective}</span> : null}
              {node.lensLabel ? <span className="lens">Lens: {node.lensLabel}</span> : null}
              <span className="muted">
                {when(node.createdAt)}
                {node.edited ? " · edited" : ""}
              </span>
            </>
          )}
        </header>
        {node.status === "hidden" ? (
          <p className="moderation-note">
            Hidden by a moderator
            {node.moderationReason ? (
              <>
                : <bdi>{node.moderationReason}</bdi>
              </>
            ) : (
              "."
            )}
          </p>
        ) : null}
        {node.html !== null ? <div className="argument-body" dir="auto" dangerouslySetInnerHTML={{ __html: node.html }} /> : null}

        <div className="argument-actions">
          {node.status === "visible" ? (
            <span className="endorse-count">
              {node.endorsements === 1 ? "1 person" : `${node.endorsements} people`} moved
              {node.bridging !== null ? ` · bridging ${node.bridging.toFixed(1)}` : node.perspective ? " · no bridging score yet" : ""}
              {node.changedMinds > 0 ? <span data-testid="changed-minds"> · {changedMindsLabel(node.changedMinds)}</span> : null}
            </span>
          ) : null}
          {node.canEndorse ? (
            <Form method="post" preventScrollReset>
              <input type="hidden" name="intent" value="endorse" />
              <input type="hidden" name="argumentId" value={node.id} />
              <IdempotencyKeyField value={endorseKey} />
              <SendButton sendingKey={endorseKey} className="secondary small" aria-pressed={node.endorsedByViewer}>
                {node.endorsedByViewer ? "Moved me (undo)" : "This moved me"}
              </SendButton>
            </Form>
          ) : null}
          {node.canDelete ? (
            // A second step before deleting, without JavaScript: the button only appears once "Delete…" is opened.
            <details className="confirm-delete">
              <summary>Delete…</summary>
              <Form method="post" preventScrollReset>
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="argumentId" value={node.id} />
                <p>Delete this argument for good? Its replies stay.</p>
                <button type="submit" className="danger small">
                  Yes, delete it
                </button>
              </Form>
            </details>
          ) : null}
        </div>

        <FormProblem message={mine?.errors.form} />
        <FormNotice message={mine?.message} />

        {node.canEdit && node.body !== null ? (
          <details open={mine?.intent === "edit" && Object.keys(mine.errors).length > 0}>
            <summary>Edit (for 15 minutes after posting)</summary>
            <Form method="post" preventScrollReset className="stack">
              <input type="hidden" name="intent" value="edit" />
              <input type="hidden" name="argumentId" value={node.id} />
              <label htmlFor={`edit-${node.id}`}>Your argument</label>
              <textarea id={`edit-${node.id}`} name="body" rows={4} maxLength={codeUnitCap(TEXT_LIMITS.argument)} defaultValue={node.body} required />
              {mine?.intent === "edit" && mine.errors.body ? <p className="field-error">{mine.errors.body}</p> : null}
              <div>
                <button type="submit">Save edit</button>
              </div>
            </Form>
          </details>
        ) : null}

        {node.canReply ? (
          <details open={mine?.intent === "reply" && Object.keys(mine.errors).length > 0}>
            <summary>Reply</summary>
            <Form method="post" preventScrollReset className="stack">
              <input type="hidden" name="intent" value="reply" />
              <input type="hidden" name="parentId" value={node.id} />
              <IdempotencyKeyField value={replyKey} />
              <label htmlFor={`reply-${node.id}`}>Your reply (Markdown, up to 2,000 characters)</label>
              <textarea id={`reply-${node.id}`} name="body" rows={3} maxLength={codeUnitCap(TEXT_LIMITS.argument)} required />
              {mine?.intent === "reply" && mine.errors.body ? <p className="field-error">{mine.errors.body}</p> : null}
              <div>
                <SendButton sendingKey={replyKey}>Post reply</SendButton>
              </div>
            </Form>
          </details>
        ) : null}

        {mayModerate && node.status !== "deleted" ? (
          <details open={mine !== undefined && (mine.intent === "hide" || mine.intent === "restore") && Object.keys(mine.errors).length > 0}>
            <summary>{node.status === "hidden" ? "Restore" : "Hide"} (moderation)</summary>
            <Form method="post" preventScrollReset className="stack">
              <input type="hidden" name="intent" value={node.status === "hidden" ? "restore" : "hide"} />
              <input type="hidden" name="argumentId" value={node.id} />
              <label htmlFor={`reason-${node.id}`}>Reason (kept in the audit log)</label>
              <input id={`reason-${node.id}`} type="text" name="reason" maxLength={codeUnitCap(TEXT_LIMITS.moderationReason)} required />
              {mine && (mine.intent === "hide" || mine.intent === "restore") && mine.errors.reason ? <p className="field-error">{mine.errors.reason}</p> : null}
              <div>
                <button type="submit" className="secondary">
                  {node.status === "hidden" ? "Restore argument" : "Hide argument"}
                </button>
              </div>
            </Form>
          </details>
        ) : null}
      </article>
      {node.replies.length > 0 ? (
        <ol className="replies" aria-label="Replies">
          {node.replies.map((reply) => (
            <ArgumentThread key={reply.id} node={reply} mayModerate={mayModerate} feedback={feedback} pageKey={pageKey} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}
