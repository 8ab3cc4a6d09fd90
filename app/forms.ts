import type { z, ZodTypeAny } from "zod";

export type FieldErrors = Record<string, string>;

/** `values` are the submitted strings, to refill a form; passwords are never among them. */
export type FormResult<T> = { ok: true; data: T; values: Record<string, string> } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/** Reads a form into plain strings and validates it; errors are keyed by field, one message each. */
export function parseForm<S extends ZodTypeAny>(schema: S, formData: FormData): FormResult<z.infer<S>> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !(key in values)) values[key] = value;
  }
  const result = schema.safeParse(values);
  // Passwords are never echoed back into the page.
  const echo = { ...values };
  for (const key of Object.keys(echo)) if (/password/i.test(key)) delete echo[key];
  if (result.success) return { ok: true, data: result.data, values: echo };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, values: echo };
}
