import type { z, ZodTypeAny } from "zod";

export type FieldErrors = Record<string, string>;

/**
 * What a page's action handler answers: the HTTP status and the body the page reads (its own
 * shape per page: field errors, a message, what to refill). `replayed`: the first answer to this
 * submission's idempotency key, sent again (ADR 016).
 */
export type ActionOutcome<B> = { status: number; body: B; replayed?: boolean };

/** `values` are the submitted strings, to refill a form; passwords are never among them. */
export type FormResult<T> = { ok: true; data: T; values: Record<string, string> } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/** What parseForm reads: a FormData from a Remix action, or the URLSearchParams of a plain urlencoded body. */
export interface FormFields {
  get(name: string): FormDataEntryValue | null;
  entries(): Iterable<[string, FormDataEntryValue]>;
}

/** Reads a form into plain strings and validates it; errors are keyed by field, one message each. */
export function parseForm<S extends ZodTypeAny>(schema: S, formData: FormFields): FormResult<z.infer<S>> {
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

/**
 * The request's form data. A body that is no readable form (JSON, plain text, a broken multipart)
 * is the client's mistake, so it is refused with 400 and a message rather than crashing into a 500.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("This form could not be read. Please send it again from Casebook's own pages.", { status: 400, statusText: "Bad Request" });
  }
}

/**
 * An outcome of a page without idempotency keys as its action returns it: on success the body
 * itself (the page's action data), otherwise the body as JSON with its status. Keyed pages use
 * `actionResponse`, which also says when an answer is replayed.
 */
export function outcomeData<B>(outcome: ActionOutcome<B>): B | Response {
  return outcome.status === 200 ? outcome.body : Response.json(outcome.body, { status: outcome.status });
}
