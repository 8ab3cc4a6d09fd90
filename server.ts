/**
 * Casebook's HTTP server: migrates the database, imports cases/, then serves the Remix app.
 * `npm run dev` runs it with tsx and Vite's dev middleware; `npm run build` compiles it into
 * build/server.js, which `npm start` runs on the production build (ADR 019).
 */
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { STATUS_CODES } from "node:http";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describeImport, importCaseDirectory } from "./app/cases/files.server";
import { databaseLabel, readConfigOrExit } from "./app/platform/config.server";
import { isCrossSiteWrite } from "./app/http/csrf";
import { answerUnavailable } from "./app/platform/database-outage.server";
import { databaseOutage, db, migrationDatabase } from "./app/platform/db.server";
import { formatCaseFileProblem, formatCaseFileWarning } from "./app/domain/case-file";
import { migrateToLatest } from "./db/client";
import { isConnectionLoss } from "./db/connection-loss";
import { liveBus } from "./app/live/bus.server";
import { phoneVoteEndpoint } from "./app/workshops/phone-vote-endpoint.server";
import { WORKSHOP_EVENTS_ROUTE_LABEL, workshopEventsEndpoint } from "./app/workshops/workshop-events-endpoint.server";
import { createRequestHandler, MAX_BODY_BYTES, readBodyWithin } from "./app/http/request-body.server";
import { drainable } from "./app/platform/http-drain.server";
import { runShutdownHooks } from "./app/platform/shutdown.server";
import { errorFields, log, requestIds } from "./app/platform/log.server";
import { metrics } from "./app/platform/metrics.server";
import { routeLabeler, UNMATCHED_ROUTE } from "./app/platform/route-label.server";
import { poolState } from "./db/client";
import { sharedRedisHealth } from "./app/live/redis-health.server";
import type { WorkshopBroadcaster } from "./app/live/broadcaster.server";
import { existingSingleton } from "./app/platform/singleton.server";

// A bad setting stops start-up with one line per problem (each names the variable and what to
// set), mail settings included, so a wrong SMTP variable stops start-up rather than a reset.
const config = readConfigOrExit();

async function prepareDatabase(): Promise<void> {
  const migrations = migrationDatabase();
  const { applied } = await migrateToLatest(migrations.db).finally(() => migrations.done());
  if (applied.length > 0) log().info({ event: "migrated" }, `Database ${databaseLabel(config)}: applied ${applied.join(", ")}`);
  // Several processes starting together may race on the same new case; the loser retries and
  // then finds it imported (unique slugs keep the data right, the retry keeps start-up quiet).
  let report: Awaited<ReturnType<typeof importCaseDirectory>> | undefined;
  for (let attempt = 1; !report; attempt += 1) {
    try {
      report = await importCaseDirectory(db(), config.casesDirectory);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
    }
  }
  log().info({ event: "cases-imported" }, `Cases from ${config.casesDirectory}/: ${describeImport(report)}`);
  // A broken case file is reported, never fatal: the rest of the library still serves.
  for (const { file, problem } of report.problems) log().warn({ event: "case-file-problem", file }, formatCaseFileProblem(file, problem));
  for (const { file, warning } of report.warnings) log().warn({ event: "case-file-warning", file }, formatCaseFileWarning(file, warning));
  for (const { file, slug } of report.conflicts) log().warn({ event: "case-file-conflict", file }, `${file}: "${slug}" was edited in the app since the file was imported; kept the app's version`);
}

/** Label of requests answered by the static file handlers, in the HTTP metrics. */
const STATIC_ROUTE = "static";

/** Serves build/client's files (production) or Vite's dev middleware on `app`, and returns the Remix build. */
async function loadBuild(app: express.Express): Promise<ServerBuild | (() => Promise<ServerBuild>)> {
  // Files answered here are counted under one route label, whatever their name.
  const labelled =
    (handler: express.RequestHandler): express.RequestHandler =>
    (req, res, next) => {
      res.locals.routeLabel = STATIC_ROUTE;
      handler(req, res, (error?: unknown) => {
        res.locals.routeLabel = undefined;
        next(error);
      });
    };
  if (config.production) {
    const buildPath = resolve("build/server/index.js");
    if (!existsSync(buildPath)) {
      log().fatal({ event: "no-build" }, "No production build found. Run `npm run build` first (or `npm run app`, which does it).");
      process.exit(1);
    }
    app.use("/assets", labelled(express.static("build/client/assets", { immutable: true, maxAge: "1y" })));
    // build/client's top level (favicon.svg) is fixed once built: a page's path is not looked
    // for on disk. Before, every page request cost a failed stat, and "/" (the library, the most
    // read page) a 403 error object for the directory, before Remix answered it.
    const topLevelFiles = new Set(readdirSync("build/client").map((name) => `/${name}`));
    const topLevelStatic = labelled(express.static("build/client", { maxAge: "1h", index: false }));
    app.use((req, res, next) => (topLevelFiles.has(req.path) ? topLevelStatic(req, res, next) : next()));
    return (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  }
  const vite = await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
  app.use(labelled(vite.middlewares));
  return () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
}

/** How often start-up tries again while the database cannot be reached (ms). */
const START_RETRY_MS = 2_000;

// A database that is not there yet (PostgreSQL starting with the app, a restart) delays start-up
// instead of ending it: one line, then a try every START_RETRY_MS. Any other error stops start-up.
for (let attempt = 1; ; attempt += 1) {
  try {
    await prepareDatabase();
    break;
  } catch (error) {
    // Anything but an unreachable database (a wrong password, role or database name in
    // DATABASE_URL, a failing migration) will not cure itself: say so in one plain line for the
    // person starting the server, with the details (stack) in the log, and stop.
    if (!isConnectionLoss(error)) {
      log().fatal({ event: "start-failed", ...errorFields(error) }, "Start-up failed");
      console.error(`Casebook cannot start: database ${databaseLabel(config)}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    if (attempt === 1)
      log().error({ event: "database-outage" }, `Database ${databaseLabel(config)} cannot be reached (${(error as Error).message}); trying again every ${START_RETRY_MS / 1000} s before serving.`);
    await new Promise((resolve) => setTimeout(resolve, START_RETRY_MS));
  }
}
const app = express();
app.disable("x-powered-by");

// Every request gets an id (the client's X-Request-Id when well formed), echoed in the answer and
// carried by every log line written while it is handled (ADR 022).
app.use(requestIds());

// Requests by route and status, and their latency. The route is the Remix route id the path
// matches, or a fixed name, never the URL itself (bounded series; app/platform/route-label.server.ts).
let labelPath: (path: string) => string = () => UNMATCHED_ROUTE;
const PHONE_VOTE = /^\/w\/[^/]+\/vote$/;
const WORKSHOP_EVENTS = /^\/workshops\/[^/]+\/events$/;
app.use(
  metrics().httpMiddleware((req, res) => {
    if (typeof res.locals.routeLabel === "string") return res.locals.routeLabel;
    if (req.method === "POST" && PHONE_VOTE.test(req.path)) return "phone-vote";
    if ((req.method === "GET" || req.method === "HEAD") && WORKSHOP_EVENTS.test(req.path)) return WORKSHOP_EVENTS_ROUTE_LABEL;
    return labelPath(req.path);
  }),
);
// LOG_LEVEL=debug: one line per request, as the app saw it (behind TRUST_PROXY, the client's
// address and protocol as the proxy reports them).
app.use((req, res, next) => {
  if (!log().isLevelEnabled("debug")) return next();
  const started = Date.now();
  res.once("finish", () =>
    log().debug(
      { event: "request", reqId: res.locals.reqId as string, method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started, ip: req.ip, protocol: req.protocol },
      "request answered",
    ),
  );
  next();
});
metrics().setSources({
  // Read without creating: no stream opened yet means no broadcaster (and no bus) to ask.
  streams: () => existingSingleton<WorkshopBroadcaster>("workshop-broadcaster")?.connectionsByAudience() ?? {},
  databaseUp: () => !databaseOutage().down,
  pool: () => poolState(db()),
  redisUp: config.redisUrl ? () => sharedRedisHealth().isUp() : undefined,
});
// Before the outage's 503: metrics matter most while the database is away. Who may read them: ADR 022.
app.get(
  "/metrics",
  (_req, res, next) => {
    res.locals.routeLabel = "metrics";
    next();
  },
  metrics().handler(config.metricsToken),
);

const build = await loadBuild(app);
void Promise.resolve(typeof build === "function" ? build() : build).then(
  (loaded) => (labelPath = routeLabeler(loaded.routes)),
  (error: unknown) => log().error({ event: "route-labels-failed", ...errorFields(error) }, "Routes could not be read for the metrics' route labels"),
);
// Behind a reverse proxy, set TRUST_PROXY (a hop count or the proxies' addresses) so the original
// address, protocol and host are seen; "true" is refused at start-up (app/domain/trust-proxy.ts).
const trustProxy = config.trustProxy;
if (trustProxy !== false) app.set("trust proxy", trustProxy);

// While the database is away every request is answered 503 with Retry-After at once, except the
// health checks, which say so themselves (ADR 019). The outage ends by itself when a probe answers.
const HEALTH_PATHS = new Set(["/livez", "/readyz", "/healthz"]);
app.use((req, res, next) => {
  if (databaseOutage().down && !HEALTH_PATHS.has(req.path)) {
    answerUnavailable(req, res);
    return;
  }
  res.locals.startedAt = Date.now();
  next();
});

app.use((req, res, next) => {
  const crossSite = isCrossSiteWrite({
    method: req.method,
    origin: req.get("origin") ?? null,
    // Express reads X-Forwarded-Proto only when TRUST_PROXY trusts the sender.
    protocol: req.protocol,
    host: (trustProxy !== false ? req.get("x-forwarded-host") : undefined) ?? req.get("host") ?? null,
    secFetchSite: req.get("sec-fetch-site") ?? null,
  });
  if (crossSite) {
    // One line per refusal: behind a proxy that drops the port from Host, every browser's form
    // lands here, and this line (the origin against the host seen) is how an operator finds out.
    log().info({ event: "cross-site-refused", method: req.method, origin: req.get("origin") ?? null, host: req.get("host") ?? null, protocol: req.protocol }, "Refused a cross-site write");
    res.status(403).type("text/plain").send("Cross-site form submissions are refused. Please use Casebook's own pages.");
    return;
  }
  next();
});

// A room's burst of votes skips Remix's per-request work (see the module's comment).
app.use(phoneVoteEndpoint());

// Every other body is read here, counting the bytes as they arrive (chunked or not), and handed
// to Remix whole; past the cap the client gets a 413 and the connection is closed unread.
app.use(readBodyWithin(MAX_BODY_BYTES, ({ status, message }, _req, res) => res.status(status).type("text/plain").send(message)));

// The live streams skip Remix too: an open stream keeps only the Node response and its
// connection's few fields, not a web Request, signal and stream (ADR 039).
app.use(workshopEventsEndpoint());

// app.use rather than app.all("*"): a path Express cannot decode still reaches the app's own 404.
app.use(
  createRequestHandler({
    build,
    mode: config.production ? "production" : "development",
    // The client's address (behind TRUST_PROXY, the forwarded one) for rate limits.
    getLoadContext: (req) => ({ clientIp: req.ip ?? "unknown" }),
    // A page whose queries failed because the database went away is the outage's 503, not a 500.
    unavailable: { lostSince: (time) => databaseOutage().lostSince(time), answer: answerUnavailable },
  }),
);

// An error that reached Express because the database went away during the request is the
// outage's 503; any other goes on to Express's own handler (its status, e.g. 400 for a bad path).
app.use(((error, req, res, next) => {
  if (!res.headersSent && (isConnectionLoss(error) || databaseOutage().lostSince(Number(res.locals.startedAt ?? Date.now())))) {
    answerUnavailable(req, res);
    return;
  }
  next(error);
}) as express.ErrorRequestHandler);

// Any other error: one log line with the request's id, and the status the error names (400 for a
// path Express cannot decode) or 500, with no details for the client. Replaces Express's own
// final handler, which printed a bare stack trace.
app.use(((error, req, res, _next) => {
  const named = Number((error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode);
  const status = Number.isInteger(named) && named >= 400 && named < 600 ? named : 500;
  const fields = { event: "request-failed", method: req.method, status, ...errorFields(error) };
  if (status >= 500) log().error(fields, "A request failed");
  else log().info(fields, "A request was refused");
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res
    .status(status)
    .type("text/plain")
    .set("Cache-Control", "no-store")
    .send(STATUS_CODES[status] ?? "Error");
}) as express.ErrorRequestHandler);

const host = config.host;
const server = app.listen(config.port, host, () => {
  log().info({ event: "serving", port: config.port }, `Casebook is serving on http://${host === "0.0.0.0" ? "localhost" : host}:${config.port}`);
});

// Idle keep-alive connections stay open longer than a proxy's or client's own idle timeout
// (nginx's upstream keepalive_timeout is 60 s): with Node's 5 s default, a client reusing a
// connection at the moment the server closed it got a reset, and its request was lost. Headers
// may take as long (Node requires headersTimeout above keepAliveTimeout).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
const drainer = drainable(server);

/** Most time a shutdown waits for requests in flight before exiting anyway (ms). */
const SHUTDOWN_BACKSTOP_MS = 10_000;

// Stop accepting, end the live streams (they would hold their connections open for ever), answer
// every request already sent, then close the database and exit (ADR 019, app/platform/http-drain.server.ts).
async function shutdown(signal: string): Promise<void> {
  if (drainer.draining) return;
  log().info({ event: "draining", signal }, `${signal}: no new connections; live clients told to reconnect; finishing requests in flight.`);
  setTimeout(() => {
    log().warn({ event: "drain-backstop" }, `Requests still in flight after ${SHUTDOWN_BACKSTOP_MS / 1000} s; stopping anyway.`);
    process.exit(0);
  }, SHUTDOWN_BACKSTOP_MS).unref();
  const drained = drainer.drain();
  await runShutdownHooks("drain");
  await drained;
  await runShutdownHooks("after-requests");
  await Promise.allSettled([db().destroy(), liveBus().close()]);
  log().info({ event: "stopped" }, "Every request answered; stopped.");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
