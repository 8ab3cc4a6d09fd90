/**
 * Role-play's written steps on screen (ADR 034): a phone's write and rate forms (plain forms that
 * work without JavaScript: a textarea with its label; a fieldset with a legend of labelled
 * radios), the best texts with their released scores, and the case author's model answers. No
 * author's name anywhere: the data carries none.
 */
import { Form } from "@remix-run/react";
import { IdempotencyKeyField, SendButton } from "./send-once";
import { formKey } from "~/domain/idempotency";
import { codeUnitCap } from "~/domain/visible-length";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { criterionMet, FAIRNESS_LABELS, REHEARSAL_CRITERIA, type TextKind } from "~/domain/role-play-texts";
import type { PhoneTextStep, BestTexts, ModelAnswers } from "~/workshops/role-play-steps.server";

/** A phone's answer to a write or rate form, as the page shows its errors and values. */
interface Answer {
  intent: string;
  errors: Record<string, string | undefined>;
  values?: Record<string, string>;
}

const STEP_HEADINGS: Record<TextKind, string> = { steelman: "Your steelman", rehearsal: "Your lines" };
/** While rating, the section holds others' texts, not one's own. */
const RATE_HEADINGS: Record<TextKind, string> = { steelman: "Steelmen written for your side", rehearsal: "The other side's lines" };

/** The phone's part of a written step: write (with the prompt), rate (each text its own form), or the best (from the room's state). */
export function PhoneTextStepView({ step, pageKey, result }: { step: PhoneTextStep; pageKey: string; result: Answer | undefined }) {
  const writeKey = formKey(pageKey, `write-${step.kind}`);
  const writeError = result?.intent === "write" ? result.errors : {};
  return (
    <section aria-labelledby="text-step-heading" className="text-step" data-testid={`text-step-${step.kind}`}>
      <h2 id="text-step-heading">{(step.part === "rate" ? RATE_HEADINGS : STEP_HEADINGS)[step.kind]}</h2>
      {step.part === "write" ? (
        <>
          <p>{step.instruction}</p>
          {step.promptHtml ? <div className="rehearsal-prompt" data-testid="rehearsal-prompt" dir="auto" dangerouslySetInnerHTML={{ __html: step.promptHtml }} /> : null}
          {step.own?.rated ? (
            <p className="notice">Yours has been rated, so it stays as the raters read it.</p>
          ) : (
            <Form method="post" className="stack" preventScrollReset>
              <input type="hidden" name="intent" value="write" />
              <input type="hidden" name="kind" value={step.kind} />
              <IdempotencyKeyField value={writeKey} />
              <label htmlFor="text-body">{step.kind === "steelman" ? "The other side's best case" : "What you would say"}</label>
              <textarea
                key={step.own?.body ?? ""}
                id="text-body"
                name="body"
                rows={5}
                maxLength={codeUnitCap(TEXT_LIMITS.rolePlayText)}
                required
                aria-describedby={writeError.body ? "text-body-error" : undefined}
                defaultValue={writeError.body ? (result?.values?.body ?? "") : (step.own?.body ?? "")}
              />
              {writeError.body ? (
                <p className="field-error" id="text-body-error">
                  {writeError.body}
                </p>
              ) : null}
              <div>
                <SendButton sendingKey={writeKey}>{step.own ? "Save changes" : "Send"}</SendButton>
              </div>
            </Form>
          )}
          {step.own ? (
            <p className="muted" data-testid="own-text">
              Sent: <bdi>{step.own.body}</bdi>
            </p>
          ) : null}
        </>
      ) : null}
      {step.part === "rate" ? (
        step.toRate.length === 0 ? (
          <p className="muted">Nothing for you to rate in this step.</p>
        ) : (
          <>
            <p>
              {step.kind === "steelman"
                ? "How fair is each to your side? Nobody sees who wrote them or how you rated."
                : "Does each do what the rubric asks? Nobody sees who wrote them or how you rated."}{" "}
              Scores appear when rating closes, for texts at least a few people rated.
            </p>
            <ol className="texts-to-rate">
              {step.toRate.map((text) => (
                <li key={text.id}>
                  <RateForm kind={step.kind} text={text} pageKey={pageKey} result={result} />
                </li>
              ))}
            </ol>
          </>
        )
      ) : null}
    </section>
  );
}

/**
 * A write or rate answer's problem that the step's view does not show beside its field (the view
 * shows a write's `body` while writing, a rating's `fair`, criteria and `textId` on that text's own
 * form while rating): the page shows it at the top, so no refusal is ever silent. Null when there is none.
 */
export function textProblemOutOfPlace(result: Answer | undefined, step: PhoneTextStep | null): string | null {
  if (!result || (result.intent !== "write" && result.intent !== "rate")) return null;
  const shown = new Set<string>();
  if (result.intent === "write" && step?.part === "write") shown.add("body");
  if (result.intent === "rate" && step?.part === "rate" && step.toRate.some((text) => String(text.id) === result.values?.textId)) {
    for (const field of ["fair", "textId", ...REHEARSAL_CRITERIA.map((c) => c.key)]) shown.add(field);
  }
  return Object.entries(result.errors).find(([field, message]) => field !== "form" && message && !shown.has(field))?.[1] ?? null;
}

function RateForm({ kind, text, pageKey, result }: { kind: TextKind; text: PhoneTextStep["toRate"][number]; pageKey: string; result: Answer | undefined }) {
  const key = formKey(pageKey, `rate-${text.id}`);
  const mine = text.mine;
  const errors = result?.intent === "rate" && result.values?.textId === String(text.id) ? result.errors : {};
  return (
    <Form method="post" preventScrollReset className="rate-form" data-testid={`rate-${text.id}`}>
      <blockquote dir="auto" className="text-to-rate">
        {text.body}
      </blockquote>
      <input type="hidden" name="intent" value="rate" />
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="textId" value={text.id} />
      <IdempotencyKeyField value={key} />
      {kind === "steelman" ? (
        <fieldset>
          <legend>How fair is this to you?</legend>
          {FAIRNESS_LABELS.map((label, i) => (
            <label key={i} className="choice">
              <input type="radio" name="fair" value={i + 1} defaultChecked={mine?.value === i + 1} required /> {i + 1}: {label}
            </label>
          ))}
          {errors.fair ? <p className="field-error">{errors.fair}</p> : null}
        </fieldset>
      ) : (
        REHEARSAL_CRITERIA.map((criterion, i) => (
          <fieldset key={criterion.key} className="inline-choices">
            <legend>{criterion.label}?</legend>
            {(["yes", "no"] as const).map((answer) => (
              <label key={answer} className="choice">
                <input type="radio" name={criterion.key} value={answer} required defaultChecked={mine !== null && criterionMet(mine.criteria, i) === (answer === "yes")} />{" "}
                {answer === "yes" ? "Yes" : "No"}
              </label>
            ))}
            {errors[criterion.key] ? <p className="field-error">{errors[criterion.key]}</p> : null}
          </fieldset>
        ))
      )}
      {errors.textId ? <p className="field-error">{errors.textId}</p> : null}
      <SendButton sendingKey={key} className="secondary">
        {mine ? "Change rating" : "Rate"}
      </SendButton>
      {mine ? <span className="muted"> You rated this.</span> : null}
    </Form>
  );
}

const BEST_HEADINGS: Record<TextKind, string> = { steelman: "The fairest steelmen", rehearsal: "The best rehearsal lines" };

/** The best texts of each step given (released scores only: "4.5 of 5 fair to the other side"). */
export function BestTextsView({ best, headingLevel = 2 }: { best: BestTexts[]; headingLevel?: 1 | 2 | 3 }) {
  const Heading = `h${headingLevel}` as const;
  return (
    <>
      {best.map((step) => (
        <section key={step.kind} className="best-texts" data-testid={`best-${step.kind}`} aria-labelledby={`best-${step.kind}-heading`}>
          <Heading id={`best-${step.kind}-heading`}>{BEST_HEADINGS[step.kind]}</Heading>
          {step.texts.length === 0 ? (
            <p className="muted">No scores yet: a text gets a score when rating closes, once enough people rated it.</p>
          ) : (
            <ol>
              {step.texts.map((text) => (
                <li key={text.id}>
                  <p className="best-side">{text.side}</p>
                  <blockquote dir="auto">{text.body}</blockquote>
                  <p className="muted">{text.score}</p>
                </li>
              ))}
            </ol>
          )}
        </section>
      ))}
    </>
  );
}

/** The case author's model answers for the room's roles, at the end of a role-play (ADR 034). */
export function ModelAnswersView({ answers }: { answers: ModelAnswers[] | null }) {
  if (!answers || answers.length === 0) return null;
  return (
    <section className="model-answers" data-testid="model-answers" aria-labelledby="model-answers-heading">
      <h2 id="model-answers-heading">Model answers from the case&apos;s author</h2>
      {answers.map((a) => (
        <section key={a.role} aria-labelledby={`model-${a.role}`}>
          <h3 id={`model-${a.role}`}>
            {a.name}: <bdi>{a.prompt}</bdi>
          </h3>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: a.html }} />
        </section>
      ))}
    </section>
  );
}
