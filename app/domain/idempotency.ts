/**
 * Idempotency keys (ADR 016; the IETF draft "The Idempotency-Key HTTP Header Field"): each
 * rendered form that creates something carries a key of its own, and the server answers every
 * request with a key it has already answered with that first answer, instead of creating again.
 * Pure and free of Node imports: the pages use the field name and `formKey` too.
 */

/** The hidden form field carrying the key. */
export const IDEMPOTENCY_KEY_FIELD = "idempotencyKey";

/** The request header that may carry it instead (the JSON vote endpoint), as the IETF draft names it. */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** How long a key's first answer is kept: a repeat within it gets that answer; after it the key is free again. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Letters, digits and `._:-`, 16 to 128 of them: room for a UUID, or our page key plus a form's name. */
const KEY_PATTERN = /^[A-Za-z0-9._:-]{16,128}$/;

/** What a client is told when it reuses a key for something else (answered 422, as the IETF draft says). */
export const KEY_REUSED_MESSAGE = "This form was already sent with different content, so this was not saved. Reload the page to see what was saved, then send it again.";

/**
 * The key of one form on a rendered page: the page's random key (made by its loader, new on every
 * load) and the form's name, e.g. `Xq3…ZQ.reply-12`. A form keeps its key until the page loads
 * again, which happens after every successful submission.
 */
export function formKey(pageKey: string, formName: string): string {
  return `${pageKey}.${formName}`;
}

export type KeyReading = { ok: true; key: string | null } | { ok: false; message: string };

/**
 * The idempotency key a request carries, in the form field or the `Idempotency-Key` header (both
 * may be sent if they agree). No key at all is allowed (null): scripts and pages rendered before
 * keys existed are served as before.
 */
export function readIdempotencyKey(field: string | null | undefined, header: string | null | undefined): KeyReading {
  const fromField = field ?? null;
  const fromHeader = header === undefined || header === null ? null : header.trim().replace(/^"(.*)"$/, "$1");
  if (fromField !== null && fromHeader !== null && fromField !== fromHeader) {
    return { ok: false, message: `The ${IDEMPOTENCY_KEY_HEADER} header and the form's ${IDEMPOTENCY_KEY_FIELD} field differ; send one key.` };
  }
  const key = fromField ?? fromHeader;
  if (key === null || key === "") return { ok: true, key: null };
  if (!KEY_PATTERN.test(key)) {
    return {
      ok: false,
      message: `The form's ${IDEMPOTENCY_KEY_FIELD} is malformed: it must be 16 to 128 letters, digits, '.', '_', ':' or '-'. Reload the page and send it again.`,
    };
  }
  return { ok: true, key };
}

/**
 * What a submission sent, written one way whatever the order of its fields: where it went
 * (`target`, e.g. "case:3"), what it asked (`intent`), and every field but the key and the intent,
 * sorted by name (values of a repeated field kept in order). Two requests are the same submission
 * when this is equal. Secrets (passwords) must be left out by the caller.
 */
export function canonicalSubmission(target: string, intent: string, fields: Iterable<[string, string]>): string {
  const kept = [...fields].filter(([name]) => name !== IDEMPOTENCY_KEY_FIELD && name !== "intent");
  // A stable sort keeps the values of a repeated field (checkboxes) in the order they were sent.
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([target, intent, kept]);
}
