/**
 * The tests' one reader of Server-Sent Events, as a browser's EventSource reads them (the WHATWG
 * HTML standard's "event stream interpretation"): lines end in CRLF, LF or CR; `data:` lines are
 * joined with "\n"; comments and blocks without data dispatch nothing. Any test that follows a
 * live stream over HTTP or from a loader's Response reads it with this.
 */
import http from "node:http";

/** One dispatched event. */
export interface StreamEvent {
  /** The `event:` field, "message" when the block had none. */
  event: string;
  data: string;
  /** The last event id seen so far (`id:` persists across events, as in EventSource). */
  id: string;
}

/** Reads an event stream chunk by chunk; `push` returns the events each chunk completed. */
export class EventStreamReader {
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private lastId = "";
  /** The last `retry:` the stream asked for (ms), or null. */
  retry: number | null = null;

  push(chunk: string | Uint8Array): StreamEvent[] {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: StreamEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A CR at the very end may be the first half of a CRLF still on its way.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const dispatched = this.line(line);
      if (dispatched) events.push(dispatched);
    }
    return events;
  }

  private line(line: string): StreamEvent | null {
    if (line === "") {
      const data = this.data;
      const event = this.event || "message";
      this.data = [];
      this.event = "";
      return data.length > 0 ? { event, data: data.join("\n"), id: this.lastId } : null;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}

/**
 * A chunk handler that reads a stream with one `EventStreamReader` and hands each `state`
 * event's data, parsed as JSON, to `onState` (the live views' whole state, ADR 030); other
 * events are passed over. Feed it every chunk of one stream, in order.
 */
export function stateEvents<State>(onState: (state: State) => void): (chunk: string | Uint8Array) => void {
  const reader = new EventStreamReader();
  return (chunk) => {
    for (const { event, data } of reader.push(chunk)) if (event === "state") onState(JSON.parse(data) as State);
  };
}

/**
 * Opens a live stream straight on one process (`127.0.0.1:port`, no proxy) with `cookie`, and
 * hands each `state` event's data, parsed as JSON, to `onState`. `onEnd` is called once, when the
 * stream is over: refused (a status other than 200, with that status in the error, after its
 * body), closed by either side (no error; also after `destroy()` on the returned request), or
 * failed (the request's error).
 */
export function followStates<State>(target: { port: number; path: string; cookie: string }, onState: (state: State) => void, onEnd: (error?: Error) => void = () => {}): http.ClientRequest {
  let ended = false;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  const req = http.get({ host: "127.0.0.1", port: target.port, path: target.path, headers: { Cookie: target.cookie, Accept: "text/event-stream" } }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      res.on("close", () => end(new Error(`GET ${target.path} answered ${res.statusCode}`)));
      return;
    }
    res.on("data", stateEvents(onState));
    res.on("close", () => end());
    res.on("error", () => {});
  });
  req.on("error", end);
  return req;
}
