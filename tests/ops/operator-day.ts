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
 *  - `long-outage`: PostgreSQL away for 20 s under steady requests is one line when it starts and
 *    one when it ends, not more.
 *
 * Prints "N passed, M failed"; exits 1 on any failure. Skips without PostgreSQL's server
 * binaries (or redis-server for `metrics`), unless CASEBOOK_REQUIRE_SERVICES=1.
 */
import { postgresBinaries, PrivatePostgres } from "../support/private-postgres";
import { redisServerAvailable, startPrivateRedis } from "../support/private-redis";
import { emergencyCleanup, ensureBuild, Http, makeWorkspace, Server, sleep } from "../reliability/harness";

const required = process.env.CASEBOOK_REQUIRE_SERVICES === "1";
let passed = 0;
let failed = 0;
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
function check(condition: boolean, message: string): void {
  if (condition) passed += 1;
  else failed += 1;
  console.log(`  ${clock()}  ${condition ? "✓" : "✗"} ${message}`);
}
const say = (message: string) => console.log(`  ${clock()}  ${message}`);

/** Polls `condition` every 100 ms; the milliseconds it took, or null after `timeoutMs`. */
async function within(timeoutMs: number, condition: () => Promise<boolean> | boolean): Promise<number | null> {
  const from = Date.now();
  for (;;) {
    if (await Promise.resolve(condition()).catch(() => false)) return Date.now() - from;
    if (Date.now() - from > timeoutMs) return null;
    await sleep(100);
  }
}

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
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { DATABASE_URL: cluster.url, REDIS_URL: redis.url, REDIS_PREFIX: "casebook-opsday:" }, entry: "built" });
  cleanups.push(() => server.stop(3_000));
  await server.start(60_000);
  const client = new Http(server.port);
  cleanups.push(() => client.close());
  const gauge = async (name: string): Promise<string> => {
    const reply = await client.request("GET", "/metrics", { timeoutMs: 3_000 }).catch((e: Error) => e);
    if (reply instanceof Error) return reply.message;
    if (reply.status !== 200) return `status ${reply.status}`;
    return new RegExp(`^${name} (\\S+)$`, "m").exec(reply.body)?.[1] ?? "absent";
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
}

/** A 20 s PostgreSQL outage under steady requests: one line when it starts, one when it ends. */
async function longOutage(cleanups: Cleanups): Promise<void> {
  const cluster = await PrivatePostgres.create();
  cleanups.push(() => cluster.remove());
  const workspace = makeWorkspace("ops-long");
  cleanups.push(() => workspace.remove());
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { DATABASE_URL: cluster.url, SESSION_SECRET: "a-long-enough-session-secret-for-tests" }, entry: "built" });
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
  say("long-outage: PostgreSQL stopped -m immediate for 20 s");
  await sleep(20_000);
  cluster.start();
  await within(10_000, async () => (await status(client, "/readyz", 2_000)) === "200");
  await sleep(1_000);
  running = false;
  await load;
  const written = server.log.slice(linesBefore);
  check(events(server, "database-outage").length === 1 && events(server, "database-recovered").length === 1, `long-outage: one database-outage and one database-recovered line (${events(server, "database-outage").length}, ${events(server, "database-recovered").length})`);
  check(written.length <= 4, `long-outage: a few lines over the whole outage, not one per request or per probe (${written.length}: ${written.slice(0, 4).join(" | ").slice(0, 400)})`);
}

const SCENARIOS: Record<string, (cleanups: Cleanups) => Promise<void>> = { secret, metrics, "long-outage": longOutage };

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
      failed += 1;
      console.log(`  ${clock()}  ✗ ${name} stopped: ${(error as Error).stack ?? error}`);
    } finally {
      for (const cleanup of cleanups.reverse()) await Promise.race([Promise.resolve().then(cleanup).catch(() => {}), sleep(10_000)]);
    }
  }
  emergencyCleanup();
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exit(await main());
