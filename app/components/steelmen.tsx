import { Form } from "@remix-run/react";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { formKey } from "~/domain/idempotency";
import { FAIRNESS_LABELS, sideWords, type SteelmanSide } from "~/domain/steelmen";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";

/** What an action answered, as the steelman forms read it (the case page's `CaseActionResult`). */
interface Feedback {
  intent: string;
  target: string;
  errors: Record<string, string>;
  values?: Record<string, string>;
  message?: string;
}

interface Shown {
  id: number;
  perspective: string;
  side: SteelmanSide;
  html: string;
}

interface WriteSlot {
  perspective: string;
  sides: SteelmanSide[];
  mine: (Shown & { body: string; opened: boolean; hidden: boolean }) | null;
}

function Message({ feedback }: { feedback?: Feedback }) {
  if (!feedback) return null;
  return feedback.errors.form ? (
    <p className="form-error" role="alert">
      {feedback.errors.form}
    </p>
  ) : feedback.message ? (
    <p className="notice" role="status">
      {feedback.message}
    </p>
  ) : null;
}

/** The author's own "Delete" for their steelman (not keyed: repeating a deletion changes nothing, ADR 016). */
function DeleteOwn({ id, perspective }: { id: number; perspective: string }) {
  return (
    <Form method="post" preventScrollReset className="inline-form">
      <input type="hidden" name="intent" value="steelman-delete" />
      <input type="hidden" name="steelmanId" value={id} />
      <button type="submit" className="secondary">
        Delete my steelman as the {perspective}
      </button>
    </Form>
  );
}

/**
 * The prompt after answering, before results (ADR 031): for each perspective answered, write the
 * best case for the side you did not take. Asked, never required: results stay one link away.
 */
export function SteelmanPrompt({ slots, judgementQuestion, feedback, pageKey }: { slots: WriteSlot[]; judgementQuestion: string; feedback?: Feedback; pageKey: string }) {
  if (slots.length === 0) return null;
  return (
    <section aria-labelledby="steelman-prompt-heading" className="steelman-prompt" id="steelman">
      <h3 id="steelman-prompt-heading">Before you look: make the other side&apos;s best case</h3>
      <p>
        Write the strongest case for the answer you did not give to <bdi>{judgementQuestion}</bdi>, as its own people would put it. People who gave that answer rate how fair it is to them; the best
        are shown with the results, without your name. Optional: you can skip to the results.
      </p>
      {slots.map((slot) => {
        const target = `steelman-${slot.perspective}`;
        const mine = feedback?.target === target && ["steelman", "steelman-delete"].includes(feedback.intent) ? feedback : undefined;
        const key = formKey(pageKey, target);
        const id = (name: string) => `steelman-${slot.perspective}-${name}`;
        const values = mine && Object.keys(mine.errors).length > 0 ? (mine.values ?? {}) : {};
        if (slot.mine && (slot.mine.opened || slot.mine.hidden)) {
          return (
            <article key={slot.perspective} className="steelman mine" aria-labelledby={id("heading")}>
              <h4 id={id("heading")}>Your steelman: the case for {sideWords(slot.perspective, slot.mine.side)}</h4>
              <div dir="auto" dangerouslySetInnerHTML={{ __html: slot.mine.html }} />
              <p className="muted">{slot.mine.hidden ? "A moderator has hidden it." : "It is open for rating, so it stays as it is."} You cannot rate your own steelman.</p>
              <DeleteOwn id={slot.mine.id} perspective={slot.perspective} />
              <Message feedback={mine} />
            </article>
          );
        }
        const sideValue = values.side ?? slot.mine?.side ?? (slot.sides.length === 1 ? slot.sides[0] : undefined);
        return (
          <div key={slot.perspective} className="stack">
            <Form method="post" preventScrollReset className="stack steelman-form" aria-labelledby={id("heading")} id={target}>
              <h4 id={id("heading")}>Steelman as the {slot.perspective}</h4>
              <input type="hidden" name="intent" value="steelman" />
              <input type="hidden" name="perspective" value={slot.perspective} />
              <IdempotencyKeyField value={key} />
              {slot.sides.length === 1 ? (
                <>
                  <input type="hidden" name="side" value={slot.sides[0]} />
                  <p>
                    Make the case for <strong>{sideWords(slot.perspective, slot.sides[0]!)}</strong>.
                  </p>
                </>
              ) : (
                <fieldset className="field" aria-describedby={mine?.errors.side ? id("side-error") : undefined}>
                  <legend>You were torn as the {slot.perspective}: which side will you make the case for?</legend>
                  <div className="inline-choices">
                    {slot.sides.map((side) => (
                      <label key={side} className="choice">
                        <input type="radio" name="side" value={side} defaultChecked={sideValue === side} required />
                        {sideWords(slot.perspective, side)}
                      </label>
                    ))}
                  </div>
                </fieldset>
              )}
              {mine?.errors.side ? (
                <p className="field-error" id={id("side-error")}>
                  {mine.errors.side}
                </p>
              ) : null}
              <div className="field">
                <label htmlFor={id("body")}>Your steelman as the {slot.perspective}</label>
                <p className="hint" id={id("hint")}>
                  Markdown: **bold**, *italic*, lists and links. Up to 2,000 characters. You can change it until it opens for rating.
                </p>
                <textarea
                  id={id("body")}
                  name="body"
                  rows={4}
                  maxLength={codeUnitCap(TEXT_LIMITS.argument)}
                  defaultValue={values.body ?? slot.mine?.body ?? ""}
                  aria-invalid={mine?.errors.body ? true : undefined}
                  aria-describedby={[id("hint"), mine?.errors.body ? id("body-error") : null].filter(Boolean).join(" ")}
                />
                {mine?.errors.body ? (
                  <p className="field-error" id={id("body-error")}>
                    {mine.errors.body}
                  </p>
                ) : null}
              </div>
              <div>
                <SendButton sendingKey={key}>{slot.mine ? `Update steelman as the ${slot.perspective}` : `Save steelman as the ${slot.perspective}`}</SendButton>
              </div>
              <Message feedback={mine} />
            </Form>
            {slot.mine ? <DeleteOwn id={slot.mine.id} perspective={slot.perspective} /> : null}
          </div>
        );
      })}
    </section>
  );
}

interface RateGroup {
  perspective: string;
  side: SteelmanSide;
  items: (Shown & { myRating: number | null })[];
}

interface BestGroup {
  perspective: string;
  sides: { side: SteelmanSide; items: (Shown & { score: string })[] }[];
}

/** One steelman to rate: a fieldset of five radios, sent as a plain form. */
function RatingForm({ item, group, feedback, pageKey }: { item: RateGroup["items"][number]; group: RateGroup; feedback?: Feedback; pageKey: string }) {
  const target = `steelman-${item.id}`;
  const mine = feedback?.target === target && feedback.intent === "rate-steelman" ? feedback : undefined;
  const key = formKey(pageKey, `rate-${item.id}`);
  return (
    <li>
      <article className="steelman" aria-label={`Steelman for ${sideWords(group.perspective, group.side)}`}>
        <div dir="auto" dangerouslySetInnerHTML={{ __html: item.html }} />
        <Form method="post" preventScrollReset className="stack" id={target}>
          <input type="hidden" name="intent" value="rate-steelman" />
          <input type="hidden" name="steelmanId" value={item.id} />
          <IdempotencyKeyField value={key} />
          <fieldset className="field rating" aria-describedby={mine?.errors.rating ? `${target}-error` : undefined}>
            <legend>How fair is this to people who answered {sideWords(group.perspective, group.side)}, like you?</legend>
            <div className="inline-choices">
              {FAIRNESS_LABELS.map((label, index) => (
                <label key={label} className="choice">
                  <input type="radio" name="rating" value={index + 1} defaultChecked={item.myRating === index + 1} required />
                  {index + 1}: {label}
                </label>
              ))}
            </div>
          </fieldset>
          {mine?.errors.rating ? (
            <p className="field-error" id={`${target}-error`}>
              {mine.errors.rating}
            </p>
          ) : null}
          <div>
            <SendButton sendingKey={key} className="secondary">
              {item.myRating === null ? "Save rating" : "Change rating"}
            </SendButton>
          </div>
          <Message feedback={mine} />
        </Form>
      </article>
    </li>
  );
}

function ModerationForm({ item, hidden, feedback }: { item: Shown; hidden: boolean; feedback?: Feedback }) {
  const target = `steelman-${item.id}`;
  const mine = feedback?.target === target && (feedback.intent === "steelman-hide" || feedback.intent === "steelman-restore") ? feedback : undefined;
  return (
    <li>
      <article className="steelman" aria-label={`Steelman ${item.id}, for ${sideWords(item.perspective, item.side)}`}>
        <p className="muted">For {sideWords(item.perspective, item.side)}</p>
        <div dir="auto" dangerouslySetInnerHTML={{ __html: item.html }} />
        <Form method="post" preventScrollReset className="stack">
          <input type="hidden" name="intent" value={hidden ? "steelman-restore" : "steelman-hide"} />
          <input type="hidden" name="steelmanId" value={item.id} />
          <label htmlFor={`steelman-reason-${item.id}`}>Reason (kept in the audit log)</label>
          <input id={`steelman-reason-${item.id}`} type="text" name="reason" maxLength={codeUnitCap(TEXT_LIMITS.moderationReason)} required />
          {mine?.errors.reason ? <p className="field-error">{mine.errors.reason}</p> : null}
          <div>
            <button type="submit" className="secondary">
              {hidden ? "Restore steelman" : "Hide steelman"}
            </button>
          </div>
          <Message feedback={mine} />
        </Form>
      </article>
    </li>
  );
}

/**
 * Steelmen to rate (only those of the side the viewer's answer took, never their own), the best
 * released so far (with the results), and moderation. Scores are released in steps (ADR 031).
 */
export function SteelmanBoard({
  rate,
  best,
  moderation,
  k,
  feedback,
  pageKey,
}: {
  rate: RateGroup[];
  best: BestGroup[] | null;
  moderation: { open: Shown[]; hidden: Shown[] } | null;
  k: number;
  feedback?: Feedback;
  pageKey: string;
}) {
  const toRate = rate.filter((g) => g.items.length > 0);
  if (toRate.length === 0 && best === null && moderation === null) return null;
  return (
    <section aria-labelledby="steelmen-heading" id="steelmen">
      <h2 id="steelmen-heading">Steelmen: each side&apos;s case, made by the other</h2>
      <p className="muted">
        Steelmen are shown without their authors&apos; names. They open for rating together, at least {k} at a time, and a score appears once at least {k} people who took that side have rated one; it
        changes only after at least {k} ratings are new or changed, at a release of the results. Nobody sees who rated or how many did.
      </p>
      {toRate.map((group) => (
        <section key={group.perspective} aria-labelledby={`rate-${group.perspective}-heading`}>
          <h3 id={`rate-${group.perspective}-heading`}>Rate the case others made for your side: {sideWords(group.perspective, group.side)}</h3>
          <ol className="steelman-list">
            {group.items.map((item) => (
              <RatingForm key={item.id} item={item} group={group} feedback={feedback} pageKey={pageKey} />
            ))}
          </ol>
        </section>
      ))}
      {best
        ? best.map((group) => (
            <section key={group.perspective} aria-labelledby={`best-${group.perspective}-heading`}>
              <h3 id={`best-${group.perspective}-heading`}>Best steelmen as the {group.perspective}</h3>
              {group.sides.map(({ side, items }) => (
                <section key={side} aria-labelledby={`best-${group.perspective}-${side}-heading`}>
                  <h4 id={`best-${group.perspective}-${side}-heading`}>The case for {sideWords(group.perspective, side)}</h4>
                  {items.length === 0 ? (
                    <p className="muted">No steelman has a released score yet.</p>
                  ) : (
                    <ol className="steelman-list">
                      {items.map((item) => (
                        <li key={item.id}>
                          <article className="steelman" aria-label={`Steelman rated ${item.score}`}>
                            <div dir="auto" dangerouslySetInnerHTML={{ __html: item.html }} />
                            <p className="muted">
                              Fair to them: <strong>{item.score}</strong> (rated by at least {k} people who answered {sideWords(group.perspective, side)})
                            </p>
                          </article>
                        </li>
                      ))}
                    </ol>
                  )}
                </section>
              ))}
            </section>
          ))
        : null}
      {moderation && moderation.open.length + moderation.hidden.length > 0 ? (
        <details>
          <summary>Moderate steelmen</summary>
          {moderation.open.length > 0 ? (
            <ol className="steelman-list" aria-label="Steelmen open for rating">
              {moderation.open.map((item) => (
                <ModerationForm key={item.id} item={item} hidden={false} feedback={feedback} />
              ))}
            </ol>
          ) : null}
          {moderation.hidden.length > 0 ? (
            <ol className="steelman-list" aria-label="Hidden steelmen">
              {moderation.hidden.map((item) => (
                <ModerationForm key={item.id} item={item} hidden feedback={feedback} />
              ))}
            </ol>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}
