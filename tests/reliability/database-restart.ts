/**
 * PostgreSQL restarted under load (issue 18): the app runs on a private PostgreSQL cluster while
 * phones vote and a facilitator reloads the control panel; the cluster is stopped with
 * `pg_ctl stop -m fast` (sessions terminated: "terminating connection due to administrator
 * command"), started again, then stopped with `-m immediate` (no goodbye: crash recovery on start).
 * The app process must never die; while the database is away every request is answered 503 with
 * Retry-After and a plain message (never a stack trace, never a 500 or a dropped connection);
 * started while the database is down, it waits for it;
 * /livez stays 200 and /readyz turns 503; once the database returns the app serves again by
 * itself, and every vote answered 200 is stored.
 * Skips (one line) without PostgreSQL's server binaries, unless CASEBOOK_REQUIRE_SERVICES=1.
 */
import http from "node:http";
import pg from "pg";
import type { ReliabilityTest, TestContext } from "./context";
import { advanceTo, createWorkshop, Http, joinWorkshop, makeWorkspace, Server, signUp, sleep, vote, VOTE_ACK, voteValues, type Reply, type VoteValues } from "./harness";
import { postgresBinaries, PrivatePostgres } from "./private-postgres";

const PHONES = 48;
/**
 * Least time between two votes of one phone (ms): the app allows a device 30 votes a minute
 * ("vote-device" in rate-limit.server.ts), and the load must stay within it whatever the
 * server's speed (a fast server let 5 workers over 16 phones pass it: 429s, not an outage's fault).
 */
const PHONE_VOTE_INTERVAL_MS = 2_100;
const WORKERS = 6;

interface Tally {
  ok: number;
  unavailable: number;
  /** Anything else: a 5xx other than 503+Retry-After, a stack trace, no answer. */
  faults: string[];
}

/** A 503 as the outage must answer it: Retry-After, and a message rather than a stack trace. */
function isCleanUnavailable(reply: Reply): boolean {
  return reply.status === 503 && /^\d+$/.test(String(reply.headers["retry-after"] ?? "")) && !/\n\s+at |Error:|ECONNREFUSED|terminating connection/.test(reply.body);
}

function classify(tally: Tally, label: string, reply: Reply | Error, okWhen: (r: Reply) => boolean): void {
  if (reply instanceof Error) tally.faults.push(`${label}: no answer (${reply.message})`);
  else if (okWhen(reply)) tally.ok += 1;
  else if (isCleanUnavailable(reply)) tally.unavailable += 1;
  else tally.faults.push(`${label}: ${reply.status} ${reply.body.slice(0, 120).replace(/\s+/g, " ")}`);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  return null;
}

export const databaseRestart: ReliabilityTest = {
  name: "PostgreSQL restart: stopped (fast, then immediate) and started under load",
  timeoutMs: 120_000,
  async run(ctx: TestContext) {
    if (!postgresBinaries()) {
      ctx.check(process.env.CASEBOOK_REQUIRE_SERVICES !== "1", "PostgreSQL's server binaries (initdb, pg_ctl) are installed");
      ctx.log("skipped: PostgreSQL's server binaries (initdb, pg_ctl) are not installed");
      ctx.note("skipped", "no initdb/pg_ctl");
      return;
    }
    const cluster = await PrivatePostgres.create();
    ctx.defer(() => cluster.remove());
    ctx.log(`private PostgreSQL on port ${cluster.port}`);
    const ws = makeWorkspace("pg-restart");
    ctx.defer(ws.remove);
    const server = new Server({ databasePath: ws.databasePath, casesDir: ws.casesDir, env: { DATABASE_URL: cluster.url } });
    ctx.defer(() => server.stop(3_000));
    // Started while PostgreSQL is still down: start-up waits for it rather than exiting.
    cluster.stop("fast");
    const starting = server.start(60_000);
    await sleep(3_000);
    ctx.check(server.running, `the app waits for a database that is not up yet instead of exiting:\n${server.tail(5)}`);
    cluster.start();
    await starting;
    let died = "";
    server.child!.once("exit", (code, signal) => (died = `exited (${signal ?? code}):\n${server.tail(15)}`));
    const client = new Http(server.port);
    ctx.defer(() => client.close());

    const session = await signUp(client, "facilitator@pg-restart.test", "Facilitator");
    const workshop = await createWorkshop(client, session);
    const devices: string[] = [];
    for (let i = 0; i < PHONES; i += 1) devices.push(await joinWorkshop(client, workshop.code, `Phone ${i}`));
    await advanceTo(client, session, workshop.id, 5);

    // Load: phones vote (changing their minds), the facilitator reloads the panel.
    const tally: Tally = { ok: 0, unavailable: 0, faults: [] };
    const attempts: { values: VoteValues; acked: boolean }[][] = devices.map(() => []);
    let loading = true;
    let k = 0;
    const lastVoteAt = devices.map(() => 0);
    const worker = async (w: number) => {
      for (let round = 0; loading && !ctx.cancelled; round += 1) {
        if (w === 0) {
          const reply = await client.request("GET", `/workshops/${workshop.id}`, { cookie: session, timeoutMs: 10_000 }).catch((e: Error) => e);
          classify(tally, "control panel", reply, (r) => r.status === 200);
        } else {
          const phone = (w * 7 + round) % PHONES;
          // Reserve the phone's next slot before waiting, so two workers never share one.
          const slot = Math.max(Date.now(), lastVoteAt[phone]! + PHONE_VOTE_INTERVAL_MS);
          lastVoteAt[phone] = slot;
          if (slot > Date.now()) await sleep(slot - Date.now());
          const values = voteValues(phone, (k += 1));
          const attempt = { values, acked: false };
          attempts[phone]!.push(attempt);
          const reply = await vote(client, workshop.code, devices[phone]!, values, 10_000).catch((e: Error) => e);
          attempt.acked = !(reply instanceof Error) && reply.status === 200 && reply.body.includes(VOTE_ACK);
          classify(tally, "vote", reply, (r) => r.status === 200 && r.body.includes(VOTE_ACK));
        }
        await sleep(20);
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    // Live streams too (the projector and two phones), whose updates read the database: they may
    // end during the outage, but must not take the process with them.
    const streams = [session, devices[1]!, devices[2]!].map((cookie, i) =>
      http.get({ host: "127.0.0.1", port: server.port, path: `/workshops/${workshop.id}/events${i === 0 ? "?view=room" : ""}`, headers: { Cookie: cookie, Accept: "text/event-stream" } }, (res) => res.resume()).on("error", () => {}),
    );
    ctx.defer(() => streams.forEach((stream) => stream.destroy()));

    const probe = new Http(server.port);
    ctx.defer(() => probe.close());
    for (const mode of ["fast", "immediate"] as const) {
      await sleep(1_500);
      const okBefore = tally.ok;
      ctx.log(`pg_ctl stop -m ${mode}`);
      cluster.stop(mode);
      await sleep(800);
      // While the database is away: the process lives, pages and votes answer 503 + Retry-After.
      const page = await probe.request("GET", `/workshops/${workshop.id}`, { cookie: session, timeoutMs: 10_000 }).catch((e: Error) => e);
      const phoneVote = await vote(probe, workshop.code, devices[0]!, voteValues(0, 999), 10_000).catch((e: Error) => e);
      const live = await probe.request("GET", "/livez", { timeoutMs: 3_000 }).catch((e: Error) => e);
      const ready = await probe.request("GET", "/readyz", { timeoutMs: 3_000 }).catch((e: Error) => e);
      ctx.check(!died, `the app process survived "pg_ctl stop -m ${mode}" ${died}`);
      ctx.check(!(page instanceof Error) && isCleanUnavailable(page), `while PostgreSQL is down (${mode}), a page answers 503 with Retry-After and a message (${page instanceof Error ? page.message : `${page.status} retry-after=${page.headers["retry-after"]} ${page.body.slice(0, 200)}`})`);
      ctx.check(!(phoneVote instanceof Error) && isCleanUnavailable(phoneVote), `while PostgreSQL is down (${mode}), a phone's vote answers 503 with Retry-After (${phoneVote instanceof Error ? phoneVote.message : `${phoneVote.status} ${phoneVote.body.slice(0, 200)}`})`);
      ctx.check(!(live instanceof Error) && live.status === 200, `/livez answers 200 while the database is down (${live instanceof Error ? live.message : live.status})`);
      ctx.check(!(ready instanceof Error) && ready.status === 503, `/readyz answers 503 while the database is down (${ready instanceof Error ? ready.message : ready.status})`);
      ctx.log(`pg_ctl start`);
      cluster.start();
      const recoveredIn = await waitFor(async () => {
        const reply = await probe.request("GET", `/workshops/${workshop.id}`, { cookie: session, timeoutMs: 3_000 });
        return reply.status === 200;
      }, 15_000);
      ctx.check(recoveredIn !== null, `the app served again by itself after PostgreSQL returned (${mode})`);
      ctx.note(`recovered after -m ${mode} (ms after pg_ctl start returned)`, recoveredIn ?? -1);
      ctx.check(tally.ok > okBefore, `requests succeeded between restarts (${mode})`);
    }
    await sleep(1_000);
    loading = false;
    await load;

    ctx.check(!died, `the app process never died ${died}`);
    ctx.check(tally.faults.length === 0, `no request got a 500, a stack trace or no answer (${tally.faults.length}: ${[...new Set(tally.faults)].slice(0, 5).join(" | ")})`);
    ctx.note("requests answered", tally.ok);
    ctx.note("503 while the database was away", tally.unavailable);
    ctx.note("faults", tally.faults.length);

    // Every vote answered 200 is stored: each phone holds its last acknowledged vote, or a later one it sent.
    const check = new pg.Client({ connectionString: cluster.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ display_name: string; perspective: string; judgement: number }>(
        "select p.display_name, v.perspective, v.judgement from workshop_votes v join workshop_participants p on p.id = v.participant_id where v.workshop_id = $1 and v.round = 1",
        [workshop.id],
      );
      const wrong: string[] = [];
      attempts.forEach((list, phone) => {
        const last = list.map((a) => a.acked).lastIndexOf(true);
        if (last < 0) return;
        const candidates = list.slice(last);
        const stored = rows.filter((r) => r.display_name === `Phone ${phone}`);
        const employee = stored.find((r) => r.perspective === "employee")?.judgement;
        const employer = stored.find((r) => r.perspective === "employer")?.judgement;
        if (!candidates.some((a) => a.values.judgementEmployee === employee && a.values.judgementEmployer === employer)) wrong.push(`Phone ${phone}`);
      });
      ctx.check(wrong.length === 0, `every acknowledged vote is stored (${wrong.length} phones hold something else: ${wrong.slice(0, 5).join(", ")})`);
    } finally {
      await check.end();
    }
  },
};
