/**
 * Live-workshop benchmark against the built server: a facilitator runs a workshop, N phones join
 * and keep a Server-Sent Events stream open, a projector watches the room view, then every phone
 * votes once. Measures votes acknowledged against votes stored, the time from a vote's send to
 * the projector showing it, and each server process's peak memory.
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
 * The build in build/ is used as it is: rebuild after changing app/ (npm run build).
 */
import pg from "pg";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { emergencyCleanup, ensureBuild, Http, joinWorkshop, makeWorkspace, openForChecks, pool, Server, signUp, sleep, vote, VOTE_ACK, voteForm, voteValues, createWorkshop, control } from "../reliability/harness";

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

export interface WorkshopBenchResult {
  participants: number;
  processes: number;
  backend: string;
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
  clientLagP99Ms: number;
  /** Server CPU (all processes, all threads) from the first vote until the projector showed the last, per acknowledged vote. */
  serverCpuMsPerVote: number;
  /** Cores busy from the first vote until the projector showed the last: the servers, and this benchmark. */
  serverCpuShare: number;
  clientCpuShare: number;
  votePath: "json" | "document";
  failures: Record<string, number>;
}

export const VOTES_PER_SECOND = 400;
const VOTE_CONCURRENCY = 100;
const SETUP_CONCURRENCY = 50;
const PHONES_PER_NETWORK = 500;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** CPU time the process has used, user plus system, in ms (Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface ProjectorEvent {
  at: number;
  answered: number;
  stage: string;
  votingOpen: boolean;
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
      const state = JSON.parse(data) as { stage: string; votingOpen: boolean; answered: Record<string, number> };
      events.push({ at, answered: state.answered["1"] ?? 0, stage: state.stage, votingOpen: state.votingOpen });
      onEvent();
    }
  };
}

async function storedVoters(options: WorkshopBenchOptions, databasePath: string, workshopId: number): Promise<number> {
  const query = "select count(distinct participant_id) as n from workshop_votes where workshop_id = $1 and round = 1";
  if (options.scaleOut) {
    const client = new pg.Client({ connectionString: options.scaleOut.databaseUrl });
    await client.connect();
    try {
      return Number((await client.query(query, [workshopId])).rows[0].n);
    } finally {
      await client.end();
    }
  }
  const sqlite = openForChecks(databasePath);
  try {
    return (sqlite.prepare(query.replace("$1", "?")).get(workshopId) as { n: number }).n;
  } finally {
    sqlite.close();
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
  const servers = Array.from({ length: options.processes }, () => new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env, nodeArgs }));
  const clients: Http[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let sampler: ReturnType<typeof setInterval> | undefined;
  const overallTimeoutMs = 120_000 + n * 40;
  let deadline: ReturnType<typeof setTimeout> | undefined;

  const run = async (): Promise<WorkshopBenchResult> => {
    // The first process migrates and imports the cases; the others find it done.
    for (const server of servers) await server.start(60_000);
    for (const server of servers) clients.push(new Http(server.port, { maxSockets: Infinity }));
    const main = clients[0]!;
    const network = (i: number) => ({ "X-Forwarded-For": `10.0.${Math.floor(i / PHONES_PER_NETWORK) % 250}.1` });

    const session = await signUp(main, "facilitator@casebook.test", "Facilitator", network(n));
    const workshop = await createWorkshop(main, session);

    const projector: ProjectorEvent[] = [];
    const waiters = new Set<() => void>();
    await main.stream(`/workshops/${workshop.id}/events?view=room`, session, projectorParser(projector, () => waiters.forEach((wake) => wake())));
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

    // Phones join and open their streams, each on its own process.
    const failures: Record<string, number> = {};
    const fail = (what: string) => (failures[what] = (failures[what] ?? 0) + 1);
    const streamCount = Number(process.env.BENCH_STREAMS ?? n);
    const phones = await pool(n, SETUP_CONCURRENCY, async (i) => {
      const client = clients[i % clients.length]!;
      const cookie = await joinWorkshop(client, workshop.code, `Phone ${i + 1}`, network(i));
      const counter = eventCounter();
      if (i >= streamCount) return { i, cookie, counter: null };
      try {
        await client.stream(`/workshops/${workshop.id}/events`, cookie, counter.onData);
        return { i, cookie, counter };
      } catch {
        fail("stream");
        return { i, cookie, counter: null };
      }
    });
    for (const phone of phones) if (phone instanceof Error) fail(`join: ${phone.message.slice(0, 60)}`);
    const joined = phones.filter((p): p is Exclude<typeof p, Error> => !(p instanceof Error));
    const streams = joined.filter((p) => p.counter !== null).length;

    // Through the case stages to the first vote, as the projector sees it.
    await sleep(300); // the joins' last coalesced broadcast
    for (let step = 0; step < 10 && projector.at(-1)?.stage !== "vote-1"; step += 1) {
      const from = projector.at(-1)?.stage;
      const reply = await control(main, session, workshop.id, "next");
      if (reply.status !== 200) throw new Error(`"next" answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      await until(() => projector.at(-1)?.stage !== from, 10_000, "the projector to see the next stage");
    }
    await until(() => projector.at(-1)?.stage === "vote-1" && projector.at(-1)!.votingOpen, 10_000, "voting to open");
    const openedAt = projector.length;
    await sleep(500); // let the stage change reach every phone first
    const pids = servers.map((s) => s.pid);
    const idleRss = pids.map(rssMb);

    // The burst: every phone votes once at its moment in the window.
    const votePath = process.env.BENCH_VOTE_PATH === "document" ? "document" : "json";
    const voteWindowMs = (joined.length / VOTES_PER_SECOND) * 1000;
    const peakRss = [...idleRss];
    sampler = setInterval(() => {
      pids.forEach((pid, i) => {
        const rss = rssMb(pid);
        if (rss > peakRss[i]!) peakRss[i] = rss;
      });
    }, 250);
    lag.enable();
    const cpuBefore = pids.map(cpuMs);
    const clientCpuBefore = process.cpuUsage();
    const burstStart = performance.now();
    const votes = await pool(joined.length, VOTE_CONCURRENCY, async (k) => {
      const phone = joined[k]!;
      const wait = burstStart + (k * voteWindowMs) / joined.length - performance.now();
      if (wait > 0) await sleep(wait);
      const client = clients[phone.i % clients.length]!;
      const values = voteValues(phone.i, 0);
      const sentAt = performance.now();
      try {
        const reply =
          votePath === "json"
            ? await vote(client, workshop.code, phone.cookie, values, 30_000, network(phone.i))
            : await client.request("POST", `/w/${workshop.code}`, { cookie: phone.cookie, form: voteForm(values), headers: network(phone.i), timeoutMs: 30_000 });
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
    // Give the last coalesced broadcasts time to arrive.
    await until(() => (projector.at(-1)?.answered ?? 0) >= acked.length, 10_000, "the projector to show every vote").catch(() => {});
    const burstWallMs = performance.now() - burstStart;
    const serverCpu = pids.map(cpuMs).reduce((sum, after, i) => sum + (after - cpuBefore[i]!), 0);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    lag.disable();
    clearInterval(sampler);
    sampler = undefined;
    pids.forEach((pid, i) => (peakRss[i] = Math.max(peakRss[i]!, rssMb(pid))));

    // What reached the projector, and when: the k-th acknowledged vote is shown once the count reaches k.
    const latencies: number[] = [];
    let unseen = 0;
    const events = projector.slice(openedAt);
    acked.forEach((ack, index) => {
      const shown = events.find((e) => e.at >= ack.sentAt && e.answered >= index + 1);
      if (shown) latencies.push(shown.at - ack.sentAt);
      else unseen += 1;
    });
    latencies.sort((a, b) => a - b);
    const ackTimes = acked.map((v) => v.ackAt - v.sentAt).sort((a, b) => a - b);
    const stored = await storedVoters(options, workspace.databasePath, workshop.id);
    const phoneCounts = joined.filter((p) => p.counter).map((p) => p.counter!.count());

    return {
      participants: n,
      processes: options.processes,
      backend: options.scaleOut ? "PostgreSQL + Redis" : "SQLite",
      joined: joined.length,
      streams,
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
      projectorEvents: projector.length,
      phoneEventsAvg: phoneCounts.reduce((s, x) => s + x, 0) / Math.max(1, phoneCounts.length),
      clientLagP99Ms: lag.percentile(99) / 1e6,
      serverCpuMsPerVote: serverCpu / Math.max(1, acked.length),
      serverCpuShare: serverCpu / burstWallMs,
      clientCpuShare: (clientCpu.user + clientCpu.system) / 1000 / burstWallMs,
      votePath,
      failures,
    };
  };

  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`The workshop benchmark took longer than ${overallTimeoutMs / 1000} s.`)), overallTimeoutMs);
      }),
    ]);
  } catch (error) {
    const tails = servers.map((s, i) => `process ${i + 1}:\n${s.tail(10)}`).join("\n");
    throw new Error(`${(error as Error).message}\n${tails}`);
  } finally {
    clearTimeout(deadline);
    if (sampler) clearInterval(sampler);
    lag.disable();
    for (const client of clients) client.close();
    await Promise.all(servers.map((s) => s.stop(5_000)));
    workspace.remove();
    emergencyCleanup();
  }
}
