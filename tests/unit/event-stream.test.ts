/**
 * The one Server-Sent Events helper (app/live/event-stream.server.ts, ADR 030): framing in one
 * place, byte for byte what the live pages and the test readers parse today; clean-up once, on
 * abort, cancel or close; nothing written after the stream closed.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { eventStream, formatComment, formatEvent, frameEvent, type SendFunction } from "../../app/live/event-stream.server";
import { EventStreamReader, followStates, stateEvents } from "../support/sse";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Reads everything the stream writes until it ends (or `untilMs` passes with nothing new). */
async function readAll(response: Response, untilMs = 200): Promise<{ text: string; ended: boolean }> {
  const reader = response.body!.getReader();
  let out = "";
  for (;;) {
    const next = await Promise.race([reader.read(), new Promise<"idle">((resolve) => setTimeout(() => resolve("idle"), untilMs))]);
    if (next === "idle") {
      reader.releaseLock();
      return { text: out, ended: false };
    }
    if (next.done) return { text: out, ended: true };
    out += text(next.value);
  }
}

describe("framing", () => {
  it("writes id, event and data in the order the live pages and test readers expect", () => {
    expect(formatEvent({ id: 7, event: "state", data: '{"stage":"vote-1"}' })).toBe('id: 7\nevent: state\ndata: {"stage":"vote-1"}\n\n');
    expect(formatEvent({ retry: 2000 })).toBe("retry: 2000\n\n");
    expect(formatEvent({ data: "only data" })).toBe("data: only data\n\n");
    expect(formatComment("heartbeat")).toBe(": heartbeat\n\n");
  });

  it("splits data at every kind of line break into data lines, which a reader joins back", () => {
    const data = "first\nsecond\r\nthird\rfourth\n\nafter a blank line";
    expect(formatEvent({ event: "note", data })).toBe("event: note\ndata: first\ndata: second\ndata: third\ndata: fourth\ndata: \ndata: after a blank line\n\n");
    const [read] = new EventStreamReader().push(formatEvent({ id: "a1", event: "note", data }));
    expect(read).toEqual({ event: "note", data: "first\nsecond\nthird\nfourth\n\nafter a blank line", id: "a1" });
  });

  it("keeps a comment of several lines a comment", () => {
    expect(formatComment("one\ntwo")).toBe(": one\n: two\n\n");
    expect(new EventStreamReader().push(formatComment("one\ndata: not data"))).toEqual([]);
  });

  it("refuses an event name or id that would start a field of its own", () => {
    expect(() => formatEvent({ event: "state\ndata: forged", data: "x" })).toThrow(/event name cannot hold a line break/);
    expect(() => formatEvent({ id: "1\r\nevent: x", data: "x" })).toThrow(/id cannot hold a line break/);
    expect(() => formatEvent({ retry: -1 })).toThrow(/retry/);
  });

  it("frames an event once: its bytes are its text, its fields kept beside them", () => {
    const framed = frameEvent({ event: "state", data: "{}", id: 3 });
    expect(text(framed.bytes)).toBe(formatEvent({ event: "state", data: "{}", id: 3 }));
    expect(framed).toMatchObject({ event: "state", data: "{}", id: 3 });
  });
});

describe("eventStream", () => {
  afterEach(() => vi.useRealTimers());

  it("answers with the event-stream headers proxies and compression need", () => {
    const response = eventStream(new AbortController().signal, () => {});
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    void response.body!.cancel();
  });

  it("writes retry first, then what init sends, framed or already framed, as the same bytes", async () => {
    const shared = frameEvent({ event: "state", data: '{"n":2}', id: 2 });
    const response = eventStream(
      new AbortController().signal,
      (send, close) => {
        send({ event: "state", data: '{"n":1}', id: 1 });
        send(shared);
        close();
      },
      { retry: 2000 },
    );
    expect(await readAll(response)).toEqual({ text: 'retry: 2000\n\nid: 1\nevent: state\ndata: {"n":1}\n\nid: 2\nevent: state\ndata: {"n":2}\n\n', ended: true });
  });

  it("runs the cleanup once when the request aborts, ends the stream, and writes nothing after", async () => {
    const abort = new AbortController();
    const cleanup = vi.fn();
    let send: SendFunction = () => {};
    const response = eventStream(abort.signal, (s) => {
      send = s;
      s({ data: "before" });
      return cleanup;
    });
    abort.abort();
    abort.abort();
    expect(() => send({ data: "after" })).not.toThrow();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(await readAll(response)).toEqual({ text: "data: before\n\n", ended: true });
  });

  it("runs the cleanup when the body is cancelled (the client went away)", async () => {
    const cleanup = vi.fn();
    const response = eventStream(new AbortController().signal, () => cleanup);
    await response.body!.cancel();
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it("runs the cleanup when init closes the stream before returning it", async () => {
    const cleanup = vi.fn();
    const response = eventStream(new AbortController().signal, (send, close) => {
      send({ event: "reconnect", data: "{}" });
      close();
      send({ data: "too late" });
      return cleanup;
    });
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(await readAll(response)).toEqual({ text: "event: reconnect\ndata: {}\n\n", ended: true });
  });

  it("does not start for a request already gone", async () => {
    const abort = new AbortController();
    abort.abort();
    const init = vi.fn();
    const response = eventStream(abort.signal, init, { retry: 2000 });
    expect(init).not.toHaveBeenCalled();
    expect(await readAll(response)).toEqual({ text: "", ended: true });
  });

  it("writes a heartbeat comment on time, then asks onHeartbeat, and stops both when closed", async () => {
    vi.useFakeTimers();
    const abort = new AbortController();
    const beats = vi.fn();
    const response = eventStream(abort.signal, () => {}, { heartbeatMs: 15_000, onHeartbeat: beats });
    const reader = response.body!.getReader();
    vi.advanceTimersByTime(14_999);
    expect(beats).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(beats).toHaveBeenCalledTimes(1);
    expect(text((await reader.read()).value!)).toBe(": heartbeat\n\n");
    abort.abort();
    vi.advanceTimersByTime(60_000);
    expect(beats).toHaveBeenCalledTimes(1);
    expect((await reader.read()).done).toBe(true);
  });
});

describe("the tests' event stream reader (tests/support/sse.ts)", () => {
  it("reads what the helper writes, however the bytes are split, as EventSource would", () => {
    const wire =
      "retry: 2000\n\n" + formatEvent({ id: 1, event: "state", data: '{"stage":"vote-1","title":"Café ☕"}' }) + formatComment("heartbeat") + formatEvent({ id: 2, event: "withdrawn", data: "a\nb" });
    const bytes = new TextEncoder().encode(wire);
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const reader = new EventStreamReader();
      const events = [];
      for (let at = 0; at < bytes.length; at += size) events.push(...reader.push(bytes.slice(at, at + size)));
      expect(events, `chunks of ${size}`).toEqual([
        { event: "state", data: '{"stage":"vote-1","title":"Café ☕"}', id: "1" },
        { event: "withdrawn", data: "a\nb", id: "2" },
      ]);
      expect(reader.retry).toBe(2000);
    }
  });

  it("takes CRLF and CR line ends, a field without a space, and the default event name", () => {
    const reader = new EventStreamReader();
    expect(reader.push("data:one\r\ndata: two\r\r")).toEqual([]);
    expect(reader.push("\nevent: x\rdata: y\r\r\n")).toEqual([
      { event: "message", data: "one\ntwo", id: "" },
      { event: "x", data: "y", id: "" },
    ]);
  });

  it("hands on each state event's data as JSON, and nothing of other events", () => {
    const states: unknown[] = [];
    const read = stateEvents((state) => states.push(state));
    const wire =
      formatEvent({ id: 1, event: "state", data: '{"stage":"lobby"}' }) + formatEvent({ event: "withdrawn", data: "{}" }) + formatEvent({ id: 2, event: "state", data: '{"stage":"vote-1"}' });
    read(wire.slice(0, 9));
    read(wire.slice(9));
    expect(states).toEqual([{ stage: "lobby" }, { stage: "vote-1" }]);
  });

  it("follows a stream over HTTP, and says once when it closed or was refused", async () => {
    const server = http.createServer((req, res) => {
      if (req.url === "/refused") return void res.writeHead(403).end("no");
      expect(req.headers.accept).toBe("text/event-stream");
      expect(req.headers.cookie).toBe("casebook_device=abc");
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.write(formatEvent({ event: "state", data: '{"stage":"lobby"}' }) + formatComment("heartbeat"));
      setTimeout(() => res.end(formatEvent({ event: "state", data: '{"stage":"end"}' })), 20);
    });
    await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
    const port = (server.address() as AddressInfo).port;
    try {
      const states: unknown[] = [];
      const ends: (Error | undefined)[] = [];
      await new Promise<void>((done) =>
        followStates(
          { port, path: "/events", cookie: "casebook_device=abc" },
          (state) => states.push(state),
          (error) => {
            ends.push(error);
            done();
          },
        ),
      );
      expect(states).toEqual([{ stage: "lobby" }, { stage: "end" }]);
      const refused = await new Promise<Error | undefined>((done) => followStates({ port, path: "/refused", cookie: "" }, () => states.push("refused"), done));
      expect(refused?.message).toBe("GET /refused answered 403");
      expect(states).toHaveLength(2);
      await new Promise((later) => setTimeout(later, 20));
      expect(ends).toEqual([undefined]);
    } finally {
      server.close();
    }
  });
});
