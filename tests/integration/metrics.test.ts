import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startApp } from "./app-under-test";

// ADR 022: /metrics as server.ts serves it (the same middleware and handler), after real votes
// through the phone vote endpoint and a projector's stream on the live broadcaster.
const app = await startApp({ kThreshold: 5 });
const joinRoute = await import("../../app/routes/join.($code)");
const { phoneVoteEndpoint } = await import("../../app/workshops/phone-vote-endpoint.server");
const { findWorkshop } = await import("../../app/models/workshops.server");
const { metrics } = await import("../../app/platform/metrics.server");
const { requestIds } = await import("../../app/platform/log.server");
const { workshopBroadcaster } = await import("../../app/workshops/live-state.server");
const { databaseOutage, db } = await import("../../app/platform/db.server");
const { poolState } = await import("../../db/client");

const TOKEN = "metrics-token-for-the-test-0123";
let open: Server;
let guarded: Server;
let base: string;
let guardedBase: string;
let code: string;
let workshopId: number;

function serve(token: string | null): Promise<Server> {
  const web = express();
  web.use(requestIds());
  web.use(
    metrics().httpMiddleware((req, res) =>
      typeof res.locals.routeLabel === "string" ? res.locals.routeLabel : req.method === "POST" && /^\/w\/[^/]+\/vote$/.test(req.path) ? "phone-vote" : "routes/$",
    ),
  );
  web.get("/metrics", (_req, res, next) => ((res.locals.routeLabel = "metrics"), next()), metrics().handler(token));
  web.use(phoneVoteEndpoint());
  return new Promise((ready) => {
    const server = web.listen(0, "127.0.0.1", () => ready(server));
  });
}

/** One sample's value from the text format, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return response.text();
}

beforeAll(async () => {
  const workshop = await app.backgroundCheckWorkshop("Metrics room", { openVoting: true });
  workshopId = workshop.id;
  code = (await findWorkshop(app.db(), workshopId))!.code;
  metrics().setSources({
    streams: () => workshopBroadcaster().connectionsByAudience(),
    databaseUp: () => !databaseOutage().down,
    pool: () => poolState(db()),
  });
  open = await serve(null);
  guarded = await serve(TOKEN);
  base = `http://127.0.0.1:${(open.address() as AddressInfo).port}`;
  guardedBase = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((closed) => open.close(closed));
  await new Promise((closed) => guarded.close(closed));
  await app.cleanup();
});

async function joinDevice(displayName: string): Promise<string> {
  const response = (await settle(() => joinRoute.action({ request: app.post("/join", { code, displayName }), params: {}, context: { clientIp: "198.51.100.9" } }))) as Response;
  expect(response.status).toBe(302);
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

const aVote = new URLSearchParams({
  "option-employee": "delay-the-report-and-help-him-get-it-expunged",
  "judgement-employee": "2",
  "option-employer": "fire-the-screener",
  "judgement-employer": "-1",
}).toString();

describe("GET /metrics", () => {
  it("counts votes stored, requests by route and status, open streams by audience and the broadcast lag", async () => {
    const before = await scrape();
    const votesBefore = sample(before, "casebook_votes_stored_total") ?? 0;
    const lagBefore = sample(before, "casebook_broadcast_lag_seconds_count") ?? 0;
    expect(sample(before, 'casebook_live_streams{audience="projector"}')).toBe(0);
    expect(sample(before, "casebook_database_up")).toBe(1);

    // A projector watching the room: votes reach it, and the time that took is the lag.
    const received: string[] = [];
    const disconnect = workshopBroadcaster().connect(workshopId, { audience: "room", send: ({ data }) => received.push(data) });
    try {
      const phones = await Promise.all(["Ann", "Bob", "Cy"].map(joinDevice));
      const keys = phones.map((_, index) => `metrics-vote-${index}-${Date.now()}`);
      for (const [index, cookie] of phones.entries()) {
        const answer = await fetch(`${base}/w/${code}/vote`, {
          method: "POST",
          body: aVote,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, "Idempotency-Key": keys[index]! },
        });
        expect(answer.status).toBe(200);
        expect(answer.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      }
      // A replay of the last vote is answered again but is not a second vote stored.
      const replay = await fetch(`${base}/w/${code}/vote`, {
        method: "POST",
        body: aVote,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: phones[2]!, "Idempotency-Key": keys[2]! },
      });
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      const refused = await fetch(`${base}/w/${code}/vote`, { method: "POST", body: aVote, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      expect(refused.status).toBe(403);
      await expect.poll(() => received.length, { timeout: 3_000 }).toBeGreaterThan(0);

      const after = await scrape();
      expect(sample(after, "casebook_votes_stored_total")).toBe(votesBefore + 3);
      expect(sample(after, 'casebook_http_requests_total{method="POST",route="phone-vote",status="200"}')).toBe(4);
      expect(sample(after, 'casebook_http_requests_total{method="POST",route="phone-vote",status="403"}')).toBe(1);
      expect(sample(after, 'casebook_http_request_duration_seconds_count{method="POST",route="phone-vote"}')).toBe(5);
      expect(sample(after, 'casebook_live_streams{audience="projector"}')).toBe(1);
      expect(sample(after, 'casebook_live_streams{audience="phone"}')).toBe(0);
      expect(sample(after, 'casebook_live_streams{audience="control"}')).toBe(0);
      expect(sample(after, "casebook_broadcast_lag_seconds_count")!).toBeGreaterThan(lagBefore);
      expect(sample(after, "casebook_broadcast_lag_seconds_sum")!).toBeLessThan(5 * sample(after, "casebook_broadcast_lag_seconds_count")!);
      // Process metrics, and no URL (with its workshop code) anywhere in the labels.
      expect(after).toMatch(/^process_cpu_user_seconds_total /m);
      expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(after).not.toContain(code);
      if (app.dialect === "postgres") expect(sample(after, 'casebook_database_pool_connections{state="open"}')!).toBeGreaterThan(0);
      else expect(after).not.toMatch(/^casebook_database_pool_connections\{/m);
      // No REDIS_URL here: no Redis series rather than a misleading one.
      expect(after).not.toMatch(/^casebook_redis_up/m);
    } finally {
      disconnect();
    }
  });

  it("refuses requests that came through a proxy when no token is set", async () => {
    for (const header of ["X-Forwarded-For", "Forwarded", "X-Real-IP"]) {
      const response = await fetch(`${base}/metrics`, { headers: { [header]: header === "Forwarded" ? "for=192.0.2.60" : "192.0.2.60" } });
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(text).toMatch(/only to direct connections from this host.*METRICS_TOKEN/);
      expect(text).not.toContain("casebook_");
    }
  });

  it("with METRICS_TOKEN, answers only the Bearer token, even on loopback", async () => {
    const none = await fetch(`${guardedBase}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain("casebook_");
    expect((await fetch(`${guardedBase}/metrics`, { headers: { Authorization: "Bearer wrong-token-wrong-token-00" } })).status).toBe(401);
    const allowed = await fetch(`${guardedBase}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}`, "X-Forwarded-For": "203.0.113.5" } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("casebook_votes_stored_total");
  });
});
