/**
 * `npm run test:scale`: Casebook as several app servers on one PostgreSQL database and one Redis.
 *  1. Three processes run one live workshop: the facilitator on process 1, phones on 2 and 3.
 *     Every phone and the projector see every stage; process 2 is killed (-9) in the middle of a
 *     vote burst, its phones reconnect to process 3, resync, and every acknowledged vote is stored
 *     exactly once.
 *  2. `db:copy` from a seeded SQLite file gives identical results pages on both databases.
 * Each run makes its own database (casebook_scale_<random>) and Redis prefix, and removes them.
 * Without PostgreSQL or Redis it prints one line and skips, unless CASEBOOK_REQUIRE_SERVICES=1.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPostgresDatabase } from "../integration/test-database";
import {
  advanceTo,
  ballotFields,
  createWorkshop,
  emergencyCleanup,
  ensureBuild,
  Http,
  joinWorkshop,
  makeWorkspace,
  runScript,
  Server,
  signUp,
  sleep,
  vote,
  VOTE_ACK,
  voteValues,
} from "../reliability/harness";
import { REDIS_URL, servicesMissing } from "./services";
import { followStates } from "../support/sse";

const require = process.env.CASEBOOK_REQUIRE_SERVICES === "1";

let passed = 0;
let failed = 0;
function check(condition: boolean, message: string): void {
  if (condition) {
    passed += 1;
    console.log(`  ✓ ${message}`);
  } else {
    failed += 1;
    console.log(`  ✗ ${message}`);
  }
}

interface Stream {
  states: { stage: string; answered: Record<string, number>; tallies: { round: number; respondents: number }[] }[];
  last(): Stream["states"][number] | undefined;
  close(): void;
  closed: boolean;
}

/** A Server-Sent Events client that keeps every `state` event. */
function openStream(port: number, path: string, cookie: string): Stream {
  const stream: Stream = {
    states: [],
    last: () => stream.states.at(-1),
    close: () => req.destroy(),
    closed: false,
  };
  const req = followStates<Stream["states"][number]>(
    { port, path, cookie },
    (state) => stream.states.push(state),
    () => (stream.closed = true),
  );
  return stream;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(25);
  }
  return condition();
}

async function threeProcesses(databaseUrl: string, redisPrefix: string): Promise<void> {
  console.log("Three processes, one workshop");
  const workspace = makeWorkspace("scale");
  const env = { DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: redisPrefix };
  const servers = [1, 2, 3].map(() => new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env }));
  const streams: Stream[] = [];
  const clients: Http[] = [];
  try {
    for (const server of servers) await server.start();
    const [one, two, three] = servers.map((s) => new Http(s.port)) as [Http, Http, Http];
    clients.push(one, two, three);
    const session = await signUp(one, `facilitator-${randomBytes(4).toString("hex")}@casebook.test`, "Facilitator");
    const workshop = await createWorkshop(one, session);
    const projector = openStream(servers[0]!.port, `/workshops/${workshop.id}/events?view=room`, session);
    streams.push(projector);

    const phones: { device: string; server: number; stream: Stream; acked: boolean }[] = [];
    for (let i = 0; i < 24; i += 1) {
      const server = i % 2 === 0 ? 1 : 2;
      const device = await joinWorkshop([one, two, three][server]!, workshop.code, `Phone ${i}`);
      const stream = openStream(servers[server]!.port, `/workshops/${workshop.id}/events`, device);
      streams.push(stream);
      phones.push({ device, server, stream, acked: false });
    }
    await advanceTo(one, session, workshop.id, 5);
    const followed = await until(() => phones.every((p) => p.stream.last()?.stage === "vote-1") && projector.last()?.stage === "vote-1", 5000);
    check(followed, "every phone on processes 2 and 3, and the projector on 1, followed the facilitator to the vote");

    // The burst: half the phones vote, process 2 dies, the rest vote; lost phones move to process 3.
    const acked = new Map<number, ReturnType<typeof voteValues>>();
    const castOn = async (index: number, client: Http) => {
      const values = voteValues(index, 0);
      const reply = await vote(client, workshop.code, phones[index]!.device, values, 5000).catch(() => null);
      if (reply?.status === 200 && reply.body.includes(VOTE_ACK)) {
        acked.set(index, values);
        phones[index]!.acked = true;
      }
    };
    await Promise.all(phones.slice(0, 12).map((p, i) => castOn(i, [one, two, three][p.server]!)));
    const killed = servers[1]!.kill9();
    await Promise.all(phones.slice(12).map((p, i) => castOn(i + 12, [one, two, three][p.server]!)));
    await killed;
    const orphans = phones.filter((p) => p.server === 1);
    for (const phone of orphans) {
      phone.stream.close();
      phone.server = 2;
      phone.stream = openStream(servers[2]!.port, `/workshops/${workshop.id}/events`, phone.device);
      streams.push(phone.stream);
    }
    const resynced = await until(() => orphans.every((p) => p.stream.last()?.stage === "vote-1"), 5000);
    check(resynced, "phones of the killed process reconnected to process 3 and resynced to the current stage");
    await Promise.all(phones.map((p, i) => (p.acked ? null : castOn(i, three))));
    check(acked.size === phones.length, `every phone's vote was acknowledged in the end (${acked.size}/${phones.length})`);

    const stored = await withStored(databaseUrl, workshop.id);
    let exact = stored.length === acked.size * 2;
    for (const [index, values] of acked) {
      const rows = stored.filter((r) => r.display_name === `Phone ${index}`);
      exact &&= rows.length === 2 && rows.some((r) => r.perspective === "employee" && r.judgement === Number(values.judgementEmployee));
    }
    check(exact, `every acknowledged vote is stored exactly once (${stored.length} rows for ${acked.size} phones)`);
    const tallied = await until(() => projector.last()?.answered?.["1"] === acked.size, 5000);
    check(tallied, "the projector on process 1 shows every vote cast on processes 2 and 3");

    // Phones do not show the count while they vote; the results stage brings them the final tallies.
    const { status } = await one.request("POST", `/workshops/${workshop.id}`, { cookie: session, form: new URLSearchParams({ intent: "next" }) });
    const results = await until(
      () =>
        phones.every(
          (p) =>
            p.stream.last()?.stage === "results-1" &&
            p.stream
              .last()!
              .tallies.filter((t) => t.round === 1)
              .every((t) => t.respondents === acked.size),
        ),
      5000,
    );
    check(status === 200 && results, "the results stage, set on process 1, reached every phone (now on process 3) with the final tallies");
  } finally {
    for (const stream of streams) stream.close();
    for (const client of clients) client.close();
    for (const server of servers) await server.stop();
    workspace.remove();
  }
}

async function withStored(databaseUrl: string, workshopId: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      `select p.display_name, v.perspective, v.judgement from workshop_votes v join workshop_participants p on p.id = v.participant_id where v.workshop_id = $1 and v.round = 1`,
      [workshopId],
    );
    return result.rows as { display_name: string; perspective: string; judgement: number }[];
  } finally {
    await client.end();
  }
}

async function copiedResultsMatch(databaseUrl: string): Promise<void> {
  console.log("db:copy from SQLite gives the same results page");
  const workspace = makeWorkspace("copy");
  const sqliteServer = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir });
  const clients: Http[] = [];
  try {
    await sqliteServer.start();
    const client = new Http(sqliteServer.port);
    clients.push(client);
    const admin = await signUp(client, "copy-admin@casebook.test", "Copy Admin");
    const standings = ["frontline", "frontline", "frontline", "frontline", "frontline", "manager", "manager", "manager", "manager", "manager", "hr"];
    for (const [i, standing] of standings.entries()) {
      const session = await signUp(client, `copy-${i}@casebook.test`, `Person ${i}`);
      await client.request("POST", "/me", { cookie: session, form: new URLSearchParams({ intent: "profile", displayName: `Person ${i}`, standing }) });
      for (const perspective of ["employee", "employer"]) {
        await client.request("POST", "/cases/background-check", {
          cookie: session,
          form: new URLSearchParams({ intent: "position", perspective, ...ballotFields(perspective, i % 3), judgement: String((i % 7) - 3), legal: "unsure", confidence: "medium" }),
        });
      }
    }
    await client.request("POST", "/cases/background-check", {
      cookie: admin,
      form: new URLSearchParams({ intent: "position", perspective: "employee", ...ballotFields("employee", 1), judgement: "2", legal: "yes", confidence: "high" }),
    });
    await client.request("POST", "/cases/background-check", {
      cookie: admin,
      form: new URLSearchParams({ intent: "position", perspective: "employer", ...ballotFields("employer", 2), judgement: "-2", legal: "no", confidence: "high" }),
    });
    const sqlitePage = await client.request("GET", "/cases/background-check/results.data", { cookie: admin });
    await sqliteServer.stop();

    const copy = await runScript("db:copy", ["--from", workspace.databasePath, "--to", databaseUrl], {}, 60_000);
    check(copy.status === 0 && copy.stdout.includes("Copied and verified"), `db:copy copied and verified every table${copy.status === 0 ? "" : `: ${copy.stderr.slice(-300)}`}`);

    const pgServer = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { DATABASE_URL: databaseUrl } });
    await pgServer.start();
    const pgClient = new Http(pgServer.port);
    clients.push(pgClient);
    const login = await pgClient.request("POST", "/login", { form: new URLSearchParams({ email: "copy-admin@casebook.test", password: "reliability-password-1" }) });
    const session = (login.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => c?.startsWith("casebook_session=")) ?? "";
    if (!session)
      console.log(
        `    sign-in on PostgreSQL answered ${login.status}: ${login.body
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .slice(0, 300)}`,
      );
    const pgPage = await pgClient.request("GET", "/cases/background-check/results.data", { cookie: session });
    await pgServer.stop();
    if (sqlitePage.body !== pgPage.body) {
      const at = [...sqlitePage.body].findIndex((c, i) => c !== pgPage.body[i]);
      console.log(`    first difference at ${at}:\n    SQLite:     ${sqlitePage.body.slice(Math.max(0, at - 80), at + 80)}\n    PostgreSQL: ${pgPage.body.slice(Math.max(0, at - 80), at + 80)}`);
    }
    check(sqlitePage.status === 200 && pgPage.status === 200 && sqlitePage.body === pgPage.body, "the results page's data is identical on SQLite and on PostgreSQL");
  } finally {
    for (const client of clients) client.close();
    await sqliteServer.stop();
    workspace.remove();
  }
}

async function main(): Promise<number> {
  const missing = await servicesMissing();
  if (missing) {
    const line = `test:scale: skipped, cannot reach ${missing}.`;
    if (require) {
      console.error(`${line} CASEBOOK_REQUIRE_SERVICES=1 makes this a failure.`);
      return 1;
    }
    console.log(line);
    return 0;
  }
  ensureBuild();
  const redisPrefix = `casebook_scale_${randomBytes(4).toString("hex")}:`;
  const live = await createPostgresDatabase("scale");
  const copy = await createPostgresDatabase("scale");
  const started = Date.now();
  try {
    await threeProcesses(live.url, redisPrefix);
    await copiedResultsMatch(copy.url);
  } catch (error) {
    failed += 1;
    console.error(`  ✗ ${(error as Error).stack ?? error}`);
  } finally {
    await live.drop().catch((e) => console.error(`Could not drop ${live.name}: ${(e as Error).message}`));
    await copy.drop().catch((e) => console.error(`Could not drop ${copy.name}: ${(e as Error).message}`));
    emergencyCleanup();
  }
  console.log(`test:scale finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
