/**
 * Reading request bodies within a byte cap that counts the bytes actually read, whatever the
 * headers say: a chunked body (no Content-Length) or a slow drip is stopped as soon as it passes
 * the cap, and a Content-Length above the cap is refused before reading (one that lies low
 * cannot carry more: Node takes only that many bytes as the body). The counting is raw-body's (the reader
 * behind Express's own body parsers); body-parser itself is not used because on any error it
 * reads off the whole remaining body before answering, which is the fault being closed.
 */
import { createRequestHandler as createRemixHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
// The package's index exports only its handler; these are the conversions that handler uses.
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction, RequestHandler } from "express";
import getRawBody from "raw-body";

/**
 * Every form and upload Casebook takes: forms are small, a case file is at most 200 KB
 * (MAX_CASE_FILE_BYTES) and the editor's form carries one case, percent-encoded.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Why a body was not read: too large (413), compressed (415), or cut off by the client (400). */
export interface BodyRefusal {
  status: 400 | 413 | 415;
  /** What went wrong, for the person who sent it. */
  message: string;
}

/** The same byte count as the cap, written for people: "2 MB", "16 KB". */
export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Whether the request carries a body at all (RFC 9112 §6.3: Transfer-Encoding or Content-Length). */
function hasBody(req: ExpressRequest): boolean {
  return req.headers["transfer-encoding"] !== undefined || req.headers["content-length"] !== undefined;
}

/** How long a refused request's connection stays half-open for the client to read the answer. */
const LINGER_MS = 2_000;

/**
 * Answers a refused body and lets go of the connection without reading the rest. `Connection:
 * close` makes Node end the socket after the answer; closing it outright while the client is
 * still sending would reset the connection, and the client could lose the answer unread. So the
 * close is staged as RFC 9112 §9.6 describes: close the write side, leave the unread rest in the
 * kernel's buffer (the request stays paused, so the server's memory does not grow), then
 * close fully after LINGER_MS.
 */
export function refuseBody(res: ExpressResponse, send: () => void): void {
  const socket = res.socket;
  if (socket) {
    socket.destroySoon = () => {
      socket.end();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    };
  }
  res.set("Connection", "close");
  send();
}

/**
 * Express middleware: reads the whole body (any content type) into `req.body` as a Buffer,
 * at most `limitBytes` bytes (counted as they are read; a Content-Length above the cap is
 * refused before reading). Requests without a body get an empty Buffer. A refused body goes to
 * `refuse` with a 413 (too large), 415 (a Content-Encoding, which Casebook does not decode) or
 * 400 (the body was cut off or shorter than its Content-Length); other errors go to `next`.
 */
export function readBodyWithin(limitBytes: number, refuse: (refusal: BodyRefusal, req: ExpressRequest, res: ExpressResponse) => void): RequestHandler {
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (!hasBody(req)) {
      req.body = Buffer.alloc(0);
      next();
      return;
    }
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if (encoding !== "identity") {
      refuseBody(res, () => refuse({ status: 415, message: `Bodies sent with Content-Encoding "${encoding}" are not accepted; send the form uncompressed.` }, req, res));
      return;
    }
    getRawBody(req, { limit: limitBytes, length: req.headers["content-length"] ?? null }, (error, body) => {
      if (!error) {
        req.body = body;
        next();
        return;
      }
      if (error.type === "entity.too.large") {
        refuseBody(res, () => refuse({ status: 413, message: `That is too much to send at once (the limit is ${describeBytes(limitBytes)}).` }, req, res));
      } else if (error.type === "request.aborted" || error.type === "request.size.invalid") {
        refuseBody(res, () => refuse({ status: 400, message: "The body ended before its stated length. Please send it again." }, req, res));
      } else {
        next(error);
      }
    });
  };
}

/**
 * Remix's Express handler, fed the body `readBodyWithin` already read (`req.body`, a Buffer)
 * instead of the request stream. @remix-run/express only reads the stream, which bypasses any
 * cap, so its own request and response conversions are reused and just the body is swapped.
 */
export function createRequestHandler(options: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
  /**
   * A 5xx that Remix rendered while a dependency was away (`lostSince(start of the request, ms)`)
   * is replaced by `answer`: the outage's 503 with Retry-After rather than an error page (ADR 019).
   */
  unavailable?: { lostSince(time: number): boolean; answer(req: ExpressRequest, res: ExpressResponse): void };
}): RequestHandler {
  const handleRequest = createRemixHandler(options.build, options.mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const started = Date.now();
    let streamed: Request;
    try {
      streamed = createRemixRequest(req, res);
    } catch {
      // A Host header that is no host name ("a b", "x:99999") makes no valid URL: the client's fault.
      res.status(400).type("text/plain").set("Connection", "close").send("Bad request: the Host header is not a valid host name.");
      return;
    }
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const request = req.method === "GET" || req.method === "HEAD" ? streamed : new Request(streamed, { body, duplex: "half" } as RequestInit);
      const response = await handleRequest(request, options.getLoadContext(req, res));
      if (response.status >= 500 && options.unavailable?.lostSince(started)) {
        await response.body?.cancel().catch(() => {});
        options.unavailable.answer(req, res);
        return;
      }
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}
