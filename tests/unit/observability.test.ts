import express from "express";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { isLoopback, metricsAccess } from "../../app/domain/metrics-access";
import { requestIdFrom } from "../../app/domain/request-id";
import { createLogger, requestIds } from "../../app/platform/log.server";
import { routeLabeler, UNMATCHED_ROUTE } from "../../app/platform/route-label.server";

// ADR 022: who may read /metrics, request ids, JSON log lines, bounded route labels.

const TOKEN = "s3cret-metrics-token-0123456789";

describe("who may read /metrics", () => {
  const direct = { token: null, authorization: undefined, remoteAddress: "127.0.0.1", forwarded: false };

  it("without METRICS_TOKEN: direct loopback connections only, never through a proxy", () => {
    expect(metricsAccess(direct)).toEqual({ allowed: true });
    expect(metricsAccess({ ...direct, remoteAddress: "::1" }).allowed).toBe(true);
    expect(metricsAccess({ ...direct, remoteAddress: "::ffff:127.0.0.1" }).allowed).toBe(true);
    // nginx on the same host connects from loopback, but adds X-Forwarded-For: that is anyone.
    expect(metricsAccess({ ...direct, forwarded: true })).toMatchObject({ allowed: false, status: 403 });
    expect(metricsAccess({ ...direct, remoteAddress: "192.0.2.7" })).toMatchObject({ allowed: false, status: 403, message: expect.stringContaining("METRICS_TOKEN") });
    expect(metricsAccess({ ...direct, remoteAddress: "::ffff:10.0.0.1" }).allowed).toBe(false);
    expect(metricsAccess({ ...direct, remoteAddress: undefined }).allowed).toBe(false);
  });

  it("with METRICS_TOKEN: the Bearer token from anywhere, and nothing else, not even loopback", () => {
    const withToken = { ...direct, token: TOKEN };
    expect(metricsAccess({ ...withToken, authorization: `Bearer ${TOKEN}`, remoteAddress: "198.51.100.4", forwarded: true })).toEqual({ allowed: true });
    expect(metricsAccess({ ...withToken, authorization: `bearer ${TOKEN}` }).allowed).toBe(true);
    expect(metricsAccess(withToken)).toMatchObject({ allowed: false, status: 401 });
    expect(metricsAccess({ ...withToken, authorization: `Bearer ${TOKEN}x` }).allowed).toBe(false);
    expect(metricsAccess({ ...withToken, authorization: `Bearer ${TOKEN.slice(0, -1)}` }).allowed).toBe(false);
    expect(metricsAccess({ ...withToken, authorization: `Basic ${TOKEN}` }).allowed).toBe(false);
  });

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["128.0.0.1", "1127.0.0.1", "::2", "", "localhost"].some(isLoopback)).toBe(false);
  });
});

describe("request ids", () => {
  it("keeps a well-formed incoming id and replaces anything else", () => {
    const fresh = () => "generated";
    expect(requestIdFrom("3f2c9a1e-7b1d-4c55-9e0a-2a1b3c4d5e6f", fresh)).toBe("3f2c9a1e-7b1d-4c55-9e0a-2a1b3c4d5e6f");
    expect(requestIdFrom("0123456789abcdef0123456789abcdef", fresh)).toBe("0123456789abcdef0123456789abcdef");
    for (const bad of [undefined, null, "", "a b", 'x"y', "line\nbreak", "x".repeat(129), "é"]) expect(requestIdFrom(bad, fresh)).toBe("generated");
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("is echoed in the response and carried by every JSON log line written while the request is handled", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    const logger = createLogger("info", sink);
    const app = express();
    app.use(requestIds());
    app.get("/work", async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // the id survives awaits
      logger.info({ event: "test" }, "handled");
      logger.debug("below the level: not written");
      res.send("ok");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const kept = await fetch(`${base}/work`, { headers: { "X-Request-Id": "proxy-id-42" } });
      expect(kept.headers.get("x-request-id")).toBe("proxy-id-42");
      const made = await fetch(`${base}/work`, { headers: { "X-Request-Id": "not ok" } });
      const madeId = made.headers.get("x-request-id")!;
      expect(madeId).toMatch(/^[0-9a-f-]{36}$/);
      logger.info("outside any request");
      expect(lines).toHaveLength(3);
      const [first, second, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(first).toMatchObject({ level: "info", msg: "handled", reqId: "proxy-id-42", event: "test" });
      expect(typeof first!.time).toBe("string");
      expect(second).toMatchObject({ level: "info", msg: "handled", reqId: madeId });
      expect(outside).toMatchObject({ level: "info", msg: "outside any request" });
      expect(outside).not.toHaveProperty("reqId");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("route labels", () => {
  // The shapes of Casebook's flat routes: an index, a dynamic segment, an escaped "_" suffix,
  // an optional segment, a resource route with a literal dot, and the catch-all.
  const manifest = {
    root: { id: "root", path: "" },
    "routes/_index": { id: "routes/_index", parentId: "root", index: true },
    "routes/workshops.$id": { id: "routes/workshops.$id", parentId: "root", path: "workshops/:id" },
    "routes/workshops.$id_.events": { id: "routes/workshops.$id_.events", parentId: "root", path: "workshops/:id/events" },
    "routes/workshops.$id_.debrief[.]md": { id: "routes/workshops.$id_.debrief[.]md", parentId: "root", path: "workshops/:id/debrief.md" },
    "routes/join.($code)": { id: "routes/join.($code)", parentId: "root", path: "join/:code?" },
    "routes/$": { id: "routes/$", parentId: "root", path: "*" },
  } as unknown as Parameters<typeof routeLabeler>[0];
  const label = routeLabeler(manifest);

  it("names the route, never the URL, so every workshop shares one series", () => {
    expect(label("/")).toBe("routes/_index");
    expect(label("/workshops/12")).toBe("routes/workshops.$id");
    expect(label("/workshops/99999")).toBe("routes/workshops.$id");
    expect(label("/workshops/12/events")).toBe("routes/workshops.$id_.events");
    expect(label("/workshops/12/debrief.md")).toBe("routes/workshops.$id_.debrief[.]md");
    expect(label("/join")).toBe("routes/join.($code)");
    expect(label("/join/ABCD12")).toBe("routes/join.($code)");
    expect(label("/workshops/12.data")).toBe("routes/workshops.$id");
    expect(label("/_root.data")).toBe("routes/_index");
    for (const hostile of ["/wp-admin.php", "/a/b/c/d/e", `/${"x".repeat(5000)}`]) expect(label(hostile)).toBe("routes/$");
    expect(UNMATCHED_ROUTE).toBe("unmatched");
  });
});
