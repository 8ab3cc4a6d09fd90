/**
 * The body cap counts the bytes the server actually reads: a chunked body (no Content-Length),
 * a slow drip or a Content-Length that lies is refused with 413 as soon as it passes the cap,
 * on every route that takes a body, while the client is still sending. Raw node:http and
 * node:net clients, because a browser or Playwright's request API always sends a length.
 */
import { expect, test } from "@playwright/test";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { baseURL, contextFor, cookieHeader, fixtures, PASSWORD } from "./helpers";

const { hostname, port } = new URL(baseURL);
const MB = 1024 * 1024;

/** Resolves at the first of `events`, removing its listeners (writes wait on drain many times). */
function settled(emitter: NodeJS.EventEmitter, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of events) emitter.off(event, done);
      resolve();
    };
    for (const event of events) emitter.once(event, done);
  });
}

interface Streamed {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Body bytes handed to the socket when the response's status line arrived. */
  sentWhenAnswered: number;
  totalBytes: number;
  elapsedMs: number;
}

/**
 * POSTs `totalBytes` of body with Transfer-Encoding: chunked, `chunkBytes` at a time (waiting
 * `pauseMs` between chunks for a slow drip), and stops sending as soon as the response arrives.
 * Write errors after the answer (the server hanging up on the rest) are expected and ignored.
 */
function streamChunked(path: string, options: { totalBytes: number; chunkBytes?: number; pauseMs?: number; headers?: Record<string, string>; prefix?: string }): Promise<Streamed> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered: Omit<Streamed, "body"> | null = null;
    const req = httpRequest({ host: hostname, port, path, method: "POST", headers: { "Transfer-Encoding": "chunked", Origin: baseURL, ...options.headers } });
    req.on("response", (res) => {
      answered = { status: res.statusCode ?? 0, headers: res.headers, sentWhenAnswered: sent, totalBytes: options.totalBytes, elapsedMs: Date.now() - started };
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      const done = () => {
        resolve({ ...answered!, body });
        req.destroy();
      };
      res.on("end", done);
      res.on("close", done);
    });
    req.on("error", (error) => {
      if (!answered) reject(new Error(`no answer; the request failed after ${sent} bytes: ${error.message}`));
    });
    const filler = Buffer.alloc(chunkBytes, "a");
    void (async () => {
      if (options.prefix) {
        req.write(options.prefix);
        sent += Buffer.byteLength(options.prefix);
      }
      while (sent < options.totalBytes && !answered && !req.destroyed) {
        const chunk = filler.subarray(0, Math.min(chunkBytes, options.totalBytes - sent));
        sent += chunk.length;
        if (!req.write(chunk)) await settled(req, ["drain", "close", "response"]);
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}

async function cookieOf(name: "participant" | "author" | "device"): Promise<string> {
  const ctx = await contextFor(name);
  const cookie = await cookieHeader(ctx);
  await ctx.dispose();
  return cookie;
}

/** A 413 that says what the limit is, received while the client was still sending. */
function expectRefusedEarly(answer: Streamed, what: string): void {
  expect(answer.status, `${what}: ${answer.body.slice(0, 200)}`).toBe(413);
  expect(answer.headers.connection, `${what}: the server lets go of the connection`).toBe("close");
  expect(answer.sentWhenAnswered, `${what}: answered after ${answer.sentWhenAnswered} of ${answer.totalBytes} bytes`).toBeLessThan(answer.totalBytes);
  expect(answer.elapsedMs, `${what}: answered within 10 s`).toBeLessThan(10_000);
}

test.describe("the body cap counts the bytes read", () => {
  test("a 60 MB chunked login is refused with 413 and the 2 MB limit before it is all sent", async () => {
    const answer = await streamChunked("/login", { totalBytes: 60 * MB, headers: { "Content-Type": "application/x-www-form-urlencoded" }, prefix: "email=a%40b.test&password=" });
    expectRefusedEarly(answer, "POST /login");
    expect(answer.body).toBe("That is too much to send at once (the limit is 2 MB).");
  });

  test("a chunked case action over the cap is refused with 413 before it is all sent", async () => {
    const answer = await streamChunked(`/cases/${fixtures().cases.authz}`, {
      totalBytes: 20 * MB,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: await cookieOf("participant") },
      prefix: "intent=argument&perspective=employee&side=for&lens=&body=",
    });
    expectRefusedEarly(answer, "POST /cases/:slug");
    expect(answer.body).toContain("the limit is 2 MB");
  });

  test("a chunked case-file upload over the cap is refused with 413 before it is all sent", async () => {
    const answer = await streamChunked("/cases/upload", {
      totalBytes: 20 * MB,
      headers: { "Content-Type": "multipart/form-data; boundary=b", Cookie: await cookieOf("author") },
      prefix: `--b\r\nContent-Disposition: form-data; name="file"; filename="huge.md"\r\nContent-Type: text/markdown\r\n\r\n---\nslug: huge\n`,
    });
    expectRefusedEarly(answer, "POST /cases/upload");
    expect(answer.body).toContain("the limit is 2 MB");
  });

  test("a chunked phone vote over its 16 KB cap is refused with 413 in JSON before it is all sent", async () => {
    const answer = await streamChunked(`/w/${fixtures().workshop.code}/vote`, {
      totalBytes: 20 * MB,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: await cookieOf("device") },
      prefix: "option-employee=0&judgement-employee=1&padding=",
    });
    expectRefusedEarly(answer, "POST /w/:code/vote");
    expect(JSON.parse(answer.body)).toMatchObject({ errors: { form: "That vote is too large to read." } });
  });

  test("a phone vote dripped slowly past its cap is refused as soon as it passes it", async () => {
    // 1 KB every 10 ms: all 400 KB would take over 4 s; the cap is passed after 16 KB.
    const answer = await streamChunked(`/w/${fixtures().workshop.code}/vote`, {
      totalBytes: 400 * 1024,
      chunkBytes: 1024,
      pauseMs: 10,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: await cookieOf("device") },
      prefix: "padding=",
    });
    expectRefusedEarly(answer, "slow drip to POST /w/:code/vote");
    expect(answer.sentWhenAnswered).toBeLessThan(64 * 1024);
  });

  test("a login dripped slowly past the cap is refused as soon as it passes it", async () => {
    // 64 KB every 20 ms: all 8 MB would take over 2.5 s; the cap is passed after 2 MB.
    const answer = await streamChunked("/login", { totalBytes: 8 * MB, pauseMs: 20, headers: { "Content-Type": "application/x-www-form-urlencoded" }, prefix: "password=" });
    expectRefusedEarly(answer, "slow drip to POST /login");
  });

  test("a Content-Length over the cap is refused before any body is sent", async () => {
    const answer = await new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({
        host: hostname,
        port,
        path: "/login",
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(60 * MB), Origin: baseURL },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer).toEqual({ status: 413, body: "That is too much to send at once (the limit is 2 MB).", connection: "close" });
  });

  test("a Content-Length that lies low cannot smuggle the rest of a large body in", async () => {
    // The declared 30 bytes are the body; the 5 MB after them are no request, so Node refuses
    // them as a bad request and hangs up, long before they are all sent.
    const answers = await new Promise<{ text: string; sent: number }>((resolve) => {
      const socket = connect(Number(port), hostname);
      let text = "";
      let sent = 0;
      let closed = false;
      socket.on("data", (c) => (text += c.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        closed = true;
        resolve({ text, sent });
      });
      socket.on("connect", async () => {
        socket.write(`POST /login HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${baseURL}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 30\r\n\r\n`);
        const chunk = Buffer.alloc(64 * 1024, "a");
        while (sent < 5 * MB && !closed) {
          sent += chunk.length;
          if (!socket.write(chunk)) await settled(socket, ["drain", "close"]);
        }
        if (!closed) socket.end();
      });
    });
    const statuses = [...answers.text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
    expect(
      statuses.filter((s) => s >= 500),
      answers.text.slice(0, 300),
    ).toEqual([]);
    expect(answers.sent, "the server hung up before the whole body was sent").toBeLessThan(5 * MB);
  });

  test("a small chunked login still signs in", async () => {
    const { email } = fixtures().accounts.participant;
    const body = new URLSearchParams({ email, password: PASSWORD, redirectTo: "/me" }).toString();
    const answer = await streamChunked("/login", { totalBytes: 0, headers: { "Content-Type": "application/x-www-form-urlencoded" }, prefix: body });
    expect(answer.status, answer.body.slice(0, 300)).toBe(302);
    expect(answer.headers.location).toBe("/me");
    expect(String(answer.headers["set-cookie"])).toMatch(/casebook_session=/);
  });
});
