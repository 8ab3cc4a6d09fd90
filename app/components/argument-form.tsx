import { Form } from "@remix-run/react";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { SIDES, SIDE_LABELS } from "~/domain/scales";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { FormNotice } from "./form-feedback";

interface Props {
  perspectives: string[];
  lenses: { key: string; label: string }[];
  errors: Record<string, string>;
  values: Record<string, string>;
  previewHtml?: string;
  message?: string;
  /** This rendered form's idempotency key (ADR 016). */
  formKey: string;
}

/** Post an argument. "Preview" renders it through the same sanitizer without saving. */
export function ArgumentForm({ perspectives, lenses, errors, values, previewHtml, message, formKey }: Props) {
  const described = (name: string) => (errors[name] ? `argument-${name}-error` : undefined);
  return (
    <Form method="post" preventScrollReset className="stack argument-form" id="new-argument" aria-labelledby="new-argument-heading">
      <h3 id="new-argument-heading">Make an argument</h3>
      <IdempotencyKeyField value={formKey} />
      <div className="field">
        <label htmlFor="argument-perspective">Arguing as the</label>
        <select id="argument-perspective" name="perspective" defaultValue={values.perspective ?? perspectives[0]} aria-describedby={described("perspective")}>
          {perspectives.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        {errors.perspective ? (
          <p className="field-error" id="argument-perspective-error">
            {errors.perspective}
          </p>
        ) : null}
      </div>
      <fieldset className="field" aria-describedby={described("side")}>
        <legend>Your side, on what the person in the case did</legend>
        <div className="inline-choices">
          {SIDES.map((side) => (
            <label key={side} className="choice">
              <input type="radio" name="side" value={side} defaultChecked={values.side === side} required />
              {SIDE_LABELS[side]}
            </label>
          ))}
        </div>
        {errors.side ? (
          <p className="field-error" id="argument-side-error">
            {errors.side}
          </p>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor="argument-lens">Ethical lens (optional)</label>
        <select id="argument-lens" name="lens" defaultValue={values.lens ?? ""} aria-describedby={described("lens")}>
          <option value="">No particular lens</option>
          {lenses.map((lens) => (
            <option key={lens.key} value={lens.key}>
              {lens.label}
            </option>
          ))}
        </select>
        {errors.lens ? (
          <p className="field-error" id="argument-lens-error">
            {errors.lens}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="argument-body">Your argument</label>
        <p className="hint" id="argument-body-hint">
          Markdown: **bold**, *italic*, lists and links. Up to 2,000 characters.
        </p>
        <textarea
          id="argument-body"
          name="body"
          rows={5}
          maxLength={codeUnitCap(TEXT_LIMITS.argument)}
          defaultValue={values.body ?? ""}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={["argument-body-hint", described("body")].filter(Boolean).join(" ")}
        />
        {errors.body ? (
          <p className="field-error" id="argument-body-error">
            {errors.body}
          </p>
        ) : null}
      </div>
      {previewHtml !== undefined ? (
        <section className="preview" aria-label="Preview">
          <h4>Preview</h4>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: previewHtml }} />
        </section>
      ) : null}
      <div className="inline-form">
        <SendButton sendingKey={formKey} name="intent" value="preview" className="secondary">
          Preview
        </SendButton>
        <SendButton sendingKey={formKey} name="intent" value="argument">
          Post argument
        </SendButton>
      </div>
      <FormNotice message={message} />
    </Form>
  );
}
