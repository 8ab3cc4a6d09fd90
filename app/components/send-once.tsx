import { useNavigation } from "@remix-run/react";
import type { ButtonHTMLAttributes } from "react";
import { IDEMPOTENCY_KEY_FIELD } from "~/domain/idempotency";

/** The hidden field that carries a rendered form's idempotency key (ADR 016, `formKey`). */
export function IdempotencyKeyField({ value }: { value: string }) {
  return <input type="hidden" name={IDEMPOTENCY_KEY_FIELD} value={value} />;
}

/** Whether the page is sending the form with this key, or loading again after sending it. */
export function useSending(key: string): boolean {
  const navigation = useNavigation();
  return navigation.state !== "idle" && navigation.formData?.get(IDEMPOTENCY_KEY_FIELD) === key;
}

/**
 * A submit button that is disabled while its form is on its way, so a second click sends
 * nothing. Progressive enhancement: the page renders it enabled, and without JavaScript the
 * browser posts as usual; a repeat then carries the same key and the server answers it with the
 * first answer.
 *
 * @param sendingKey the idempotency key of the form the button submits
 */
export function SendButton({ sendingKey, children, disabled, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { sendingKey: string }) {
  const sending = useSending(sendingKey);
  return (
    <button type="submit" {...rest} disabled={sending || disabled}>
      {children}
    </button>
  );
}
