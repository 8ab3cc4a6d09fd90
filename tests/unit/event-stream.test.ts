/**
 * The one Server-Sent Events helper (app/live/event-stream.server.ts, ADR 030): framing in one
 * place, byte for byte what the live pages and the test readers parse today; clean-up once, when
 * the client goes away or the stream is closed; nothing written after the stream closed.
 */
import { EventEmitter } from "node:events";
import http, { type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serveEventStream, formatComment, formatEvent, frameEvent, type SendFunction } from "../../app/live/event-stream.server";
import { EventStreamReader, followStates, stateEvents } from "../support/sse";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

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

/**
 * What serveEventStream uses of a Node response, recorded: headers, status, the bytes written,
 * whether it ended; `clientGone()` is the connection closing under it.
 */
class FakeResponse extends EventEmitter {
  headers: Record<string, string> = {};
  statusCode = 0;
  written = "";
  destroyed = false;
  writableEnded = false;
  socket: { destroyed: boolean } | null = { destroyed: false };
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  hasHeader(name: string) {
    return name.toLowerCase() in this.headers;
  }
  writeHead(status: number) {
    this.statusCode = status;
  }
  write(bytes: Uint8Array) {
    this.written += text(bytes);
    return true;
  }
  end() {
    this.writableEnded = true;
    setImmediate(() => this.emit("close"));
  }
  destroy() {
    this.destroyed = true;
  }
  clientGone() {
    this.destroyed = true;
    this.emit("close");
  }
  get res(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

describe("serveEventStream", () => {
  afterEach(() => vi.useRealTimers());

  it("answers 200 with the event-stream headers proxies and compression need, beside those already set", () => {
    const response = new FakeResponse();
    response.setHeader("X-Request-Id", "abc");
    serveEventStream(response.res, () => {});
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      "x-request-id": "abc",
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.clientGone();
  });

  it("keeps the Connection: close a draining server set", () => {
    const response = new FakeResponse();
    response.setHeader("Connection", "close");
    serveEventStream(response.res, () => {});
    expect(response.headers.connection).toBe("close");
    response.clientGone();
  });

  it("writes retry first, then what init sends, framed or already framed, as the same bytes", () => {
    const shared = frameEvent({ event: "state", data: '{"n":2}', id: 2 });
    const response = new FakeResponse();
    serveEventStream(
      response.res,
      (send, close) => {
        send({ event: "state", data: '{"n":1}', id: 1 });
        send(shared);
        close();
      },
      { retry: 2000 },
    );
    expect(response.written).toBe('retry: 2000\n\nid: 1\nevent: state\ndata: {"n":1}\n\nid: 2\nevent: state\ndata: {"n":2}\n\n');
    expect(response.writableEnded).toBe(true);
  });

  it("runs the cleanup once when the client goes away, and writes nothing after", () => {
    const response = new FakeResponse();
    const cleanup = vi.fn();
    let send: SendFunction = () => {};
    serveEventStream(response.res, (s) => {
      send = s;
      s({ data: "before" });
      return cleanup;
    });
    response.clientGone();
    response.clientGone();
    expect(() => send({ data: "after" })).not.toThrow();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(response.written).toBe("data: before\n\n");
  });

  it("runs the cleanup when init closes the stream before returning it, and ends the response", () => {
    const response = new FakeResponse();
    const cleanup = vi.fn();
    serveEventStream(response.res, (send, close) => {
      send({ event: "reconnect", data: "{}" });
      close();
      send({ data: "too late" });
      return cleanup;
    });
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(response.written).toBe("event: reconnect\ndata: {}\n\n");
    expect(response.writableEnded).toBe(true);
  });

  it("does not start for a client already gone", () => {
    const response = new FakeResponse();
    response.socket!.destroyed = true;
    const init = vi.fn();
    serveEventStream(response.res, init, { retry: 2000 });
    expect(init).not.toHaveBeenCalled();
    expect(response.written).toBe("");
    expect(response.statusCode).toBe(0);
  });

  it("writes a heartbeat comment on time, then asks onHeartbeat, and stops both when closed", () => {
    vi.useFakeTimers();
    const response = new FakeResponse();
    const beats = vi.fn();
    serveEventStream(response.res, () => {}, { heartbeatMs: 15_000, onHeartbeat: beats });
    vi.advanceTimersByTime(14_999);
    expect(beats).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(beats).toHaveBeenCalledTimes(1);
    expect(response.written).toBe(": heartbeat\n\n");
    response.clientGone();
    vi.advanceTimersByTime(60_000);
    expect(beats).toHaveBeenCalledTimes(1);
    expect(response.written).toBe(": heartbeat\n\n");
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
