/**
 * A phone's vote, one perspective per screen (issue 16): "1 of 2" as the employee, then the
 * employer, with Next and Back; the last screen sends both answers together (a vote is every
 * perspective or none). It is one form either way: with JavaScript the page shows one fieldset
 * at a time and sends the vote by fetch to the JSON endpoint (ADR 008); without it, Next and Back
 * post the form and the server shows the screen asked for, carrying the answers so far in the
 * hidden fieldsets (vote-steps.ts).
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { IdempotencyKeyField } from "./send-once";
import { phoneMovedByChoices } from "~/domain/counting";
import { formKey } from "~/domain/idempotency";
import { JUDGEMENT_SCALE } from "~/domain/scales";
import { isolate } from "~/domain/bidi";
import { truncateVisible } from "~/domain/visible-length";
import { firstStepWithError } from "~/domain/vote-steps";
import type { StoredWorkshopVote } from "~/models/workshop-votes.server";
import type { RoomState } from "~/workshops/live-state.server";
import type { ParticipationResult } from "~/workshops/participation.server";

/** Votes answered on this page, kept by the page so the form can be drawn afresh. */
export interface VoteCounter {
  answered: number;
  setAnswered: (update: (n: number) => number) => void;
}

/**
 * With JavaScript a vote is one fetch to the JSON endpoint (POST /w/:code/vote), whose answer
 * carries the person's stored votes; the live stream carries the room, so nothing reloads.
 * Without it, the form posts to the page's action and the page comes back.
 *
 * The vote's idempotency key (ADR 016) is the page's key and a count of votes answered: once a
 * vote is answered (or its key refused as reused), the next change of vote is a new submission;
 * a vote lost on the way (no answer, or a server error) keeps its key, so sending it again can
 * never count it twice.
 */
function useVoteSender(code: string, pageKey: string, counter: VoteCounter, onAnswer: (answer: ParticipationResult) => void) {
  const [sending, setSending] = useState(false);
  const inFlight = useRef(false);
  // Counted by the page, not the form: a form drawn afresh (after a reset) never reuses a key.
  const { answered, setAnswered } = counter;
  const key = formKey(pageKey, `vote-${answered}`);
  const send = async (form: HTMLFormElement) => {
    // A second tap before the first re-render still sees the first one in flight.
    if (inFlight.current) return;
    inFlight.current = true;
    const fields = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === "string") fields.append(name, value);
    setSending(true);
    try {
      const response = await fetch(`/w/${encodeURIComponent(code)}/vote`, { method: "POST", body: fields, headers: { Accept: "application/json" } });
      const answer = (await response.json().catch(() => null)) as ParticipationResult | null;
      if (response.ok || response.status === 422) setAnswered((n) => n + 1);
      onAnswer(answer ?? { intent: "vote", errors: { form: `The vote could not be sent (the server answered ${response.status}). Please try again.` } });
    } catch {
      onAnswer({ intent: "vote", errors: { form: "The vote could not be sent. Check your connection and try again." } });
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };
  return { send, sending, key };
}

export function PhoneVoteForm({
  state,
  mine,
  mySubmissions,
  pageKey,
  counter,
  result,
  onAnswer,
}: {
  state: RoomState;
  mine: StoredWorkshopVote[];
  mySubmissions: number[];
  pageKey: string;
  counter: VoteCounter;
  result: ParticipationResult | undefined;
  onAnswer: (answer: ParticipationResult) => void;
}) {
  const perspectives = state.perspectives;
  const count = perspectives.length;
  const vote = result?.intent === "vote" ? result : undefined;
  const errors = vote?.errors ?? {};
  // Without JavaScript the server says which screen to show: the one asked for, or the first with an error.
  const [step, setStep] = useState(() => Math.min(count, vote?.step ?? firstStepWithError(perspectives, errors) ?? 1));
  const stepHeading = useRef<HTMLParagraphElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    // After Next or Back the new screen's first words get the focus (and the screen scrolls to them).
    if (moved.current) stepHeading.current?.focus();
  }, [step]);
  const goTo = (next: number) => {
    moved.current = true;
    setStep(Math.max(1, Math.min(count, next)));
  };
  const { send, sending, key } = useVoteSender(state.code, pageKey, counter, (answer) => {
    const wrong = firstStepWithError(perspectives, answer.errors);
    if (wrong !== null && wrong !== step) goTo(wrong);
    onAnswer(answer);
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    if (submitter instanceof HTMLButtonElement && submitter.name === "step") goTo(Number(submitter.value));
    else void send(event.currentTarget);
  };

  const round = state.round!;
  const movedByChoices = phoneMovedByChoices(state.submissions, mySubmissions);
  const current = (perspective: string) => mine.find((v) => v.round === round && v.perspective === perspective);
  const earlier = (perspective: string) => (round === 2 ? mine.find((v) => v.round === 1 && v.perspective === perspective) : undefined);
  const hasVoted = perspectives.every((p) => current(p.key));
  // What each screen starts with: the answers carried from the screen before (no JavaScript), else
  // this round's vote, else round 1's (round 2 starts from it, so a change of mind is one tap).
  const chosen = (perspective: string, field: "option" | "judgement"): string | undefined => {
    const carried = vote?.values?.[`${field}-${perspective}`];
    if (carried !== undefined) return carried;
    const stored = current(perspective) ?? earlier(perspective);
    return stored ? String(field === "option" ? stored.option_id : stored.judgement) : undefined;
  };
  const movedBy = vote?.values?.movedBy ?? String(mine.find((v) => v.round === 2)?.moved_by_submission_id ?? "");
  const last = step === count;
  return (
    <form method="post" className="stack phone-vote" onSubmit={submit} aria-busy={sending}>
      <input type="hidden" name="intent" value="vote" />
      <IdempotencyKeyField value={key} />
      {round === 2 && !hasVoted && perspectives.some((p) => earlier(p.key)) ? <p className="muted">Your round 1 answers are filled in: change what you now see differently, then send.</p> : null}
      {count > 1 ? (
        <div className="vote-progress">
          <p className="vote-step" ref={stepHeading} tabIndex={-1} data-testid="vote-step">
            {step} of {count}
            <span className="visually-hidden">: as the {perspectives[step - 1]!.key}</span>
          </p>
          <ol className="vote-step-dots" aria-hidden="true">
            {perspectives.map((p, i) => (
              <li key={p.key} className={i + 1 === step ? "current" : i + 1 < step ? "done" : undefined} />
            ))}
          </ol>
        </div>
      ) : null}
      {perspectives.map((p, i) => {
        // Only the screen shown is required: the browser checks it on Next or Send, with or without JavaScript.
        const shown = i + 1 === step;
        return (
          <fieldset key={p.key} className="perspective" hidden={!shown} data-perspective={p.key}>
            <legend>
              <strong>As the {p.key}:</strong> <bdi>{p.prompt}</bdi>
            </legend>
            {p.options.map((option) => (
              <label key={option.id} className="choice">
                <input type="radio" name={`option-${p.key}`} value={option.id} defaultChecked={chosen(p.key, "option") === option.id} required={shown} />
                <bdi>{option.text}</bdi>
              </label>
            ))}
            {errors[`option-${p.key}`] ? <p className="field-error">{errors[`option-${p.key}`]}</p> : null}
            <fieldset className="field">
              <legend dir="auto">{state.judgementQuestion}</legend>
              <div className="scale">
                {JUDGEMENT_SCALE.map((level) => (
                  <label key={level.value} className="scale-step">
                    <input type="radio" name={`judgement-${p.key}`} value={level.value} defaultChecked={chosen(p.key, "judgement") === String(level.value)} required={shown} />
                    <span>{level.label}</span>
                  </label>
                ))}
              </div>
              {errors[`judgement-${p.key}`] ? <p className="field-error">{errors[`judgement-${p.key}`]}</p> : null}
            </fieldset>
          </fieldset>
        );
      })}
      {round === 2 && movedByChoices.length > 0 ? (
        <div className="field" hidden={!last}>
          <label htmlFor="movedBy">Did an argument move you? (optional)</label>
          <select id="movedBy" name="movedBy" defaultValue={movedBy} aria-describedby={errors.movedBy ? "movedBy-error" : undefined}>
            <option value="">No particular argument</option>
            {movedByChoices.map((s) => (
              <option key={s.id} value={s.id}>
                {isolate(truncateVisible(s.body, 70))}
              </option>
            ))}
          </select>
          {errors.movedBy ? (
            <p className="field-error" id="movedBy-error">
              {errors.movedBy}
            </p>
          ) : null}
        </div>
      ) : errors.movedBy ? (
        <p className="field-error">{errors.movedBy}</p>
      ) : null}
      <div className="step-buttons">
        {step > 1 ? (
          // Back asks for nothing: what this screen holds so far goes along and comes back.
          <button type="submit" name="step" value={step - 1} formNoValidate className="secondary" disabled={sending}>
            Back
          </button>
        ) : null}
        {last ? (
          <button type="submit" disabled={sending}>
            {sending ? "Sending…" : hasVoted ? "Change my vote" : "Send my vote"}
          </button>
        ) : (
          <button type="submit" name="step" value={step + 1} disabled={sending}>
            Next
          </button>
        )}
      </div>
    </form>
  );
}
