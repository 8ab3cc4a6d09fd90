/**
 * Reading a submission's idempotency key (ADR 016) and making the page keys its forms carry.
 * The rule lives in app/domain/idempotency.ts; the keys' store in app/models/idempotency-keys.server.ts.
 */
import { redirect, type HeadersFunction } from "@remix-run/node";
import { randomBytes } from "node:crypto";
import { IDEMPOTENCY_KEY_FIELD, readIdempotencyKey } from "../domain/idempotency";
import type { ActionOutcome, FormFields } from "./forms";
import { keyedSubmission, type Submission } from "../models/idempotency-keys.server";
import { retryAfterHeaders } from "./rate-limit.server";

/** A new page key for a loader: 128 random bits, base64url (22 characters); each form adds its name (`formKey`). */
export function newPageKey(): string {
  return randomBytes(16).toString("base64url");
}

export type SubmissionReading = { ok: true; submission: Submission | null } | { ok: false; message: string };

/**
 * The keyed submission a form describes, for `answerOnce`: its key (the `idempotencyKey` field,
 * or the `Idempotency-Key` header), whose keys it is among (`scope`), and what it sent. A form
 * without a key reads as `submission: null` (served as before); a malformed key is refused.
 *
 * @param scope whose keys: "user:<id>", "participant:<id>", "device:<token hash>", "signup"
 * @param target where it was sent, e.g. "case:<id>", "workshop:<id>"
 * @param leaveOut fields never fingerprinted (passwords: nothing secret is hashed into the store)
 * @param alsoSent what else the form sent that is not a text field, as [name, value] (an uploaded
 *   file's name and content hash): files are not fingerprinted otherwise
 */
export function readSubmission(
  form: FormFields,
  header: string | null,
  scope: string,
  target: string,
  intent: string,
  leaveOut: readonly string[] = [],
  alsoSent: readonly [string, string][] = [],
): SubmissionReading {
  const field = form.get(IDEMPOTENCY_KEY_FIELD);
  const reading = readIdempotencyKey(typeof field === "string" ? field : null, header);
  if (!reading.ok) return reading;
  if (reading.key === null) return { ok: true, submission: null };
  const fields: [string, string][] = [];
  for (const [name, value] of form.entries()) if (typeof value === "string" && !leaveOut.includes(name)) fields.push([name, value]);
  fields.push(...alsoSent);
  return { ok: true, submission: keyedSubmission(scope, reading.key, target, intent, fields) };
}

/** The header that tells a client it got the first answer again (as Stripe names it): set on a repeat. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** A redirect's or answer's init that says `Idempotent-Replayed: true` when it repeats a first answer. */
export function replayedInit(replayed: boolean): ResponseInit | undefined {
  return replayed ? { headers: { [REPLAYED_HEADER]: "true" } } : undefined;
}

/**
 * An action handler's answer as the route's response: the body as JSON with its status, or a
 * redirect after a save; either way `Idempotent-Replayed: true` when it repeats a submission's
 * first answer (ADR 016).
 */
export function actionResponse<B>(outcome: ActionOutcome<B> | { redirect: string; replayed: boolean }): Response {
  if ("redirect" in outcome) return redirect(outcome.redirect, replayedInit(outcome.replayed));
  return Response.json(outcome.body, { status: outcome.status, ...replayedInit(outcome.replayed ?? false) });
}

/**
 * A route's `headers` export for pages whose forms are keyed: Remix passes on only the cookies of
 * an action's response to the page (and to single-fetch data), so `Idempotent-Replayed`, like
 * Retry-After (`retryAfterHeaders`), is passed on here.
 */
export const answerHeaders: HeadersFunction = (args) => {
  const headers = new Headers(retryAfterHeaders(args) as HeadersInit);
  const replayed = args.actionHeaders.get(REPLAYED_HEADER);
  if (replayed) headers.set(REPLAYED_HEADER, replayed);
  return headers;
};
