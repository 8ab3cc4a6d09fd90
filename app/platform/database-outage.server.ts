/**
 * Whether the database is away, and the answer while it is (ADR 019). The pool reports every
 * lost or refused connection (db/connection-loss.ts); from the first one the database counts as
 * down: requests are answered 503 with Retry-After at once instead of each waiting for a
 * connection that will fail, and a probe (`select 1` within PROBE_TIMEOUT_MS) runs every
 * PROBE_EVERY_MS until the database answers, when serving resumes by itself. One log line when
 * the outage starts and one when it ends, never one per request.
 */
import type { Request, Response } from "express";
import { log, outsideRequest } from "./log.server";

/** What clients are told to wait before trying again (seconds): about one PostgreSQL restart. */
export const RETRY_AFTER_SECONDS = 5;
/** How often the probe asks a database that is away whether it is back (ms). */
export const PROBE_EVERY_MS = 500;
/** How long one probe waits for its answer (ms). */
export const PROBE_TIMEOUT_MS = 1_000;

export const UNAVAILABLE_MESSAGE = `Casebook cannot reach its database right now. If you were sending something, it was not saved: please try again in a few seconds.`;

export interface OutageLog {
  error(message: string): void;
  log(message: string): void;
}

/**
 * The outage state of one database. `ping` is one round trip that rejects when the database does
 * not answer in time; `now` the clock in ms (injectable for tests).
 */
export class DatabaseOutage {
  private downSince: number | null = null;
  private lastLoss = -Infinity;
  private probing = false;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly out: OutageLog = {
      error: (message) => log().error({ event: "database-outage" }, message),
      log: (message) => log().info({ event: "database-recovered" }, message),
    },
    private readonly probeEveryMs = PROBE_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True from a lost connection until a probe gets an answer. */
  get down(): boolean {
    return this.downSince !== null;
  }

  /** The pool lost or could not open a connection: the database is down until a probe answers. */
  lost(error: Error): void {
    this.lastLoss = this.now();
    // The process's lines, not the request's that happened to notice (nor its later probe's).
    outsideRequest(() => {
      if (this.downSince === null) {
        this.downSince = this.now();
        this.out.error(`Database unreachable (${error.message.split("\n")[0]}); answering 503 with Retry-After until it answers again.`);
      }
      void this.probe();
    });
  }

  /** Whether a connection was lost at or after `time` (ms), or the database is down now: a 5xx of a request started then is the outage's. */
  lostSince(time: number): boolean {
    return this.downSince !== null || this.lastLoss >= time;
  }

  /** Runs the probe loop until the database answers; one loop at a time. Resolves when it is back. */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      while (this.downSince !== null) {
        await new Promise((resolve) => setTimeout(resolve, this.probeEveryMs).unref?.());
        const started = this.now();
        try {
          await this.ping();
        } catch {
          continue;
        }
        // A connection lost while the probe ran (an old one failing late) means: not yet.
        if (this.lastLoss > started || this.downSince === null) continue;
        const seconds = ((this.now() - this.downSince) / 1000).toFixed(1);
        this.downSince = null;
        this.out.log(`Database answers again after ${seconds} s; serving.`);
      }
    } finally {
      this.probing = false;
    }
  }
}

/**
 * Answers a request with 503 and Retry-After because the database is away: JSON (in the phone
 * vote's answer shape) for the vote endpoint, a small HTML page for browsers, plain text otherwise.
 */
export function answerUnavailable(req: Request, res: Response): void {
  res.status(503).set("Retry-After", String(RETRY_AFTER_SECONDS)).set("Cache-Control", "no-store");
  // The whole path: inside a router mounted on a path, req.path is relative to it.
  const path = req.originalUrl.split("?")[0]!;
  if (req.method === "POST" && /^\/w\/[^/]+\/vote$/.test(path)) {
    res.json({ intent: "vote", errors: { form: "Casebook cannot reach its database right now, so this vote was not counted. Please send it again in a few seconds." } });
  } else if (req.accepts(["text/plain", "text/html"]) === "text/html" && !path.endsWith(".data")) {
    res.type("html").send(unavailablePage());
  } else {
    res.type("text/plain").send(UNAVAILABLE_MESSAGE);
  }
}

/** A self-contained page (no scripts, no stylesheet to fetch) that reloads itself after Retry-After. */
function unavailablePage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}">
<title>Casebook is briefly unavailable</title>
</head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; line-height: 1.5">
<main>
<h1>Casebook is briefly unavailable</h1>
<p>${UNAVAILABLE_MESSAGE}</p>
<p>This page tries again by itself in ${RETRY_AFTER_SECONDS} seconds.</p>
</main>
</body>
</html>`;
}
