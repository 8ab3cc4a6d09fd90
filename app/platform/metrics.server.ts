/**
 * Prometheus metrics for operators (ADR 022, issue 18), served at /metrics by server.ts. One
 * registry per process, with prom-client's default process metrics (CPU, memory, event-loop lag,
 * open handles) and Casebook's own, all prefixed `casebook_`:
 *
 * - `casebook_http_requests_total{method,route,status}` and
 *   `casebook_http_request_duration_seconds{method,route}`: `route` is a Remix route id or one
 *   of a few fixed names, never a raw URL (app/platform/route-label.server.ts), so series stay bounded.
 *   Event streams are counted when they end but kept out of the latency histogram (they last
 *   as long as the page is open).
 * - `casebook_live_streams{audience}`: open Server-Sent Event streams on this process by audience
 *   (`projector`, `phone`, `control`).
 * - `casebook_votes_stored_total`: votes stored (each accepted ballot once; a replay is not counted).
 * - `casebook_broadcast_lag_seconds`: from the moment this process hears of a change (its own, at
 *   once; another process's, when the bus delivers it) to the moment its clients are sent the new state.
 * - `casebook_release_plans_total{thread}`: results release plans made, `worker` (a large case's,
 *   on the release-plan thread, ADR 042) or `event-loop`.
 * - `casebook_database_up`, and with PostgreSQL `casebook_database_pool_connections{state}`
 *   (`open`, `idle`, `waiting`) and `casebook_database_pool_max`.
 * - `casebook_redis_up` (only with REDIS_URL): 0 during a Redis outage as the process's shared
 *   RedisHealth sees it.
 */
import type { NextFunction, Request, Response } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PoolState } from "../../db/client";
import { metricsAccess } from "../domain/metrics-access";
import type { Audience } from "../live/broadcaster.server";
import { singleton } from "./singleton.server";

/** The audience names operators see: the projector's room view, a phone, the facilitator's control panel. */
export const AUDIENCE_LABEL: Record<Audience, string> = { room: "projector", phone: "phone", facilitator: "control" };

/** Where the gauges read their values when scraped; set once by server.ts (sources left unset report nothing). */
export interface MetricSources {
  /** Open live streams on this process by audience. */
  streams?: () => Partial<Record<Audience, number>>;
  /** Whether the database is reachable (ADR 019's outage state). */
  databaseUp?: () => boolean;
  /** The PostgreSQL pool's state; null for SQLite. */
  pool?: () => PoolState | null;
  /** Whether Redis answers (the shared RedisHealth); absent without REDIS_URL. */
  redisUp?: () => boolean;
}

/** Methods labelled as themselves; any other is "other", so a client inventing methods adds no series. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Latency buckets in seconds: a vote takes milliseconds, a page tens of them, an outage's wait seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Broadcast lag buckets in seconds: coalescing alone is up to 0.1 s, a phone's calmer stream up to 1 s. */
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class CasebookMetrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpDuration: Histogram<"method" | "route">;
  readonly votesStored: Counter;
  readonly broadcastLag: Histogram;
  readonly releasePlans: Counter<"thread">;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: "casebook_http_requests_total",
      help: "HTTP requests answered, by method, route (Remix route id or fixed name) and status.",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.httpDuration = new Histogram({
      name: "casebook_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its answer, by method and route (event streams excluded).",
      labelNames: ["method", "route"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.votesStored = new Counter({ name: "casebook_votes_stored_total", help: "Phone votes stored (a replayed idempotent request is not counted again).", registers });
    this.broadcastLag = new Histogram({
      name: "casebook_broadcast_lag_seconds",
      help: "Time from this process hearing of a workshop change to sending its clients the new state.",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.releasePlans = new Counter({
      name: "casebook_release_plans_total",
      help: "Results release plans made, by where: on the release-plan worker thread (large cases) or on the event loop.",
      labelNames: ["thread"],
      registers,
    });
    const sources = () => this.sources;
    new Gauge({
      name: "casebook_live_streams",
      help: "Open live (Server-Sent Event) streams on this process, by audience: projector, phone, control.",
      labelNames: ["audience"],
      registers,
      collect() {
        const counts = sources().streams?.() ?? {};
        for (const audience of Object.keys(AUDIENCE_LABEL) as Audience[]) this.set({ audience: AUDIENCE_LABEL[audience] }, counts[audience] ?? 0);
      },
    });
    new Gauge({
      name: "casebook_database_up",
      help: "1 while the database answers, 0 during an outage (requests are then answered 503).",
      registers,
      collect() {
        const up = sources().databaseUp;
        if (up) this.set(up() ? 1 : 0);
      },
    });
    new Gauge({
      name: "casebook_database_pool_connections",
      help: "PostgreSQL pool: connections open, idle among them, and queries waiting for one.",
      labelNames: ["state"],
      registers,
      collect() {
        this.reset();
        const pool = sources().pool?.();
        if (!pool) return;
        this.set({ state: "open" }, pool.total);
        this.set({ state: "idle" }, pool.idle);
        this.set({ state: "waiting" }, pool.waiting);
      },
    });
    new Gauge({
      name: "casebook_database_pool_max",
      help: "PostgreSQL pool: most connections this process opens (DATABASE_POOL_SIZE).",
      labelNames: ["database"],
      registers,
      collect() {
        this.reset();
        const pool = sources().pool?.();
        if (pool) this.set({ database: "postgresql" }, pool.max);
      },
    });
    new Gauge({
      name: "casebook_redis_up",
      help: "1 while Redis answers, 0 during an outage (live updates then come from the database); absent without REDIS_URL.",
      labelNames: ["redis"],
      registers,
      collect() {
        this.reset();
        const up = sources().redisUp;
        if (up) this.set({ redis: "live-bus" }, up() ? 1 : 0);
      },
    });
  }

  /** Where the gauges read their values; replaces any earlier sources. */
  setSources(sources: MetricSources): void {
    this.sources = sources;
  }

  /**
   * Express middleware: counts each answered request under `label(req, res)` (called when the
   * answer ends, so it may read what later handlers set) and observes its duration, except for
   * event streams.
   */
  httpMiddleware(label: (req: Request, res: Response) => string) {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      let counted = false;
      const count = () => {
        if (counted) return;
        counted = true;
        const method = KNOWN_METHODS.has(req.method) ? req.method : "other";
        const route = label(req, res);
        // A client that went away before the answer: 499, as nginx logs it.
        const status = res.writableFinished || res.headersSent ? String(res.statusCode) : "499";
        this.httpRequests.inc({ method, route, status });
        const stream = String(res.getHeader("content-type") ?? "").startsWith("text/event-stream");
        if (!stream) this.httpDuration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
      };
      res.once("finish", count);
      res.once("close", count);
      next();
    };
  }

  /** Express handler for GET /metrics: the access rule of ADR 022, then the registry in Prometheus's text format. */
  handler(token: string | null) {
    return async (req: Request, res: Response) => {
      res.set("Cache-Control", "no-store");
      const access = metricsAccess({
        token,
        authorization: req.get("authorization"),
        remoteAddress: req.socket.remoteAddress,
        forwarded: req.get("x-forwarded-for") !== undefined || req.get("forwarded") !== undefined || req.get("x-real-ip") !== undefined,
      });
      if (!access.allowed) {
        if (access.status === 401) res.set("WWW-Authenticate", 'Bearer realm="casebook-metrics"');
        res.status(access.status).type("text/plain").send(access.message);
        return;
      }
      res.type(this.registry.contentType).send(await this.registry.metrics());
    };
  }
}

/** The process's metrics. */
export function metrics(): CasebookMetrics {
  return singleton("metrics", () => new CasebookMetrics());
}
