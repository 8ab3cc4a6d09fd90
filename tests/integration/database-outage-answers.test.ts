import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerUnavailable, RETRY_AFTER_SECONDS } from "../../app/platform/database-outage.server";
import { isCleanUnavailable } from "../support/replies";

// What a request gets while the database is away (ADR 019), through Express as the server uses it:
// at the top level, and from an error handler mounted on the vote's path (as the vote endpoint's is).
describe("the answer while the database is away", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    const votes = express.Router();
    votes.post("/w/:code/vote", (_req, _res, next) => next(new Error("connect ECONNREFUSED")));
    votes.use("/w/:code/vote", ((_error, req, res, _next) => answerUnavailable(req, res)) as express.ErrorRequestHandler);
    app.use(votes);
    app.use((req, res) => answerUnavailable(req, res));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("gives a phone's vote 503, Retry-After and the vote's JSON with a message it shows", async () => {
    const response = await fetch(`${base}/w/ABCD/vote?x=1`, { method: "POST", body: new URLSearchParams({ intent: "vote" }) });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { intent: string; errors: { form: string } };
    expect(body.intent).toBe("vote");
    expect(body.errors.form).toMatch(/cannot reach its database.*not counted.*send it again/);
  });

  it("gives a browser a small page that names the problem and reloads itself, with no stack trace", async () => {
    const response = await fetch(`${base}/workshops/1`, { headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    const page = await response.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("<h1>Casebook is briefly unavailable</h1>");
    expect(page).toContain(`<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}">`);
    expect(page).not.toMatch(/Error|\bat \w/);
  });

  it("gives single-fetch data requests and other clients plain text", async () => {
    for (const [path, accept] of [
      ["/workshops/1.data", "text/html"],
      ["/readyz-like", "application/json"],
    ]) {
      const response = await fetch(`${base}${path}`, { headers: { Accept: accept! } });
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toMatch(/cannot reach its database/);
    }
  });

  it("is, every kind of it, what the operations tests count as a clean 503 (isCleanUnavailable), and nothing else is", async () => {
    const read = async (response: Response) => ({ status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() });
    for (const [path, init] of [
      ["/w/ABCD/vote", { method: "POST", body: new URLSearchParams({ intent: "vote" }) }],
      ["/workshops/1", { headers: { Accept: "text/html" } }],
      ["/workshops/1.data", { headers: { Accept: "text/html" } }],
    ] as const) {
      expect(isCleanUnavailable(await read(await fetch(`${base}${path}`, init))), path).toBe(true);
    }
    const clean = { status: 503, headers: { "retry-after": "5" }, body: "Casebook cannot reach its database." };
    expect(isCleanUnavailable(clean)).toBe(true);
    expect(isCleanUnavailable({ ...clean, status: 502 })).toBe(false);
    expect(isCleanUnavailable({ ...clean, headers: {} })).toBe(false);
    expect(isCleanUnavailable({ ...clean, headers: { "retry-after": "soon" } })).toBe(false);
    expect(isCleanUnavailable({ ...clean, body: "Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect" })).toBe(false);
    expect(isCleanUnavailable({ ...clean, body: "terminating connection due to administrator command" })).toBe(false);
  });
});
