import { useEffect, useRef, useState } from "react";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed";

/**
 * Follows a workshop's Server-Sent Events: starts from the loader's state, replaces it with
 * each snapshot the server pushes. One EventSource per page; the browser reconnects by itself
 * and the server answers every (re)connection with the full current state. When the right to
 * follow is withdrawn (the phone was removed, the account signed out), the server's last event
 * is "withdrawn": the stream stops for good and `onWithdrawn` gets the server's message (pages
 * reload their data, which then shows why).
 */
export function useLiveState<T>(
  url: string,
  initial: T,
  onSnapshot?: (next: T, previous: T) => void,
  onWithdrawn?: (message: string) => void,
): { state: T; status: LiveStatus } {
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
    const source = new EventSource(url);
    source.addEventListener("open", () => setStatus("live"));
    source.addEventListener("error", () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting"));
    source.addEventListener("state", (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as T;
      callback.current?.(next, latest.current);
      latest.current = next;
      setState(next);
    });
    source.addEventListener("withdrawn", (event) => {
      // Not a reconnect: the server would refuse this page's stream from now on.
      source.close();
      setStatus("closed");
      const { message } = JSON.parse((event as MessageEvent<string>).data) as { message: string };
      withdrawn.current?.(message);
    });
    source.addEventListener("reconnect", () => {
      // The server is going away: drop this stream; the browser's retry finds a live server.
      setStatus("reconnecting");
    });
    return () => source.close();
  }, [url]);

  return { state, status };
}
