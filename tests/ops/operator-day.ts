/**
 * `tsx tests/ops/operator-day.ts [scenario…]`: operator faults beyond `npm run test:ops`'s
 * scenario, each on a private PostgreSQL cluster (and Redis where needed) with `node
 * build/server.js`, as the README's systemd unit runs it. Scenarios (all by default):
 *
 *  - `secret`: a process without SESSION_SECRET (the README's env file lists it, but the app
 *    makes one and keeps it in the database when it is unset) whose first page is asked for while
 *    PostgreSQL hangs must serve pages again once PostgreSQL answers. Before the fix, the failed
 *    read of the stored secret was kept for the life of the process: every page after the
 *    outage was a 500, and nothing was logged (connection losses are not logged per request).
 *  - `metrics`: during a PostgreSQL outage /metrics is served with casebook_database_up 0, and
 *    1 again after; during a Redis outage casebook_redis_up is 0, and 1 after.
 *  - `cold-start`: two processes started while PostgreSQL *and* Redis are down: they wait for
 *    PostgreSQL, serve, and a stage change made on one reaches the other's projector stream
 *    within 5 s while Redis is still away, and again once Redis is back. Each process logs the
 *    wait for PostgreSQL in one line (it logged two, one promising 503s while nothing was served).
 *  - `hung-start`: a process started while PostgreSQL hangs (SIGSTOP: connections are accepted
 *    by the kernel, nothing answers) says so in one line and serves within 10 s of it answering.
 *  - `redis-flap`: Redis restarted at once (empty: no persistence) five times, a stage change made
 *    on process 1 just before, during or just after each restart: process 2's projector stream
 *    follows within 5 s every time.
 *  - `deploy`: three processes behind the README's nginx, phones voting and holding live streams
 *    through it: nginx reloaded (SIGHUP) under the streams (old workers must not keep them for
 *    ever: the README's worker_shutdown_timeout), then SIGTERM to two processes 300 ms
 *    apart (a careless deploy, not drained at nginx): no vote answered but 200 or a clean 503, both
 *    exit 0 within 10 s, the streams come back, 0 acknowledged votes lost.
 *  - `bad-url`: a DATABASE_URL PostgreSQL refuses (a role that does not exist) stops start-up with
 *    one plain line on stderr naming the problem, not an uncaught exception's stack trace.
 *  - `long-outage`: PostgreSQL away for 10 s (20 probes) under steady requests is one line when it starts and
 *    one when it ends, not more, and neither carries a request's id (the recovery line carried
 *    the id of the request that noticed the outage, seconds earlier).
 *
 * Prints "N passed, M failed"; exits 1 on any failure. Skips without PostgreSQL's server
 * binaries (or redis-server for `metrics`), unless CASEBOOK_REQUIRE_SERVICES=1.
 */
import pg from "pg";
import { postgresBinaries, PrivatePostgres } from "../support/private-postgres";
import { redisServerAvailable, startPrivateRedis } from "../support/private-redis";
import { spawnSync } from "node:child_process";
import {
  advanceTo,
  control,
  createWorkshop,
  emergencyCleanup,
  ensureBuild,
  Http,
  joinWorkshop,
  makeWorkspace,
  Server,
  signUp,
  sleep,
  vote,
  VOTE_ACK,
  voteValues,
  type VoteValues,
} from "../reliability/harness";
import { startPrivateNginx } from "../support/private-nginx";
import { isCleanUnavailable } from "../support/replies";
import { stateEvents } from "../support/sse";
import { check, required, runCleanups, say, summary, within } from "./report";

async function status(client: Http, path: string, timeoutMs = 15_000): Promise<string> {
  const reply = await client.request("GET", path, { timeoutMs, headers: { Accept: "text/html" } }).catch((e: Error) => e);
  return reply instanceof Error ? reply.message : String(reply.status);
}

/** The JSON log lines a server wrote with this `event`. */
function events(server: Server, event: string): string[] {
  return server.log.filter((line) => line.includes(`"event":"${event}"`));
}

type Cleanups = (() => unknown)[];

/** A process with no SESSION_SECRET whose first page meets a hung PostgreSQL serves again after it. */
async function secret(cleanups: Cleanups): Promise<void> {
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const workspace = makeWorkspace("ops-secret");
  cleanups.push(() => workspace.remove());
  // No SESSION_SECRET: the app generates one and keeps it in the database (app_settings).
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { DATABASE_URL: cluster.url, DATABASE_QUERY_TIMEOUT_MS: "1000" }, entry: "built" });
  cleanups.push(() => server.stop(3_000));
  await server.start(60_000);
  const client = new Http(server.port);
  cleanups.push(() => client.close());

  say("secret: PostgreSQL frozen (SIGSTOP) before any page was asked for");
  cluster.freeze();
  const during = await status(client, "/");
  check(during === "503", `secret: the first page while PostgreSQL hangs is answered 503 (${during})`);
  cluster.thaw();
  say("secret: PostgreSQL thawed");
  const ready = await within(15_000, async () => (await status(client, "/readyz", 2_000)) === "200");
  check(ready !== null, `secret: /readyz is 200 again (${ready ?? "never"} ms)`);
  let last = "";
  const served = await within(5_000, async () => (last = await status(client, "/")) === "200");
  check(served !== null, `secret: the library page is served again once PostgreSQL answers (last answer ${last})`);
  const login = await status(client, "/login");
  check(login === "200", `secret: the sign-in page is served again (${login})`);
}

/** /metrics during a PostgreSQL and a Redis outage. */
async function metrics(cleanups: Cleanups): Promise<void> {
  if (!redisServerAvailable()) return void check(!required, "metrics: redis-server is installed");
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.stop());
  const workspace = makeWorkspace("ops-metrics");
  cleanups.push(() => workspace.remove());
  const server = new Server({
    databasePath: workspace.databasePath,
    casesDir: workspace.casesDir,
    env: { DATABASE_URL: cluster.url, REDIS_URL: redis.url, REDIS_PREFIX: "casebook-opsday:" },
    entry: "built",
  });
  cleanups.push(() => server.stop(3_000));
  await server.start(60_000);
  const client = new Http(server.port);
  cleanups.push(() => client.close());
  const gauge = async (name: string): Promise<string> => {
    const reply = await client.request("GET", "/metrics", { timeoutMs: 3_000 }).catch((e: Error) => e);
    if (reply instanceof Error) return reply.message;
    if (reply.status !== 200) return `status ${reply.status}`;
    return new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(reply.body)?.[1] ?? "absent";
  };
  // Something that touches the bus, so its Redis connections exist.
  await status(client, "/");
  check((await gauge("casebook_database_up")) === "1", "metrics: casebook_database_up is 1 while PostgreSQL answers");
  cluster.stop("fast");
  await status(client, "/");
  let seen = "";
  check((await within(3_000, async () => (seen = await gauge("casebook_database_up")) === "0")) !== null, `metrics: /metrics is served with casebook_database_up 0 while PostgreSQL is down (${seen})`);
  cluster.start();
  check((await within(5_000, async () => (seen = await gauge("casebook_database_up")) === "1")) !== null, `metrics: casebook_database_up is 1 again after (${seen})`);
  seen = await gauge("casebook_redis_up");
  check(seen === "1", `metrics: casebook_redis_up is 1 while Redis answers (${seen})`);
  await redis.kill();
  check((await within(4_000, async () => (seen = await gauge("casebook_redis_up")) === "0")) !== null, `metrics: casebook_redis_up is 0 while Redis is down (${seen})`);
  await redis.restart();
  check((await within(5_000, async () => (seen = await gauge("casebook_redis_up")) === "1")) !== null, `metrics: casebook_redis_up is 1 again after (${seen})`);
  // Found by the probe's timer or a connection's event, long after the request that set them up.
  const attributed = ["redis-outage", "redis-recovered", "database-outage", "database-recovered"].flatMap((event) => events(server, event)).filter((line) => line.includes('"reqId"'));
  check(attributed.length === 0, `metrics: outage lines carry no request's id (${attributed.length} did: ${attributed.join(" | ").slice(0, 300)})`);
}

/** The stage of the last `state` event of a room stream held open on one process. */
function roomStage(client: Http, path: string, cookie: string): { stage: () => string | null; ready: Promise<unknown> } {
  let stage: string | null = null;
  const ready = client.stream(
    path,
    cookie,
    stateEvents<{ stage: string }>((state) => (stage = state.stage)),
  );
  return { stage: () => stage, ready };
}

/** PostgreSQL and Redis both down when two processes start; live views across processes follow anyway. */
async function coldStart(cleanups: Cleanups): Promise<void> {
  if (!redisServerAvailable()) return void check(!required, "cold-start: redis-server is installed");
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.stop());
  const workspace = makeWorkspace("ops-cold");
  cleanups.push(() => workspace.remove());
  const env = { DATABASE_URL: cluster.url, REDIS_URL: redis.url, REDIS_PREFIX: "casebook-opsday:", SESSION_SECRET: "a-long-enough-session-secret-for-tests" };
  const servers = [0, 1].map(() => new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env, entry: "built" }));
  cleanups.push(() => Promise.all(servers.map((s) => s.stop(3_000))));
  cluster.stop("fast");
  await redis.kill();
  say("cold-start: PostgreSQL and Redis down; starting two processes");
  const starting = Promise.all(servers.map((s) => s.start(90_000)));
  // Until each has found PostgreSQL away (node's start-up takes a few seconds on a busy machine), and 3 s more.
  await within(30_000, () => servers.every((s) => events(s, "database-outage").length > 0));
  await sleep(3_000);
  check(
    servers.every((s) => s.running),
    "cold-start: both processes wait instead of exiting",
  );
  cluster.start();
  await starting;
  say("cold-start: both serving, Redis still down");
  const waits = servers.map((s) => events(s, "database-outage").length);
  check(
    waits.every((n) => n === 1),
    `cold-start: each process logged the wait for PostgreSQL in one line (${waits.join(", ")}: ${events(servers[0]!, "database-outage").join(" | ").slice(0, 400)})`,
  );
  const [a, b] = servers.map((s) => new Http(s.port, { maxSockets: Infinity })) as [Http, Http];
  cleanups.push(() => (a.close(), b.close()));
  const session = (await signUp(a, "facilitator@cold.test", "Facilitator")).replace(/^__Host-/, "");
  const workshop = await createWorkshop(a, session);
  const truth = async () => {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      return (await client.query<{ stage: string }>("select stage from workshops where id = $1", [workshop.id])).rows[0]!.stage;
    } finally {
      await client.end();
    }
  };
  const view = roomStage(b, `/workshops/${workshop.id}/events?view=room`, session);
  await view.ready;
  const follows = async (label: string) => {
    const expected = await truth();
    const took = await within(5_000, () => view.stage() === expected);
    check(took !== null, `cold-start: ${label}: process 2's projector stream shows the stage changed on process 1 (${expected}) within 5 s (${took ?? `still ${view.stage()}`} ms)`);
  };
  await advanceTo(a, session, workshop.id, 1);
  await follows("Redis never up yet");
  await redis.restart();
  say("cold-start: Redis started");
  await sleep(3_000);
  await advanceTo(a, session, workshop.id, 1);
  await follows("Redis up after the processes");
  const ready = await b.request("GET", "/readyz", { timeoutMs: 3_000 });
  check(ready.status === 200 && ready.body.includes('"ok"'), `cold-start: process 2's /readyz is ok with Redis up (${ready.status} ${ready.body})`);
  const stopped = await control(a, session, workshop.id, "back");
  check(stopped.status === 200, `cold-start: a control works (${stopped.status})`);
  await follows("after going back a stage");
}

/** A process started while PostgreSQL hangs. */
async function hungStart(cleanups: Cleanups): Promise<void> {
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const workspace = makeWorkspace("ops-hung-start");
  cleanups.push(() => workspace.remove());
  const server = new Server({
    databasePath: workspace.databasePath,
    casesDir: workspace.casesDir,
    env: { DATABASE_URL: cluster.url, SESSION_SECRET: "a-long-enough-session-secret-for-tests" },
    entry: "built",
  });
  cleanups.push(() => server.stop(3_000));
  cluster.freeze();
  say("hung-start: PostgreSQL frozen; starting a process");
  const starting = server.start(120_000).then(
    () => Date.now(),
    (error: Error) => error,
  );
  const said = await within(30_000, () => events(server, "database-outage").length > 0);
  check(said !== null && server.running, `hung-start: the process says it is waiting for the database (${said ?? "nothing"} ms after start; ${server.tail(3).slice(0, 300)})`);
  await sleep(8_000);
  check(events(server, "database-outage").length === 1, `hung-start: one line while it waits (${events(server, "database-outage").length})`);
  const thawedAt = Date.now();
  cluster.thaw();
  say("hung-start: PostgreSQL thawed");
  const result = await Promise.race([starting, sleep(30_000).then(() => new Error("not serving 30 s after PostgreSQL answered"))]);
  check(
    typeof result === "number" && result - thawedAt < 10_000,
    `hung-start: serving within 10 s of PostgreSQL answering (${typeof result === "number" ? `${result - thawedAt} ms` : result.message}; ${server.tail(4).slice(0, 400)})`,
  );
}

/** Redis restarted at once (its data lost) while stage changes are made on another process. */
async function redisFlap(cleanups: Cleanups): Promise<void> {
  if (!redisServerAvailable()) return void check(!required, "redis-flap: redis-server is installed");
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.stop());
  const workspace = makeWorkspace("ops-flap");
  cleanups.push(() => workspace.remove());
  const env = { DATABASE_URL: cluster.url, REDIS_URL: redis.url, REDIS_PREFIX: "casebook-opsday:", SESSION_SECRET: "a-long-enough-session-secret-for-tests" };
  const servers = [0, 1].map(() => new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env, entry: "built" }));
  cleanups.push(() => Promise.all(servers.map((s) => s.stop(3_000))));
  await Promise.all(servers.map((s) => s.start(90_000)));
  const [a, b] = servers.map((s) => new Http(s.port, { maxSockets: Infinity })) as [Http, Http];
  cleanups.push(() => (a.close(), b.close()));
  const session = (await signUp(a, "facilitator@flap.test", "Facilitator")).replace(/^__Host-/, "");
  const workshop = await createWorkshop(a, session);
  const view = roomStage(b, `/workshops/${workshop.id}/events?view=room`, session);
  await view.ready;
  const database = new pg.Pool({ connectionString: cluster.url, max: 1 });
  cleanups.push(() => database.end());
  const truth = async () => (await database.query<{ stage: string }>("select stage from workshops where id = $1", [workshop.id])).rows[0]!.stage;
  const timings: [string, number][] = [
    ["just before the restart", -50],
    ["as Redis dies", 0],
    ["while it starts", 30],
    ["just after", 150],
    ["as Redis dies", 0],
  ];
  let forward = true;
  for (const [when, offsetMs] of timings) {
    const change = async () => {
      if (offsetMs > 0) await sleep(offsetMs);
      await control(a, session, workshop.id, forward ? "next" : "back");
    };
    const restart = async () => {
      if (offsetMs < 0) await sleep(-offsetMs);
      await redis.kill();
      await redis.restart();
    };
    await Promise.all([change(), restart()]);
    forward = !forward;
    const expected = await truth();
    const took = await within(5_000, () => view.stage() === expected);
    check(took !== null, `redis-flap: a stage change on process 1 ${when} reaches process 2's projector within 5 s (${expected}; ${took ?? `still ${view.stage()}`} ms)`);
    await sleep(2_500);
  }
}

/** nginx's worker processes under its master (found by its configuration file): running and shutting down. */
function nginxWorkers(configPath: string): { running: number; shuttingDown: number } {
  const master = spawnSync("pgrep", ["-f", "-o", configPath], { encoding: "utf8" }).stdout.trim();
  const children = spawnSync("pgrep", ["-a", "-P", master], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  return { running: children.filter((c) => /worker process$/.test(c)).length, shuttingDown: children.filter((c) => /shutting down/.test(c)).length };
}

/** A careless deploy behind nginx: reload under live streams, two processes SIGTERMed in quick succession. */
async function deploy(cleanups: Cleanups): Promise<void> {
  if (!redisServerAvailable()) return void check(!required, "deploy: redis-server is installed");
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.stop());
  const workspace = makeWorkspace("ops-deploy");
  cleanups.push(() => workspace.remove());
  const env = { DATABASE_URL: cluster.url, REDIS_URL: redis.url, REDIS_PREFIX: "casebook-opsday:", SESSION_SECRET: "a-long-enough-session-secret-for-tests", TRUST_PROXY: "1", HOST: "127.0.0.1" };
  const servers = [0, 1, 2].map(() => new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env, entry: "built" }));
  cleanups.push(() => Promise.all(servers.map((s) => s.stop(3_000))));
  await Promise.all(servers.map((s) => s.start(90_000)));
  const nginx = await startPrivateNginx(
    servers.map((s) => s.port),
    say,
  );
  if (!nginx) return void check(!required, "deploy: nginx is installed or can be fetched");
  cleanups.push(() => nginx.stop());
  const proxy = new Http(nginx.port, { tls: true, maxSockets: Infinity });
  cleanups.push(() => proxy.close());
  const session = await signUp(proxy, "facilitator@deploy.test", "Facilitator");
  const workshop = await createWorkshop(proxy, session);
  const PHONES = 10;
  const devices: string[] = [];
  for (let i = 0; i < PHONES; i += 1) devices.push(await joinWorkshop(proxy, workshop.code, `Phone ${i}`));
  await advanceTo(proxy, session, workshop.id, 5);

  // Each phone holds its live stream through nginx, reopening it 300 ms after it ends (as a page does).
  let running = true;
  const streamStarts = devices.map(() => 0);
  const openStreams = new Set<import("node:http").ClientRequest>();
  const holdStream = async (i: number) => {
    while (running) {
      await new Promise<void>((done) => {
        proxy
          .stream(`/workshops/${workshop.id}/events`, devices[i]!, () => {})
          .then((req) => {
            streamStarts[i] += 1;
            openStreams.add(req);
            req.on("close", () => (openStreams.delete(req), done()));
          })
          .catch(() => done());
      });
      await sleep(300);
    }
  };
  const streams = devices.map((_, i) => holdStream(i));
  const faults: string[] = [];
  let sigtermAt = Infinity;
  const attempts: { values: VoteValues; acked: boolean }[][] = devices.map(() => []);
  let k = 0;
  const voter = async (i: number) => {
    await sleep(i * 200);
    while (running) {
      const values = voteValues(i, (k += 1));
      const attempt = { values, acked: false };
      attempts[i]!.push(attempt);
      const reply = await vote(proxy, workshop.code, devices[i]!, values, 15_000).catch((e: Error) => e);
      if (reply instanceof Error) faults.push(`no answer at ${((Date.now() - sigtermAt) / 1000).toFixed(1)} s after the first SIGTERM (${reply.message})`);
      else if (reply.status === 200 && reply.body.includes(VOTE_ACK)) attempt.acked = true;
      else if (!isCleanUnavailable(reply)) faults.push(`${reply.status} ${reply.body.slice(0, 100).replace(/\s+/g, " ")}`);
      await sleep(2_200);
    }
  };
  const voters = devices.map((_, i) => voter(i));
  await sleep(3_000);

  // nginx reloaded while every phone holds a stream: its old worker keeps them.
  const before = nginxWorkers(nginx.configPath);
  const opensBeforeReload = streamStarts.slice();
  await nginx.setUpstreams(servers.map((s) => ({ port: s.port })));
  let after = nginxWorkers(nginx.configPath);
  const gone = await within(15_000, () => (after = nginxWorkers(nginx.configPath)).shuttingDown === 0);
  check(
    gone !== null,
    `deploy: within 15 s of a reload no old nginx worker is left holding live streams (before: ${before.running} running; after: ${after.running} running, ${after.shuttingDown} shutting down)`,
  );
  await sleep(3_000);
  check(
    streamStarts.every((n, i) => n > opensBeforeReload[i]!),
    `deploy: every stream the old worker cut was opened again through the new one (${opensBeforeReload.join(", ")} → ${streamStarts.join(", ")} opens)`,
  );

  // SIGTERM to two processes 300 ms apart, neither taken out of nginx first.
  const exits = [servers[0]!, servers[1]!].map((server) => new Promise<string>((done) => server.child!.once("exit", (code, signal) => done(String(signal ?? code)))));
  const reopened = streamStarts.slice();
  const sentAt = (sigtermAt = Date.now());
  servers[0]!.child!.kill("SIGTERM");
  await sleep(300);
  servers[1]!.child!.kill("SIGTERM");
  const how = await Promise.all(exits.map((exit) => Promise.race([exit, sleep(15_000).then(() => "still running after 15 s")])));
  check(
    how.every((h) => h === "0"),
    `deploy: both processes exit 0 within 10 s of SIGTERM (${how.join(", ")}; ${Date.now() - sentAt} ms)`,
  );
  await sleep(3_000);
  check(
    streamStarts.reduce((a, b) => a + b, 0) > reopened.reduce((a, b) => a + b, 0),
    `deploy: the streams of the stopped processes reopen through nginx (${reopened.join(", ")} → ${streamStarts.join(", ")} opens)`,
  );
  await Promise.all([servers[0]!, servers[1]!].map((s) => s.start(60_000, { samePort: true })));
  await sleep(3_000);
  running = false;
  await Promise.all(voters);
  for (const req of openStreams) req.destroy();
  await Promise.all(streams);
  check(faults.length === 0, `deploy: every vote answered 200 or 503 with Retry-After (${faults.length}: ${[...new Set(faults)].slice(0, 4).join(" | ")})`);
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ display_name: string; perspective: string; judgement: number }>(
      "select p.display_name, v.perspective, v.judgement from workshop_votes v join workshop_participants p on p.id = v.participant_id where v.workshop_id = $1 and v.round = 1",
      [workshop.id],
    );
    const wrong = attempts.flatMap((list, phone) => {
      const last = list.map((a) => a.acked).lastIndexOf(true);
      if (last < 0) return [];
      const mine = rows.filter((r) => r.display_name === `Phone ${phone}`);
      const employee = mine.find((r) => r.perspective === "employee")?.judgement;
      const employer = mine.find((r) => r.perspective === "employer")?.judgement;
      return list.slice(last).some((a) => a.values.judgementEmployee === employee && a.values.judgementEmployer === employer) ? [] : [`Phone ${phone}`];
    });
    check(wrong.length === 0, `deploy: 0 acknowledged votes lost (${wrong.join(", ") || "none"}; ${attempts.flat().filter((a) => a.acked).length} acknowledged)`);
  } finally {
    await client.end();
  }
}

/** A DATABASE_URL PostgreSQL refuses: one plain line, exit 1. */
async function badUrl(cleanups: Cleanups): Promise<void> {
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const workspace = makeWorkspace("ops-bad-url");
  cleanups.push(() => workspace.remove());
  const url = cluster.url.replace("postgres@", "nosuchrole@");
  const run = spawnSync(process.execPath, ["build/server.js"], {
    encoding: "utf8",
    timeout: 20_000,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: "39917", DATABASE_URL: url, CASES_DIR: workspace.casesDir, REDIS_URL: "" },
  });
  const stderr = run.stderr.trim();
  check(run.status === 1, `bad-url: start-up stops with exit 1 (${run.status ?? run.signal})`);
  check(/^Casebook cannot start: .*role "nosuchrole" does not exist/.test(stderr) && !/\n\s+at /.test(stderr), `bad-url: stderr is one plain line naming the problem (${stderr.slice(0, 300)})`);
}

/** A 10 s PostgreSQL outage (20 probes) under steady requests: one line when it starts, one when it ends. */
async function longOutage(cleanups: Cleanups): Promise<void> {
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const workspace = makeWorkspace("ops-long");
  cleanups.push(() => workspace.remove());
  const server = new Server({
    databasePath: workspace.databasePath,
    casesDir: workspace.casesDir,
    env: { DATABASE_URL: cluster.url, SESSION_SECRET: "a-long-enough-session-secret-for-tests" },
    entry: "built",
  });
  cleanups.push(() => server.stop(3_000));
  await server.start(60_000);
  const client = new Http(server.port);
  cleanups.push(() => client.close());
  const linesBefore = server.log.length;
  let running = true;
  const load = (async () => {
    while (running) {
      await status(client, "/", 5_000);
      await sleep(100);
    }
  })();
  await sleep(1_000);
  cluster.stop("immediate");
  say("long-outage: PostgreSQL stopped -m immediate for 10 s");
  await sleep(10_000);
  cluster.start();
  await within(10_000, async () => (await status(client, "/readyz", 2_000)) === "200");
  await sleep(1_000);
  running = false;
  await load;
  const written = server.log.slice(linesBefore);
  check(
    events(server, "database-outage").length === 1 && events(server, "database-recovered").length === 1,
    `long-outage: one database-outage and one database-recovered line (${events(server, "database-outage").length}, ${events(server, "database-recovered").length})`,
  );
  const attributed = [...events(server, "database-outage"), ...events(server, "database-recovered")].filter((line) => line.includes('"reqId"'));
  check(attributed.length === 0, `long-outage: the outage's lines carry no request's id (they are the process's; ${attributed.length} did: ${attributed.join(" | ").slice(0, 300)})`);
  check(written.length <= 4, `long-outage: a few lines over the whole outage, not one per request or per probe (${written.length}: ${written.slice(0, 4).join(" | ").slice(0, 400)})`);
}

const SCENARIOS: Record<string, (cleanups: Cleanups) => Promise<void>> = {
  secret,
  metrics,
  "cold-start": coldStart,
  "hung-start": hungStart,
  "redis-flap": redisFlap,
  deploy,
  "bad-url": badUrl,
  "long-outage": longOutage,
};

async function main(): Promise<number> {
  if (!postgresBinaries()) {
    console.log(`operator-day: skipped, missing PostgreSQL's server binaries.${required ? " CASEBOOK_REQUIRE_SERVICES=1 makes this a failure." : ""}`);
    return required ? 1 : 0;
  }
  ensureBuild();
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(SCENARIOS);
  for (const name of chosen) {
    const run = SCENARIOS[name];
    if (!run) throw new Error(`No scenario "${name}"; known: ${Object.keys(SCENARIOS).join(", ")}`);
    const cleanups: Cleanups = [];
    try {
      await run(cleanups);
    } catch (error) {
      check(false, `${name} stopped: ${(error as Error).stack ?? error}`);
    } finally {
      await runCleanups(cleanups);
    }
  }
  emergencyCleanup();
  return summary();
}

process.exit(await main());
