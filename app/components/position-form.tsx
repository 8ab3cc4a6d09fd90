import { Form } from "@remix-run/react";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { CONFIDENCE_LEVELS, JUDGEMENT_SCALE, LEGAL_ANSWERS, LEGAL_LABELS } from "~/domain/scales";
import { FormProblem, FormNotice } from "./form-feedback";

export interface CurrentPosition {
  /** The wording the person chose, as the version they answered on offered it. */
  option: string;
  optionId: string;
  judgement: number;
  legal: string;
  confidence: string;
}

interface Props {
  perspective: { key: string; prompt: string; options: { id: string; text: string }[] };
  /** The case version this form shows: sent with the answer, so the server maps the option safely (ADR 017). */
  version: number;
  judgementQuestion: string;
  current: CurrentPosition | null;
  movableBy: { id: number; label: string }[];
  errors: Record<string, string>;
  message?: string;
  /** This rendered form's idempotency key (ADR 016). */
  formKey: string;
}

function ErrorText({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p className="field-error" id={id}>
      {text}
    </p>
  ) : null;
}

/**
 * One ballot: what you would do in this hat, and how you judge the case. Works without
 * JavaScript. Each option is sent by its stable id, never its position, with the version shown.
 */
export function PositionForm({ perspective, version, judgementQuestion, current, movableBy, errors, message, formKey }: Props) {
  const id = (name: string) => `${perspective.key}-${name}`;
  // A reworded option is the same option: the current answer shows (and is checked) in today's wording.
  const currentLabel = current ? (perspective.options.find((o) => o.id === current.optionId)?.text ?? current.option) : null;
  return (
    <Form method="post" preventScrollReset className="perspective position-form" aria-labelledby={id("heading")} id={`answer-${perspective.key}`}>
      <h3 id={id("heading")}>As the {perspective.key}</h3>
      <input type="hidden" name="intent" value="position" />
      <input type="hidden" name="perspective" value={perspective.key} />
      <input type="hidden" name="version" value={version} />
      <IdempotencyKeyField value={formKey} />
      {current ? (
        <p className="muted">
          Your current answer:{" "}
          <strong>
            <bdi>{currentLabel}</bdi>
          </strong>
          . Changing it keeps your earlier answer in your history.
        </p>
      ) : null}
      <FormProblem message={errors.form} />
      {errors.version ? (
        <p className="form-error" role="alert" id={id("version-error")}>
          {errors.version}
        </p>
      ) : null}

      <fieldset className="field" aria-describedby={errors.option ? id("option-error") : undefined}>
        <legend dir="auto">{perspective.prompt}</legend>
        {perspective.options.map((option) => (
          <label key={option.id} className="choice">
            <input type="radio" name="option" value={option.id} defaultChecked={option.id === current?.optionId} required />
            <bdi>{option.text}</bdi>
          </label>
        ))}
        <ErrorText id={id("option-error")} text={errors.option} />
      </fieldset>

      <fieldset className="field" aria-describedby={errors.judgement ? id("judgement-error") : undefined}>
        <legend dir="auto">{judgementQuestion}</legend>
        <div className="scale">
          {JUDGEMENT_SCALE.map((step) => (
            <label key={step.value} className="scale-step">
              <input type="radio" name="judgement" value={step.value} defaultChecked={current?.judgement === step.value} required />
              <span>{step.label}</span>
            </label>
          ))}
        </div>
        <ErrorText id={id("judgement-error")} text={errors.judgement} />
      </fieldset>

      <fieldset className="field" aria-describedby={errors.legal ? id("legal-error") : undefined}>
        <legend>Was it legal, or within policy?</legend>
        <div className="inline-choices">
          {LEGAL_ANSWERS.map((answer) => (
            <label key={answer} className="choice">
              <input type="radio" name="legal" value={answer} defaultChecked={current?.legal === answer} required />
              {answer === "unsure" ? "Unsure" : answer === "yes" ? "Yes" : "No"}
              <span className="visually-hidden"> ({LEGAL_LABELS[answer]})</span>
            </label>
          ))}
        </div>
        <ErrorText id={id("legal-error")} text={errors.legal} />
      </fieldset>

      <fieldset className="field" aria-describedby={errors.confidence ? id("confidence-error") : undefined}>
        <legend>How confident are you?</legend>
        <div className="inline-choices">
          {CONFIDENCE_LEVELS.map((level) => (
            <label key={level} className="choice">
              <input type="radio" name="confidence" value={level} defaultChecked={(current?.confidence ?? "medium") === level} />
              {level[0]!.toUpperCase() + level.slice(1)}
            </label>
          ))}
        </div>
        <ErrorText id={id("confidence-error")} text={errors.confidence} />
      </fieldset>

      {current && movableBy.length > 0 ? (
        <div className="field">
          <label htmlFor={id("moved-by")}>If you are changing your mind: which argument moved you? (optional)</label>
          {/* Keyed by the form's key, which is new after each save: the list starts at "No particular argument" again. */}
          <select key={formKey} id={id("moved-by")} name="movedBy" defaultValue="">
            <option value="">No particular argument</option>
            {movableBy.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
          <ErrorText id={id("moved-by-error")} text={errors.movedBy} />
        </div>
      ) : null}

      <div>
        <SendButton sendingKey={formKey}>{current ? `Change my answer as the ${perspective.key}` : `Save my answer as the ${perspective.key}`}</SendButton>
      </div>
      <FormNotice message={message} />
    </Form>
  );
}
