/**
 * The tests' one reader of Server-Sent Events, as a browser's EventSource reads them (the WHATWG
 * HTML standard's "event stream interpretation"): lines end in CRLF, LF or CR; `data:` lines are
 * joined with "\n"; comments and blocks without data dispatch nothing. Any test that follows a
 * live stream over HTTP or from a loader's Response reads it with this.
 */

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
