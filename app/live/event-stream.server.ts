/**
 * Server-Sent Events, in the shape of remix-utils' `eventStream`: the endpoint hands the Node
 * response and an `init(send, close)` that subscribes and returns its cleanup; this module
 * owns the headers, the framing, the heartbeat and the clean-up, so they are written once
 * (ADR 030; written to the Node response rather than a web Response since ADR 039). Framing happens in one place, `frameEvent`: a caller that sends the same event to
 * many streams frames it once and hands every stream the same bytes.
 */
import type { ServerResponse } from "node:http";

/** One event as the SSE format has it; every field is optional (`{ retry }` alone sets the client's reconnection delay). */
export interface ServerSentEvent {
  event?: string;
  /** Text; a line break in it becomes a second `data:` line, which the client joins back with "\n". */
  data?: string;
  id?: string | number;
  /** The client's reconnection delay, in ms. */
  retry?: number;
}

/** An event already framed: its fields, and the bytes every stream it is sent to writes. Made by frameEvent only. */
export type FramedEvent<E extends ServerSentEvent = ServerSentEvent> = Readonly<E> & { readonly bytes: Uint8Array };

/** Sends an event (framed here, or framed once beforehand by frameEvent); does nothing once the stream is closed. */
export type SendFunction = (event: ServerSentEvent | FramedEvent) => void;
/** Undoes what `init` set up; called once when the stream closes, whoever closed it. */
export type CleanupFunction = () => void;

export interface EventStreamOptions {
  /** Sent first, as `retry: N`: how long a client waits before reconnecting after the stream ends (ms). */
  retry?: number;
  /** A comment line every this many ms, so proxies do not close an idle stream (ADR 020: 15 s). */
  heartbeatMs?: number;
  /** Called after each heartbeat is written (e.g. to check again that the viewer may still watch). */
  onHeartbeat?: () => void;
  /** Headers added to (or replacing) the event-stream ones. */
  headers?: Record<string, string>;
}

/** Headers every event stream needs behind proxies and compression middleware (docs/DESIGN.md, "SSE details"). */
const EVENT_STREAM_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

const encoder = new TextEncoder();
/** The line breaks the SSE format splits on. */
const LINE_BREAK = /\r\n|\r|\n/;

/** A field that must stay on its line: a line break in an event name or id would start a field of its own. */
function singleLine(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`An event's ${name} cannot hold a line break`);
  return value;
}

/** The text of one event: `id:`, `event:`, `retry:`, then one `data:` line per line of data, and the blank line that ends it. */
export function formatEvent({ event, data, id, retry }: ServerSentEvent): string {
  let text = "";
  if (id !== undefined) text += `id: ${singleLine("id", String(id))}\n`;
  if (event !== undefined) text += `event: ${singleLine("event name", event)}\n`;
  if (retry !== undefined) {
    if (!Number.isInteger(retry) || retry < 0) throw new Error(`An event's retry must be a whole number of ms, got ${retry}`);
    text += `retry: ${retry}\n`;
  }
  if (data !== undefined) for (const line of data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A comment: ignored by clients, it keeps the connection busy (heartbeats). */
export function formatComment(text: string): string {
  return `${text
    .split(LINE_BREAK)
    .map((line) => `: ${line}\n`)
    .join("")}\n`;
}

/** Frames `event` once; sending the result to many streams writes the same bytes to each. */
export function frameEvent<E extends ServerSentEvent>(event: E): FramedEvent<E> {
  return { ...event, bytes: encoder.encode(formatEvent(event)) };
}

const HEARTBEAT = encoder.encode(formatComment("heartbeat"));

/**
 * The stream's life on `res`: retry first, then `init`, then the heartbeat; `close` (returned,
 * and handed to `init`) stops the heartbeat, runs the cleanup once and ends the response. A write
 * to a response that can no longer be written (the client went away) closes the stream; nothing
 * is written after that.
 */
function runEventStream(res: ServerResponse, init: (send: SendFunction, close: () => void) => CleanupFunction | void, options: EventStreamOptions): () => void {
  let open = true;
  // Assigned once, after `close` (which reads it) exists: `init` may call `close` first.
  // eslint-disable-next-line prefer-const
  let cleanup: CleanupFunction | void;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    cleanup?.();
    if (!res.writableEnded) res.end();
  };
  const write = (bytes: Uint8Array) => {
    if (!open) return;
    if (res.destroyed || res.writableEnded) close();
    else res.write(bytes);
  };
  if (options.retry !== undefined) write(encoder.encode(formatEvent({ retry: options.retry })));
  cleanup = init((event) => write("bytes" in event ? event.bytes : encoder.encode(formatEvent(event))), close);
  // `init` may have closed the stream itself, before its cleanup was known.
  if (!open) {
    cleanup?.();
    return close;
  }
  if (options.heartbeatMs !== undefined) {
    heartbeat = setInterval(() => {
      write(HEARTBEAT);
      if (open) options.onHeartbeat?.();
    }, options.heartbeatMs);
  }
  return close;
}

/**
 * A `text/event-stream` answer written straight to a Node response (Express, ahead of Remix: ADR
 * 039): no web Request, AbortSignal or ReadableStream is kept per stream, only the response and
 * what `init` keeps. `init(send, close)` runs at once and returns its cleanup. The
 * status is 200 with the event-stream headers (added to what the response already has, such as
 * X-Request-Id; a `Connection: close` set by a draining server is kept). The stream closes, and
 * the cleanup runs once, when the connection closes (the client went away), when `close` is
 * called (also from inside `init`), or when a write fails. A response whose connection is
 * already gone is not started, and a HEAD gets the headers alone: `init` does not run.
 */
export function serveEventStream(res: ServerResponse, init: (send: SendFunction, close: () => void) => CleanupFunction | void, options: EventStreamOptions = {}): void {
  if (res.destroyed || res.writableEnded || res.socket?.destroyed !== false) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  for (const [name, value] of Object.entries({ ...EVENT_STREAM_HEADERS, ...options.headers })) {
    if (name === "Connection" && res.hasHeader(name)) continue;
    res.setHeader(name, value);
  }
  res.writeHead(200);
  // A HEAD (a monitor, a proxy's check) gets the stream's headers and no stream: Node sends no
  // body for it, so a stream begun here would never reach the client yet count as open.
  if (res.req?.method === "HEAD") {
    res.end();
    return;
  }
  let close = () => {};
  // The connection closing (the client gone, or the end written) closes the stream; once closed, again is nothing.
  res.once("close", () => close());
  close = runEventStream(res, init, options);
}
