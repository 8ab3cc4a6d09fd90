import { useEffect, useRef, useState } from "react";
import { reconnectDelay } from "~/domain/backoff";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed";

/** Answers that mean "this page may not follow this stream" rather than "the server is away": no retry. */
const REFUSALS = new Set([401, 403, 404, 410]);

/**
 * Follows a workshop's Server-Sent Events: starts from the loader's state, replaces it with
 * each snapshot the server pushes. One EventSource per page, and the server answers every
 * (re)connection with the full current state first, so a reconnect is a resync.
 *
 * Reconnecting is ours, not the browser's: the browser gives up for good on an HTTP error (a
 * balancer's 502 or 503 while every process restarts) and retries a network error at a fixed
 * pace. On any loss this closes the stream and opens a new one after `reconnectDelay` (ADR 020:
 * exponential with jitter, capped at 4 s), for as long as the page is open; a snapshot arriving
 * resets the backoff. When the server refused the stream, a plain request first asks why: a
 * refusal (the phone was removed, the session ended) stops following and is handed to
 * `onWithdrawn` like a withdrawal; anything else (5xx, no answer) is an outage and is retried.
 *
 * When the right to follow is withdrawn on a live stream, the server's last event is
 * "withdrawn": the stream stops for good and `onWithdrawn` gets the server's message (pages
 * reload their data, which then shows why).
 */
export function useLiveState<T>(url: string, initial: T, onSnapshot?: (next: T, previous: T) => void, onWithdrawn?: (message: string) => void): { state: T; status: LiveStatus } {
  const [state, setState] = useState(initial);
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const latest = useRef(initial);
  const callback = useRef(onSnapshot);
  callback.current = onSnapshot;
  const withdrawn = useRef(onWithdrawn);
  withdrawn.current = onWithdrawn;

  // A new loader result (after a form post) is newer than the last pushed snapshot.
  useEffect(() => {
    latest.current = initial;
    setState(initial);
  }, [initial]);

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let probe: AbortController | null = null;
    let attempt = 0;
    let stopped = false;

    /** Stops following for good: the server withdrew or refused this page's right to the stream. */
    const stop = (message: string) => {
      stopped = true;
      source?.close();
      setStatus("closed");
      withdrawn.current?.(message);
    };

    const retryLater = () => {
      if (stopped) return;
      setStatus("reconnecting");
      clearTimeout(timer);
      timer = setTimeout(connect, reconnectDelay(attempt));
      attempt += 1;
    };

    /** The server answered the stream with an error: a refusal ends following, anything else is an outage. */
    const askWhy = async () => {
      probe = new AbortController();
      try {
        const response = await fetch(url, { headers: { Accept: "text/event-stream" }, cache: "no-store", signal: probe.signal });
        if (stopped) return;
        if (REFUSALS.has(response.status)) return stop((await response.text()).slice(0, 300));
        probe.abort(); // a stream again (or a 5xx): the body is not wanted
      } catch {
        // No answer: the server is still away.
      }
      if (!stopped) retryLater();
    };

    const connect = () => {
      if (stopped) return;
      const current = new EventSource(url);
      source = current;
      current.addEventListener("open", () => setStatus("live"));
      current.addEventListener("error", () => {
        // CLOSED: the server answered, but not with a stream. CONNECTING: the connection dropped.
        const refused = current.readyState === EventSource.CLOSED;
        current.close();
        if (stopped || source !== current) return;
        setStatus("reconnecting");
        if (refused) void askWhy();
        else retryLater();
      });
      current.addEventListener("state", (event) => {
        attempt = 0;
        setStatus("live");
        const next = JSON.parse((event as MessageEvent<string>).data) as T;
        callback.current?.(next, latest.current);
        latest.current = next;
        setState(next);
      });
      current.addEventListener("withdrawn", (event) => {
        // Not a reconnect: the server would refuse this page's stream from now on.
        const { message } = JSON.parse((event as MessageEvent<string>).data) as { message: string };
        stop(message);
      });
      current.addEventListener("reconnect", () => {
        // This server is going away: try again after a short, jittered wait (another process, or this one once back).
        current.close();
        retryLater();
      });
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      probe?.abort();
      source?.close();
    };
  }, [url]);

  return { state, status };
}
