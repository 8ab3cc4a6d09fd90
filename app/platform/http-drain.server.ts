/**
 * Stopping an HTTP server without losing a request a client already sent (ADR 019, issue 18).
 *
 * Node's `server.close()` also closes every connection it counts as idle, at once. A connection
 * counts as idle until Node has parsed the start of a request, so a request already written by
 * the client but still in the socket's buffer (a busy event loop, a fresh connection not yet
 * read, a keep-alive connection reused a moment earlier) was cut off unanswered: behind a proxy,
 * a 502, and the vote was never stored. Here instead:
 *  1. the listening socket stays open until the kernel's queue of completed connections is empty
 *     (no connection accepted over two checks ACCEPT_CHECK_MS apart, each after a poll phase;
 *     at most ACCEPT_LIMIT_MS): closing it earlier resets every queued connection, and with a
 *     proxy opening one connection per request (nginx without upstream keep-alive) those are
 *     requests already sent. Node accepts about one queued connection per event-loop turn;
 *  2. every answer from then on, and every answer still being worked on, says `Connection:
 *     close`, so each connection ends after the request it carries;
 *  3. once the listener is closed, connections still idle after IDLE_GRACE_MS (time for any
 *     request already sent to be read) are closed, then again every 100 ms, each time after a
 *     poll phase has read what arrived.
 */
import type { Server, ServerResponse } from "node:http";
import { Server as NetServer } from "node:net";

/** How long an idle connection is left open after the server stops accepting (ms). */
export const IDLE_GRACE_MS = 1_000;
/** How often draining checks whether connections are still being accepted from the queue (ms). */
export const ACCEPT_CHECK_MS = 25;
/** Longest time draining keeps accepting queued connections, should clients keep connecting (ms). */
export const ACCEPT_LIMIT_MS = 2_000;

export interface Drainer {
  /** Stops accepting and resolves once every connection has closed (each after answering its request). */
  drain(): Promise<void>;
  /** Whether drain() was called. */
  readonly draining: boolean;
}

/** Prepares `server` for draining; call before it serves its first request. */
export function drainable(server: Server, idleGraceMs = IDLE_GRACE_MS): Drainer {
  const open = new Set<ServerResponse>();
  let draining = false;
  let drained: Promise<void> | null = null;

  let acceptedSinceCheck = false;
  server.on("connection", () => (acceptedSinceCheck = true));
  server.on("request", (_req, res: ServerResponse) => {
    if (draining) res.setHeader("Connection", "close");
    open.add(res);
    res.once("close", () => open.delete(res));
  });

  const stopListening = (resolve: () => void) => {
    // net.Server's close, not http.Server's (which would also close idle connections at once):
    // stop listening; the callback runs when the last connection has ended.
    NetServer.prototype.close.call(server, () => resolve());
    const closeIdle = () => setImmediate(() => server.closeIdleConnections());
    setTimeout(() => {
      closeIdle();
      setInterval(closeIdle, 100).unref();
    }, idleGraceMs).unref();
  };

  return {
    get draining() {
      return draining;
    },
    drain() {
      drained ??= new Promise<void>((resolve) => {
        draining = true;
        for (const res of open) if (!res.headersSent) res.setHeader("Connection", "close");
        const started = Date.now();
        let quietChecks = 0;
        acceptedSinceCheck = false;
        const check = setInterval(() => {
          quietChecks = acceptedSinceCheck ? 0 : quietChecks + 1;
          acceptedSinceCheck = false;
          if (quietChecks >= 2 || Date.now() - started >= ACCEPT_LIMIT_MS) {
            clearInterval(check);
            stopListening(resolve);
          }
        }, ACCEPT_CHECK_MS);
      });
      return drained;
    },
  };
}
