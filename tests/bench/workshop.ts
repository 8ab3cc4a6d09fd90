/**
 * Live-workshop benchmark against the built server: a facilitator runs a workshop with the
 * control panel open, N phones join and keep a Server-Sent Events stream open, a projector
 * watches the room view, then every phone votes once. Measures votes acknowledged against votes
 * stored, the time from a vote's send to the projector showing it, and each server process's peak
 * memory.
 *
 * One process on SQLite (the embedded default), or several processes on one PostgreSQL database
 * and one Redis (the scale-out deployment): phone i joins, listens and votes on process i mod P;
 * the facilitator and the projector are on process 1, so every vote on another process reaches
 * the projector through Redis. Servers come from tests/reliability/harness.ts.
 *
 * The load: votes arrive at VOTES_PER_SECOND (400) whatever the room size, each phone at its own
 * moment, at most VOTE_CONCURRENCY in flight: 1,000 phones vote within 2.5 s, 3,000 within 7.5 s.
 * Phones send from "networks" of 500 (X-Forwarded-For, the servers trust the loopback proxy),
 * as rooms behind a few NATs would, which keeps the per-address join limit out of the set-up.
 *
 * By default a vote is what the phone page's JavaScript sends: POST /w/:code/vote (JSON).
 * BENCH_VOTE_PATH=document posts the page's form as a browser without JavaScript does (the Remix
 * action and the whole page). BENCH_NODE_ARGS adds flags to the servers' node (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof"); BENCH_STREAMS=<k> lets only the first k phones open a stream.
 * The servers run what `npm start` runs in production (node build/server.js, no tsx: the loader's
 * own memory is not the app's). The build in build/ is used as it is: rebuild after changing app/
 * (npm run build).
 *
 * `benchBareWorkshop` runs the same room, joins, streams and burst against the bare baseline
 * (tests/bench/baseline-server.ts), which gives the limits the app's figures are read against.
 */
import pg from "pg";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import {
  emergencyCleanup,
  ensureBuild,
  Http,
  joinWorkshop,
  makeWorkspace,
  openForChecks,
  pool,
  Server,
  signUp,
  sleep,
  vote,
  VOTE_ACK,
  voteForm,
  voteValues,
  createWorkshop,
  control,
  type Reply,
} from "../reliability/harness";
import { BASELINE_WORKSHOP, LATENCY_FLOOR_GAP_MS, startBaselineServer, type BaselineProcess } from "./baseline-server";

export interface ScaleOut {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

export interface WorkshopBenchOptions {
  participants: number;
  /** Server processes; above 1 they need `scaleOut` (PostgreSQL and Redis). */
  processes: number;
  scaleOut?: ScaleOut;
}

export const VOTES_PER_SECOND = 400;
export const VOTE_CONCURRENCY = 100;
export const SETUP_CONCURRENCY = 50;
export const PHONES_PER_NETWORK = 500;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** CPU time the process has used, user plus system, in ms (Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /s, "")
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface ProjectorEvent {
  at: number;
  /** Counted voters of the round the burst reads (`voteBurst`'s `round`), by round. */
  answered: Record<string, number>;
  stage: string;
  votingOpen: boolean;
  /** Counts role assignments, moves and swaps (ADR 028); 0 outside role-play. */
  rolesVersion: number;
}

const STATE_MARK = Buffer.from("event: state");

/** Counts "event: state" lines in a byte stream without decoding it (phones only need a count). */
function eventCounter(): { onData: (chunk: Buffer) => void; count: () => number } {
  let count = 0;
  let tail: Buffer = Buffer.alloc(0);
  return {
    onData(chunk) {
      for (let at = chunk.indexOf(STATE_MARK); at !== -1; at = chunk.indexOf(STATE_MARK, at + 1)) count += 1;
      // A mark split across two chunks.
      if (tail.length > 0 && Buffer.concat([tail, chunk.subarray(0, STATE_MARK.length - 1)]).indexOf(STATE_MARK) !== -1) count += 1;
      tail = chunk.subarray(Math.max(0, chunk.length - (STATE_MARK.length - 1)));
    },
    count: () => count,
  };
}

/** Parses the projector's stream in full, time-stamping each state on arrival. */
function projectorParser(events: ProjectorEvent[], onEvent: () => void): (chunk: Buffer) => void {
  let buffer = "";
  return (chunk) => {
    const at = performance.now();
    buffer += chunk.toString("utf8");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!/^event: state$/m.test(frame)) continue;
      const data = frame
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("");
      const state = JSON.parse(data) as { stage: string; votingOpen: boolean; answered: Record<string, number>; rolesVersion?: number };
      events.push({ at, answered: state.answered, stage: state.stage, votingOpen: state.votingOpen, rolesVersion: state.rolesVersion ?? 0 });
      onEvent();
    }
  };
}

export async function storedVoters(options: WorkshopBenchOptions, databasePath: string, workshopId: number, round = 1): Promise<number> {
  const query = `select count(distinct participant_id) as n from workshop_votes where workshop_id = $1 and round = ${round}`;
  if (options.scaleOut) {
    const client = new pg.Client({ connectionString: options.scaleOut.databaseUrl });
    await client.connect();
    try {
      return Number((await client.query(query, [workshopId])).rows[0].n);
    } finally {
      await client.end();
    }
  }
  return countInFile(databasePath, query.replace("$1", "?"), workshopId);
}

function countInFile(databasePath: string, query: string, ...params: unknown[]): number {
  const sqlite = openForChecks(databasePath);
  try {
    return (sqlite.prepare(query).get(...params) as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

export interface Projector {
  events: ProjectorEvent[];
  /** Resolves once `check` holds (re-checked on every projector event, or every 100 ms); rejects after `ms`. */
  until: (check: () => boolean, ms: number, what: string) => Promise<void>;
}

/** Opens the projector's stream at `path` and keeps every state it shows, time-stamped. */
export async function watchProjector(client: Http, path: string, cookie: string): Promise<Projector> {
  const events: ProjectorEvent[] = [];
  const waiters = new Set<() => void>();
  await client.stream(
    path,
    cookie,
    projectorParser(events, () => waiters.forEach((wake) => wake())),
  );
  const until = async (check: () => boolean, ms: number, what: string) => {
    const stop = performance.now() + ms;
    while (!check()) {
      if (performance.now() > stop) throw new Error(`Timed out waiting for ${what}.`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, 100);
        waiters.add(() => {
          clearTimeout(timer);
          wake();
        });
      });
      waiters.clear();
    }
  };
  return { events, until };
}

export interface Phone {
  i: number;
  cookie: string;
  counter: ReturnType<typeof eventCounter> | null;
}

export type Failures = Record<string, number>;
export const failWith = (failures: Failures) => (what: string) => (failures[what] = (failures[what] ?? 0) + 1);

/**
 * Phone i joins on `clients[i mod P]` (with `join`, which returns its device cookie) and opens its
 * stream at `streamPath` there; BENCH_STREAMS=<k> lets only the first k phones open one.
 */
export async function joinPhones(n: number, clients: Http[], join: (client: Http, i: number) => Promise<string>, streamPath: string, failures: Failures): Promise<Phone[]> {
  const fail = failWith(failures);
  const streamCount = Number(process.env.BENCH_STREAMS ?? n);
  const phones = await pool(n, SETUP_CONCURRENCY, async (i): Promise<Phone> => {
    const client = clients[i % clients.length]!;
    const cookie = await join(client, i);
    const counter = eventCounter();
    if (i >= streamCount) return { i, cookie, counter: null };
    try {
      await client.stream(streamPath, cookie, counter.onData);
      return { i, cookie, counter };
    } catch {
      fail("stream");
      return { i, cookie, counter: null };
    }
  });
  for (const phone of phones) if (phone instanceof Error) fail(`join: ${phone.message.slice(0, 60)}`);
  return phones.filter((p): p is Phone => !(p instanceof Error));
}

/** What one room's burst of votes measured, on the app or on the bare baseline. */
export interface BurstResult {
  participants: number;
  joined: number;
  streams: number;
  votesSent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  /** Votes stored although their request failed or timed out (so not counted as acknowledged). */
  storedUnacknowledged: number;
  /** Acknowledged votes the projector never showed within the wait after the burst. */
  unseen: number;
  /** Send → projector. */
  p50Ms: number;
  p99Ms: number;
  /** Send → HTTP answer, for comparison with send → projector. */
  ackP50Ms: number;
  ackP99Ms: number;
  voteWindowMs: number;
  burstMs: number;
  /** Per process, in process order. */
  peakRssMb: number[];
  idleRssMb: number[];
  projectorEvents: number;
  phoneEventsAvg: number;
  /** Stream frames that reached the phones and the projector from the first vote until the projector showed the last, per second. */
  framesPerSecond: number;
  clientLagP99Ms: number;
  /** Server CPU (all processes, all threads) from the first vote until the projector showed the last, per acknowledged vote. */
  serverCpuMsPerVote: number;
  /** Cores busy from the first vote until the projector showed the last: the servers, and this benchmark. */
  serverCpuShare: number;
  clientCpuShare: number;
  failures: Failures;
}

export interface WorkshopBenchResult extends BurstResult {
  processes: number;
  backend: string;
  votePath: "json" | "document";
  /** The facilitator's control panel, open through the run as in a real room: state frames and bytes it was sent. */
  panelFrames: number;
  panelBytes: number;
}

/**
 * The burst: every phone votes once at its moment in the window (VOTES_PER_SECOND, at most
 * VOTE_CONCURRENCY in flight) with `send`, which answers VOTE_ACK for a vote taken. Then waits
 * for the projector to show every acknowledged vote and matches the k-th acknowledged vote to
 * the first projector state at or after its send that counts k.
 */
export async function voteBurst(room: {
  /** The round the phones vote in (its count on the projector is what the burst reads); 1 when left out. */
  round?: number;
  participants: number;
  phones: Phone[];
  projector: Projector;
  pids: number[];
  send: (phone: Phone) => Promise<Reply>;
  storedVoters: () => Promise<number>;
  failures: Failures;
}): Promise<BurstResult> {
  const { phones, projector, pids } = room;
  const shownFor = (e: ProjectorEvent) => e.answered[String(room.round ?? 1)] ?? 0;
  const fail = failWith(room.failures);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const idleRss = pids.map(rssMb);
  const peakRss = [...idleRss];
  const sampler = setInterval(() => {
    pids.forEach((pid, i) => {
      const rss = rssMb(pid);
      if (rss > peakRss[i]!) peakRss[i] = rss;
    });
  }, 250);
  const framesSeen = () => phones.reduce((sum, p) => sum + (p.counter?.count() ?? 0), 0) + projector.events.length;
  try {
    const openedAt = projector.events.length;
    const framesBefore = framesSeen();
    const voteWindowMs = (phones.length / VOTES_PER_SECOND) * 1000;
    lag.enable();
    const cpuBefore = pids.map(cpuMs);
    const clientCpuBefore = process.cpuUsage();
    const burstStart = performance.now();
    const votes = await pool(phones.length, VOTE_CONCURRENCY, async (k) => {
      const phone = phones[k]!;
      const wait = burstStart + (k * voteWindowMs) / phones.length - performance.now();
      if (wait > 0) await sleep(wait);
      const sentAt = performance.now();
      try {
        const reply = await room.send(phone);
        const ok = reply.status === 200 && reply.body.includes(VOTE_ACK);
        if (!ok) fail(`vote ${reply.status}`);
        return { sentAt, ackAt: performance.now(), ok };
      } catch {
        fail("vote error");
        return { sentAt, ackAt: performance.now(), ok: false };
      }
    });
    const burstMs = performance.now() - burstStart;
    const sent = votes.filter((v): v is Exclude<typeof v, Error> => !(v instanceof Error));
    const acked = sent.filter((v) => v.ok).sort((a, b) => a.ackAt - b.ackAt);
    // Give the last broadcasts time to arrive.
    await projector.until(() => shownFor(projector.events.at(-1) ?? ({ answered: {} } as ProjectorEvent)) >= acked.length, 10_000, "the projector to show every vote").catch(() => {});
    const burstWallMs = performance.now() - burstStart;
    const serverCpu = pids.map(cpuMs).reduce((sum, after, i) => sum + (after - cpuBefore[i]!), 0);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const frames = framesSeen() - framesBefore;
    lag.disable();
    pids.forEach((pid, i) => (peakRss[i] = Math.max(peakRss[i]!, rssMb(pid))));

    // What reached the projector, and when: the k-th acknowledged vote is shown once the count reaches k.
    const latencies: number[] = [];
    let unseen = 0;
    const events = projector.events.slice(openedAt);
    acked.forEach((ack, index) => {
      const shown = events.find((e) => e.at >= ack.sentAt && shownFor(e) >= index + 1);
      if (shown) latencies.push(shown.at - ack.sentAt);
      else unseen += 1;
    });
    latencies.sort((a, b) => a - b);
    const ackTimes = acked.map((v) => v.ackAt - v.sentAt).sort((a, b) => a - b);
    const stored = await room.storedVoters();
    const phoneCounts = phones.filter((p) => p.counter).map((p) => p.counter!.count());
    return {
      participants: room.participants,
      joined: phones.length,
      streams: phoneCounts.length,
      votesSent: sent.length,
      acknowledged: acked.length,
      stored,
      lost: Math.max(0, acked.length - stored),
      storedUnacknowledged: Math.max(0, stored - acked.length),
      unseen,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      ackP50Ms: percentile(ackTimes, 50),
      ackP99Ms: percentile(ackTimes, 99),
      voteWindowMs,
      burstMs,
      peakRssMb: peakRss,
      idleRssMb: idleRss,
      projectorEvents: projector.events.length,
      phoneEventsAvg: phoneCounts.reduce((s, x) => s + x, 0) / Math.max(1, phoneCounts.length),
      framesPerSecond: (frames / burstWallMs) * 1000,
      clientLagP99Ms: lag.percentile(99) / 1e6,
      serverCpuMsPerVote: serverCpu / Math.max(1, acked.length),
      serverCpuShare: serverCpu / burstWallMs,
      clientCpuShare: (clientCpu.user + clientCpu.system) / 1000 / burstWallMs,
      failures: room.failures,
    };
  } finally {
    clearInterval(sampler);
    lag.disable();
  }
}

/** Runs `run` with an overall time limit; the message names what timed out. */
export async function within<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
  let deadline: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s.`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(deadline);
  }
}

export async function benchWorkshop(options: WorkshopBenchOptions): Promise<WorkshopBenchResult> {
  const n = options.participants;
  if (options.processes > 1 && !options.scaleOut) throw new Error("Several processes need PostgreSQL and Redis (scaleOut).");
  ensureBuild();
  const workspace = makeWorkspace("bench");
  const env: Record<string, string> = { TRUST_PROXY: "loopback" };
  if (options.scaleOut) Object.assign(env, { DATABASE_URL: options.scaleOut.databaseUrl, REDIS_URL: options.scaleOut.redisUrl, REDIS_PREFIX: options.scaleOut.redisPrefix });
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const servers = Array.from({ length: options.processes }, () => new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env, nodeArgs, entry: "built" }));
  const clients: Http[] = [];

  const run = async (): Promise<WorkshopBenchResult> => {
    // The first process migrates and imports the cases; the others find it done.
    for (const server of servers) await server.start(60_000);
    for (const server of servers) clients.push(new Http(server.port, { maxSockets: Infinity }));
    const main = clients[0]!;
    const network = (i: number) => ({ "X-Forwarded-For": `10.0.${Math.floor(i / PHONES_PER_NETWORK) % 250}.1` });

    const session = await signUp(main, "facilitator@casebook.test", "Facilitator", network(n));
    const workshop = await createWorkshop(main, session);
    const projector = await watchProjector(main, `/workshops/${workshop.id}/events?view=room`, session);
    // The facilitator keeps the control panel open, as in any real room: its stream carries the
    // facilitator's state (participant list, role counts, joins per minute) with every change.
    const panel = eventCounter();
    let panelBytes = 0;
    await main.stream(`/workshops/${workshop.id}/events`, session, (chunk) => {
      panelBytes += chunk.length;
      panel.onData(chunk);
    });

    // Phones join and open their streams, each on its own process.
    const failures: Failures = {};
    const phones = await joinPhones(n, clients, (client, i) => joinWorkshop(client, workshop.code, `Phone ${i + 1}`, network(i)), `/workshops/${workshop.id}/events`, failures);

    // Through the case stages to the first vote, as the projector sees it.
    await sleep(300); // the joins' last coalesced broadcast
    for (let step = 0; step < 10 && projector.events.at(-1)?.stage !== "vote-1"; step += 1) {
      const from = projector.events.at(-1)?.stage;
      const reply = await control(main, session, workshop.id, "next");
      if (reply.status !== 200) throw new Error(`"next" answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      await projector.until(() => projector.events.at(-1)?.stage !== from, 10_000, "the projector to see the next stage");
    }
    await projector.until(() => projector.events.at(-1)?.stage === "vote-1" && projector.events.at(-1)!.votingOpen, 10_000, "voting to open");
    await sleep(500); // let the stage change reach every phone first

    const votePath = process.env.BENCH_VOTE_PATH === "document" ? "document" : "json";
    const burst = await voteBurst({
      participants: n,
      phones,
      projector,
      pids: servers.map((s) => s.pid),
      failures,
      send: (phone) => {
        const client = clients[phone.i % clients.length]!;
        const values = voteValues(phone.i, 0);
        return votePath === "json"
          ? vote(client, workshop.code, phone.cookie, values, 30_000, network(phone.i))
          : client.request("POST", `/w/${workshop.code}`, { cookie: phone.cookie, form: voteForm(values), headers: network(phone.i), timeoutMs: 30_000 });
      },
      storedVoters: () => storedVoters(options, workspace.databasePath, workshop.id),
    });
    return { ...burst, processes: options.processes, backend: options.scaleOut ? "PostgreSQL + Redis" : "SQLite", votePath, panelFrames: panel.count(), panelBytes };
  };

  try {
    return await within(120_000 + n * 40, "The workshop benchmark", run);
  } catch (error) {
    const tails = servers.map((s, i) => `process ${i + 1}:\n${s.tail(10)}`).join("\n");
    throw new Error(`${(error as Error).message}\n${tails}`, { cause: error });
  } finally {
    for (const client of clients) client.close();
    await Promise.all(servers.map((s) => s.stop(5_000)));
    workspace.remove();
    emergencyCleanup();
  }
}

/**
 * The same room on the bare baseline (tests/bench/baseline-server.ts, one process, SQLite): the
 * same phones join and open streams, the projector watches, and the same burst votes with the
 * same form. Its figures are the limits the workshop's are read against: with
 * LATENCY_FLOOR_GAP_MS between frames (the default) the floor for latency and CPU per vote, with
 * 0 the ceiling for fan-out.
 */
export async function benchBareWorkshop(participants: number, fanOutGapMs = LATENCY_FLOOR_GAP_MS): Promise<BurstResult> {
  const workspace = makeWorkspace("bench-bare");
  const clients: Http[] = [];
  let server: BaselineProcess | null = null;
  try {
    return await within(120_000 + participants * 40, "The bare workshop benchmark", async () => {
      server = await startBaselineServer(workspace.databasePath, fanOutGapMs);
      const client = new Http(server.port, { maxSockets: Infinity });
      clients.push(client);
      const { id, code } = BASELINE_WORKSHOP;
      const projector = await watchProjector(client, `/workshops/${id}/events`, "");
      const failures: Failures = {};
      const phones = await joinPhones(participants, clients, (c, i) => joinWorkshop(c, code, `Phone ${i + 1}`), `/workshops/${id}/events`, failures);
      await sleep(500); // as on the app: the room settles before the first vote
      return voteBurst({
        participants,
        phones,
        projector,
        pids: [server.pid],
        failures,
        send: (phone) => vote(client, code, phone.cookie, voteValues(phone.i, 0), 30_000),
        storedVoters: async () => countInFile(workspace.databasePath, "select count(distinct device_id) as n from votes where round = 1"),
      });
    });
  } finally {
    for (const client of clients) client.close();
    await (server as BaselineProcess | null)?.stop();
    workspace.remove();
  }
}
