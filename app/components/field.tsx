import type { InputHTMLAttributes } from "react";
import { PASSWORD_LIMITS } from "~/domain/text-limits";

interface TextFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string;
  hint?: string;
}

/** A labelled input whose error and hint are announced with it (aria-describedby). */
export function TextField({ name, label, error, hint, id = name, ...input }: TextFieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined} {...input} />
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A new password's field: the same length rules and hint wherever one is chosen (sign-up, reset, change). */
export function NewPasswordField({ name, label, hint, error }: { name: string; label: string; hint?: string; error?: string }) {
  return (
    <TextField
      name={name}
      label={label}
      type="password"
      autoComplete="new-password"
      required
      minLength={PASSWORD_LIMITS.min}
      maxLength={PASSWORD_LIMITS.inputMaxLength}
      hint={`At least ${PASSWORD_LIMITS.min} characters.${hint ? ` ${hint}` : ""}`}
      error={error}
    />
  );
}
