/**
 * `POST /w/:code/vote`: a phone's vote, answered as JSON, served by Express ahead of Remix.
 *
 * Why outside Remix: when a room votes at once this is the only request that arrives hundreds
 * of times a second, and Remix's per-request work (matching every route three times, building a
 * web Request, encoding single-fetch data) cost as much CPU as the vote itself, which put the
 * benchmark's p99 from vote to projector at seconds (docs/decisions/008-phone-vote-endpoint.md).
 * The rules are not duplicated: the page's Remix action and this endpoint both go through
 * participateByCode. Without JavaScript the phone's form still posts to the Remix action. A vote
 * may carry its idempotency key in the form's `idempotencyKey` field or an `Idempotency-Key`
 * header (ADR 016); a repeat is answered with the first answer and `Idempotent-Replayed: true`.
 */
import express, { type ErrorRequestHandler, type Request, type Router } from "express";
import { isConnectionLoss } from "../../db/connection-loss";
import { answerUnavailable } from "../platform/database-outage.server";
import { databaseOutage } from "../platform/db.server";
import { IDEMPOTENCY_KEY_HEADER } from "../domain/idempotency";
import { errorFields, log } from "../platform/log.server";
import { REPLAYED_HEADER } from "../http/idempotency.server";
import { readBodyWithin } from "../http/request-body.server";
import type { ParticipationResult } from "./participation.server";
import { participateByCode } from "./participation.server";

export const PHONE_VOTE_PATH = "/w/:code/vote";

/** A vote is a handful of short fields; anything bigger is not a vote. */
const MAX_VOTE_BYTES = 16 * 1024;
const MAX_VOTE_FIELDS = 50;

/** The body must be a UTF-8 urlencoded form; what else a vote might be is refused with a reason. */
const readVoteBody = readBodyWithin(MAX_VOTE_BYTES, ({ status }, _req, res) => {
  res.set("Cache-Control", "no-store");
  res
    .status(status)
    .json(
      refusal(
        status === 413 ? "That vote is too large to read." : status === 415 ? "Votes are sent uncompressed, as a UTF-8 form." : "This vote could not be read. Send it again from the workshop page.",
      ),
    );
});

/**
 * The vote's fields from the body `readVoteBody` read. Another content type reads as no fields
 * (the vote then names each missing one); a charset other than UTF-8 is refused (415), and so
 * are more than MAX_VOTE_FIELDS fields (413), as Express's urlencoded parser did before.
 */
function voteForm(req: Request): URLSearchParams | { status: 413 | 415; message: string } {
  if (!req.is("application/x-www-form-urlencoded")) return new URLSearchParams();
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get("content-type") ?? "")?.[1]?.toLowerCase();
  if (charset && charset !== "utf-8" && charset !== "utf8") return { status: 415, message: "Votes are read as a UTF-8 form (application/x-www-form-urlencoded)." };
  const form = new URLSearchParams((req.body as Buffer).toString("utf8"));
  if ([...form.keys()].length > MAX_VOTE_FIELDS) return { status: 413, message: "That vote is too large to read." };
  return form;
}

function refusal(message: string, extra: Partial<ParticipationResult> = {}): ParticipationResult {
  return { intent: "vote", errors: { form: message }, ...extra };
}

export function phoneVoteEndpoint(): Router {
  const router = express.Router();

  router.post(PHONE_VOTE_PATH, readVoteBody, async (req, res, next) => {
    res.set("Cache-Control", "no-store");
    try {
      const form = voteForm(req);
      if (!(form instanceof URLSearchParams)) {
        res.status(form.status).json(refusal(form.message));
        return;
      }
      const outcome = await participateByCode({
        code: req.params.code,
        cookieHeader: req.get("cookie") ?? null,
        secure: req.secure,
        clientAddress: req.ip ?? "unknown",
        // A repeated field keeps its first value (parseForm reads it so), as in the Remix action.
        form,
        intent: "vote",
        // The key may come as the IETF draft's header instead of the form's field (ADR 016).
        idempotencyKeyHeader: req.get(IDEMPOTENCY_KEY_HEADER) ?? null,
      });
      switch (outcome.kind) {
        case "no-workshop":
          res.status(404).json(refusal("No workshop has this code. Check the code on the screen."));
          return;
        case "not-joined":
          res.status(403).json(refusal(`Join the workshop first, at /join/${outcome.code}.`));
          return;
        case "too-many-guesses":
          res.set("Retry-After", String(outcome.retryAfterSeconds)).status(429).json(refusal(outcome.message));
          return;
        case "answer":
          if (outcome.retryAfterSeconds) res.set("Retry-After", String(outcome.retryAfterSeconds));
          if (outcome.replayed) res.set(REPLAYED_HEADER, "true");
          res.status(outcome.status).json(outcome.body);
          return;
      }
    } catch (error) {
      next(error);
    }
  });

  // Unreadable bodies were answered by readVoteBody and voteForm; anything else is a 500 without details (logged here).
  // While the database is away the answer is the outage's 503 with Retry-After, logged once by the outage (ADR 019).
  const answerErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (isConnectionLoss(error) || databaseOutage().down) {
      answerUnavailable(req, res);
      return;
    }
    res.set("Cache-Control", "no-store");
    log().error({ event: "request-failed", method: "POST", route: PHONE_VOTE_PATH, ...errorFields(error) }, "A phone vote failed");
    res.status(500).json(refusal("Something went wrong and the vote may not have been counted. Please send it again."));
  };
  router.use(PHONE_VOTE_PATH, answerErrors);
  return router;
}
