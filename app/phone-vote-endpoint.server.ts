/**
 * `POST /w/:code/vote`: a phone's vote, answered as JSON, served by Express ahead of Remix.
 *
 * Why outside Remix: when a room votes at once this is the only request that arrives hundreds
 * of times a second, and Remix's per-request work (matching every route three times, building a
 * web Request, encoding single-fetch data) cost as much CPU as the vote itself, which put the
 * benchmark's p99 from vote to projector at seconds (docs/decisions/008-phone-vote-endpoint.md).
 * The rules are not duplicated: the page's Remix action and this endpoint both go through
 * participateByCode. Without JavaScript the phone's form still posts to the Remix action.
 */
import express, { type ErrorRequestHandler, type Router } from "express";
import type { ParticipationResult } from "./workshop-participation.server";
import { participateByCode } from "./workshop-participation.server";

export const PHONE_VOTE_PATH = "/w/:code/vote";

/** A vote is a handful of short fields; anything bigger is not a vote. */
const readVoteForm = express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 50 });

function refusal(message: string, extra: Partial<ParticipationResult> = {}): ParticipationResult {
  return { intent: "vote", errors: { form: message }, ...extra };
}

export function phoneVoteEndpoint(): Router {
  const router = express.Router();

  router.post(PHONE_VOTE_PATH, readVoteForm, async (req, res, next) => {
    res.set("Cache-Control", "no-store");
    try {
      const fields = (req.body ?? {}) as Record<string, string | string[]>;
      const outcome = await participateByCode({
        code: req.params.code,
        cookieHeader: req.get("cookie") ?? null,
        secure: req.secure,
        clientAddress: req.ip ?? "unknown",
        // A repeated field keeps its first value, as the Remix action reads it.
        form: new URLSearchParams(Object.entries(fields).map(([name, value]): [string, string] => [name, Array.isArray(value) ? String(value[0] ?? "") : String(value)])),
        intent: "vote",
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
          res.status(outcome.status).json(outcome.body);
          return;
      }
    } catch (error) {
      next(error);
    }
  });

  // Unreadable bodies get a 4xx that says why; anything else a 500 without details (logged here).
  const answerErrors: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    res.set("Cache-Control", "no-store");
    const status = typeof error.status === "number" && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 413) res.status(413).json(refusal("That vote is too large to read."));
    else if (status === 415) res.status(415).json(refusal("Votes are read as a UTF-8 form (application/x-www-form-urlencoded)."));
    else if (status < 500) res.status(status).json(refusal("This vote could not be read. Send it again from the workshop page."));
    else {
      console.error("POST /w/:code/vote failed:", error);
      res.status(500).json(refusal("Something went wrong and the vote may not have been counted. Please send it again."));
    }
  };
  router.use(PHONE_VOTE_PATH, answerErrors);
  return router;
}
