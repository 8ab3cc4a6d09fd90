/**
 * Role-play benchmark (issue 17): one process on SQLite, a role-play room of N phones (streams
 * open, the projector watching). The facilitator assigns roles; the room votes (round 1); every
 * phone writes a steelman, loads its rating page (a balanced handful of the other side's texts,
 * `ratingSample`) and rates one; the facilitator closes rating (every score released in that
 * stage move); then the room votes again (round 2). Measures the assignment (control answer,
 * and until the projector shows the new roles), each phone's write, rating page and rating, the
 * close, and vote → projector for both rounds: the figures the issue asks to stay under 250 ms
 * with role-play's extra work in the room.
 *
 * The case is background-check with role briefs added in the workspace's copy of cases/ (so the
 * harness's ballots fit). The build in build/ is used as it is: rebuild after changing app/.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseCaseFile, serializeCaseFile } from "../../app/domain/case-file";
import { emergencyCleanup, ensureBuild, Http, joinWorkshop, makeWorkspace, openForChecks, pool, Server, signUp, sleep, vote, voteValues, control, type Reply } from "../reliability/harness";
import {
  failWith,
  joinPhones,
  percentile,
  PHONES_PER_NETWORK,
  SETUP_CONCURRENCY,
  storedVoters,
  voteBurst,
  watchProjector,
  within,
  type BurstResult,
  type Failures,
  type Phone,
  type Projector,
} from "./workshop";

const SLUG = "background-check-role-play";

/** Send → answer of one request kind over all phones: p50, p99, and how many were answered as asked. */
export interface RequestFigures {
  sent: number;
  ok: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RolePlayBenchResult {
  participants: number;
  /** The facilitator's "assign roles" answered, and the projector showing the new roles version. */
  assignAnswerMs: number;
  assignToProjectorMs: number;
  roundOne: BurstResult;
  writes: RequestFigures;
  /** A phone's page at the rating stage (its handful of texts to rate). */
  ratingPages: RequestFigures;
  ratings: RequestFigures;
  /** Ratings the database holds after the burst; `ratings.ok` minus this is ratings lost. */
  ratingsStored: number;
  /** Texts listed per rating page, on average. */
  textsPerPage: number;
  /** The facilitator's move out of rating (every score released in it) answered. */
  closeRatingMs: number;
  roundTwo: BurstResult;
  failures: Failures;
}

/** Writes a copy of background-check with a brief for each role into `casesDir`. */
function writeRolePlayCase(casesDir: string): void {
  const parsed = parseCaseFile(readFileSync(join(casesDir, "background-check.md"), "utf8"));
  if (!parsed.ok) throw new Error("cases/background-check.md must parse");
  const doc = {
    ...parsed.doc,
    slug: SLUG,
    title: "The background check (role-play)",
    roles: [
      { perspective: "employee" as const, markdown: "You are the screener. You know the applicant's conviction was expunged by law." },
      { perspective: "employer" as const, markdown: "You run the firm. Your clients rely on every report being complete." },
    ],
  };
  writeFileSync(join(casesDir, `${SLUG}.md`), serializeCaseFile(doc));
}

/** Times each phone's request with `send`, SETUP_CONCURRENCY at a time; `ok` says whether the reply did what was asked. */
async function timed(phones: Phone[], send: (phone: Phone) => Promise<{ reply: Reply; ok: boolean }>, fail: (what: string) => void, what: string): Promise<RequestFigures> {
  const results = await pool(phones.length, SETUP_CONCURRENCY, async (i) => {
    const started = performance.now();
    try {
      const { reply, ok } = await send(phones[i]!);
      if (!ok) fail(`${what} ${reply.status}`);
      return { ms: performance.now() - started, ok };
    } catch {
      fail(`${what} error`);
      return { ms: performance.now() - started, ok: false };
    }
  });
  const answered = results.filter((r): r is { ms: number; ok: boolean } => !(r instanceof Error));
  const times = answered.map((r) => r.ms).sort((a, b) => a - b);
  return { sent: phones.length, ok: answered.filter((r) => r.ok).length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

/** Moves the workshop on with "next" until the projector shows `stage`. */
async function moveTo(main: Http, session: string, workshopId: number, projector: Projector, stage: string): Promise<void> {
  for (let step = 0; step < 20 && projector.events.at(-1)?.stage !== stage; step += 1) {
    const from = projector.events.at(-1)?.stage;
    const reply = await control(main, session, workshopId, "next");
    if (reply.status !== 200) throw new Error(`"next" from ${from} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    await projector.until(() => projector.events.at(-1)?.stage !== from, 10_000, `the projector to leave ${from}`);
  }
  if (projector.events.at(-1)?.stage !== stage) throw new Error(`Never reached ${stage}.`);
}

const key = () => randomBytes(16).toString("hex");

export async function benchRolePlay(participants: number): Promise<RolePlayBenchResult> {
  ensureBuild();
  const workspace = makeWorkspace("bench-role-play");
  writeRolePlayCase(workspace.casesDir);
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { TRUST_PROXY: "loopback" }, entry: "built" });
  const clients: Http[] = [];
  const run = async (): Promise<RolePlayBenchResult> => {
    await server.start(60_000);
    const main = new Http(server.port, { maxSockets: Infinity });
    clients.push(main);
    const network = (i: number) => ({ "X-Forwarded-For": `10.0.${Math.floor(i / PHONES_PER_NETWORK) % 250}.1` });
    const session = await signUp(main, "facilitator@casebook.test", "Facilitator", network(participants));
    const form = new URLSearchParams({ caseSlug: SLUG, title: "Role-play bench", twoRounds: "on", resultsMode: "live", rolePlay: "on" });
    form.append("perspectives", "employee");
    form.append("perspectives", "employer");
    const created = await main.request("POST", "/workshops", { cookie: session, form });
    const workshopId = Number(/\/workshops\/(\d+)$/.exec(created.headers.location ?? "")?.[1]);
    if (created.status !== 302 || !workshopId) throw new Error(`Creating the role-play workshop answered ${created.status}: ${created.body.slice(0, 300)}`);
    const panel = await main.request("GET", `/workshops/${workshopId}`, { cookie: session });
    const code = /class="join-code"[^>]*>([^<]+)</.exec(panel.body)?.[1];
    if (!code) throw new Error("No join code on the control panel.");

    const projector = await watchProjector(main, `/workshops/${workshopId}/events?view=room`, session);
    const failures: Failures = {};
    const fail = failWith(failures);
    const phones = await joinPhones(participants, clients, (client, i) => joinWorkshop(client, code, `Phone ${i + 1}`, network(i)), `/workshops/${workshopId}/events`, failures);
    await sleep(300);

    // Roles: the facilitator's answer, then the projector showing the new version.
    const versionBefore = projector.events.at(-1)?.rolesVersion ?? 0;
    const assignStarted = performance.now();
    const assigned = await control(main, session, workshopId, "assign-roles", 60_000);
    const assignAnswerMs = performance.now() - assignStarted;
    if (assigned.status !== 200) throw new Error(`"assign-roles" answered ${assigned.status}: ${assigned.body.slice(0, 200)}`);
    await projector.until(() => (projector.events.at(-1)?.rolesVersion ?? 0) > versionBefore, 10_000, "the projector to show the roles");
    const assignToProjectorMs = (projector.events.find((e) => e.rolesVersion > versionBefore)?.at ?? Number.NaN) - assignStarted;

    const pids = [server.pid];
    const burst = async (round: 1 | 2, variant: number) => {
      await moveTo(main, session, workshopId, projector, `vote-${round}`);
      await sleep(500); // the stage change reaches every phone first, as in benchWorkshop
      return voteBurst({
        round,
        participants,
        phones,
        projector,
        pids,
        failures,
        send: (phone) => vote(main, code, phone.cookie, voteValues(phone.i, variant), 30_000, network(phone.i)),
        storedVoters: () => storedVoters({ participants, processes: 1 }, workspace.databasePath, workshopId, round),
      });
    };
    const roundOne = await burst(1, 0);

    // The steelman step: every phone writes, then loads its rating page and rates the first text listed.
    await moveTo(main, session, workshopId, projector, "steelman");
    const post = (phone: Phone, fields: Record<string, string>) =>
      main.request("POST", `/w/${code}`, { cookie: phone.cookie, form: new URLSearchParams({ ...fields, idempotencyKey: key() }), headers: network(phone.i), timeoutMs: 30_000 });
    const writes = await timed(
      phones,
      async (phone) => {
        const reply = await post(phone, { intent: "write", kind: "steelman", body: `The other side's best case, as phone ${phone.i + 1} sees it: they answer for every report.` });
        return { reply, ok: reply.status === 200 };
      },
      fail,
      "write",
    );
    await moveTo(main, session, workshopId, projector, "steelman-rating");
    const listed = new Map<number, string[]>();
    const ratingPages = await timed(
      phones,
      async (phone) => {
        const reply = await main.request("GET", `/w/${code}`, { cookie: phone.cookie, headers: network(phone.i), timeoutMs: 30_000 });
        const ids = [...reply.body.matchAll(/name="textId" value="(\d+)"/g)].map((m) => m[1]!);
        listed.set(phone.i, ids);
        return { reply, ok: reply.status === 200 && ids.length > 0 };
      },
      fail,
      "rating page",
    );
    const ratings = await timed(
      phones.filter((phone) => (listed.get(phone.i)?.length ?? 0) > 0),
      async (phone) => {
        const reply = await post(phone, { intent: "rate", kind: "steelman", textId: listed.get(phone.i)![0]!, fair: String(1 + (phone.i % 5)) });
        return { reply, ok: reply.status === 200 };
      },
      fail,
      "rating",
    );
    const sqlite = openForChecks(workspace.databasePath);
    const ratingsStored = (sqlite.prepare("select count(*) as n from role_play_ratings r join role_play_texts t on t.id = r.text_id where t.workshop_id = ?").get(workshopId) as { n: number }).n;
    sqlite.close();
    const closeStarted = performance.now();
    const closed = await control(main, session, workshopId, "next", 60_000);
    const closeRatingMs = performance.now() - closeStarted;
    if (closed.status !== 200) throw new Error(`Closing rating answered ${closed.status}: ${closed.body.slice(0, 200)}`);
    await projector.until(() => projector.events.at(-1)?.stage === "steelman-best", 10_000, "the projector to show the best steelmen");

    const roundTwo = await burst(2, 1);
    const pages = [...listed.values()];
    return {
      participants,
      assignAnswerMs,
      assignToProjectorMs,
      roundOne,
      writes,
      ratingPages,
      ratings,
      ratingsStored,
      textsPerPage: pages.reduce((sum, ids) => sum + ids.length, 0) / Math.max(1, pages.length),
      closeRatingMs,
      roundTwo,
      failures,
    };
  };
  try {
    return await within(180_000 + participants * 60, "The role-play benchmark", run);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${server.tail(10)}`, { cause: error });
  } finally {
    for (const client of clients) client.close();
    await server.stop(5_000);
    workspace.remove();
    emergencyCleanup();
  }
}
