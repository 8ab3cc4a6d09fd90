/**
 * Live-workshop benchmark against the built server on localhost: a facilitator runs a workshop,
 * N phones join and keep a Server-Sent Events stream open, a projector watches the room view,
 * then every phone votes within a few seconds. Measures votes acknowledged against votes stored,
 * the time from a vote's send to the projector showing it, and the server's peak memory.
 *
 * The server is started as `node --import tsx server.ts` (not `npx tsx`, which forks), so the
 * child's pid is the server's and /proc/<pid>/status gives its RSS. It gets a fresh temporary
 * database, NODE_ENV=production, HOST=127.0.0.1 and a free port, and is always stopped at the end.
 *
 * Joins share one client address, and `join-address` allows 2,000 per minute: above 2,000
 * participants the joins are paced (and a 429 is retried after its Retry-After), which makes the
 * set-up slower but does not change the vote burst. Votes are limited by `vote-address`
 * (6,000 per minute), so above 6,000 participants the burst itself would be refused in part.
 *
 * By default votes go the way the phone page's JavaScript sends them: one single-fetch POST to
 * `/w/:code.data`; the route opts out of revalidating after a vote. BENCH_VOTE_PATH=data adds the
 * revalidating GET a route without that opt-out would make; BENCH_VOTE_PATH=document posts a
 * plain form (the no-JavaScript path: the action and the whole page in one request).
 * BENCH_VOTE_PATH=fetcher posts to `/w/:code.data` without the revalidation, as a client would whose
 * route opts out of revalidating after a vote (the live stream already carries the room's state).
 *
 * For investigations: BENCH_NODE_ARGS adds flags to the server's node (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof"), BENCH_KEEP_DB=<file> keeps a copy of the database, BENCH_STREAMS=<k>
 * lets only the first k phones open a stream, BENCH_TIMEOUT_MS overrides the overall time limit
 * (two minutes, plus paced joins), and BENCH_REBUILD=1 rebuilds the app even if a build exists.
 * The build in build/ is used as it is: rebuild after changing app/ (npm run build).
 */
import SQLite from "better-sqlite3";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export interface WorkshopBenchResult {
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
  p50Ms: number;
  p99Ms: number;
  /** Send → HTTP response, for comparison with send → projector. */
  ackP50Ms: number;
  ackP99Ms: number;
  burstMs: number;
  peakRssMb: number;
  idleRssMb: number;
  projectorEvents: number;
  phoneEventsAvg: number;
  clientLagP99Ms: number;
  /** Server CPU (all threads) from the first vote until the projector showed the last, per acknowledged vote. */
  serverCpuMsPerVote: number;
  /** Snapshots broadcast from the first vote until the projector showed the last. */
  burstEvents: number;
  /** Cores busy (1 = one core all the time) from the first vote until the projector showed the last: the server, and this benchmark. */
  serverCpuShare: number;
  clientCpuShare: number;
  /** The same for the whole machine (everything running on it), and time the hypervisor stole. */
  machineCpuShare: number;
  stealShare: number;
  votePath: "document" | "data" | "fetcher";
  failures: Record<string, number>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const VOTE_SPREAD_MS = 2_500;
const VOTE_CONCURRENCY = 100;
const SETUP_CONCURRENCY = 50;
const JOIN_ADDRESS_LIMIT = 2_000; // per minute, RATE_LIMITS["join-address"]

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** CPU time the process has used, user plus system, in ms (Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Whole-machine CPU counters in ms: busy (not idle or waiting) and stolen by the hypervisor. */
function machineCpu(): { busy: number; steal: number } {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number) as number[];
  return { busy: (user! + nice! + system! + irq! + softirq!) * 10, steal: steal! * 10 };
}

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs at most `limit` tasks at a time; each task starts no earlier than its `notBefore` (ms from now). */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>, notBefore?: (i: number) => number): Promise<T[]> {
  const results = new Array<T>(count);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      if (notBefore) {
        const wait = started + notBefore(i) - performance.now();
        if (wait > 0) await sleep(wait);
      }
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

class Client {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly requests = new Set<http.ClientRequest>();

  constructor(private readonly port: number) {}

  request(method: string, path: string, options: { cookie?: string; form?: URLSearchParams; timeoutMs?: number } = {}): Promise<Reply> {
    return new Promise((ok, fail) => {
      const body = options.form?.toString();
      const headers: Record<string, string> = {};
      if (options.cookie) headers.Cookie = options.cookie;
      if (body !== undefined) {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        headers["Content-Length"] = String(Buffer.byteLength(body));
      }
      const req = http.request({ host: "127.0.0.1", port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          this.requests.delete(req);
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", fail);
      });
      this.requests.add(req);
      req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", (error) => {
        this.requests.delete(req);
        fail(error);
      });
      req.end(body);
    });
  }

  /** Opens an SSE stream and hands every chunk to `onData`; resolves once the headers arrive. */
  stream(path: string, cookie: string, onData: (chunk: Buffer) => void): Promise<http.ClientRequest> {
    return new Promise((ok, fail) => {
      const req = http.request(
        { host: "127.0.0.1", port: this.port, method: "GET", path, headers: { Cookie: cookie, Accept: "text/event-stream" }, agent: this.agent },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            fail(new Error(`GET ${path} answered ${res.statusCode}`));
            return;
          }
          res.on("data", onData);
          res.on("error", () => {});
          ok(req);
        },
      );
      this.requests.add(req);
      req.on("error", (error) => fail(error));
      req.end();
    });
  }

  close(): void {
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.agent.destroy();
  }
}

function cookieFrom(reply: Reply, name: string): string {
  for (const header of reply.headers["set-cookie"] ?? []) {
    const pair = header.split(";")[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  throw new Error(`No ${name} cookie in the answer (status ${reply.status}): ${reply.body.slice(0, 200)}`);
}

function ensureBuild(): void {
  if (existsSync(join(ROOT, "build/server/index.js")) && !process.env.BENCH_REBUILD) return;
  console.log("  (building the app: npx remix vite:build)");
  const built = spawnSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
  if (built.status !== 0) throw new Error("The production build failed.");
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
      if (tail.length > 0) {
        const seam = Buffer.concat([tail, chunk.subarray(0, STATE_MARK.length - 1)]);
        if (seam.indexOf(STATE_MARK) !== -1) count += 1;
      }
      tail = chunk.subarray(Math.max(0, chunk.length - (STATE_MARK.length - 1)));
    },
    count: () => count,
  };
}

export async function benchWorkshop(options: { participants: number }): Promise<WorkshopBenchResult> {
  const n = options.participants;
  // Two minutes, plus the time paced joins take above the per-address limit.
  const overallTimeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 120_000 + (n > JOIN_ADDRESS_LIMIT ? (n / (JOIN_ADDRESS_LIMIT * 0.95)) * 60_000 : 0));
  ensureBuild();
  const dir = mkdtempSync(join(tmpdir(), "casebook-bench-workshop-"));
  const databasePath = join(dir, "casebook.sqlite");
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), DATABASE_PATH: databasePath };
  delete env.DATABASE_URL; // the benchmark reads the SQLite file afterwards, so never PostgreSQL
  delete env.K_THRESHOLD;
  delete env.TRUST_PROXY;
  delete env.SESSION_SECRET;

  let server: ChildProcess | undefined;
  let client: Client | undefined;
  let sampler: ReturnType<typeof setInterval> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const serverLog: string[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });

  const run = async (): Promise<WorkshopBenchResult> => {
    // BENCH_NODE_ARGS passes extra flags to the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
    server = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      serverLog.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      if (serverLog.length > 200) serverLog.splice(0, serverLog.length - 200);
    };
    server.stdout!.on("data", keep);
    server.stderr!.on("data", keep);
    const exited = new Promise<never>((_, fail) => server!.once("exit", (code, signal) => fail(new Error(`The server stopped (${signal ?? code}):\n${serverLog.slice(-20).join("\n")}`))));
    exited.catch(() => {});
    const pid = server.pid!;
    client = new Client(port);
    const c = client;

    // 1. Wait for the server.
    const ready = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > ready) throw new Error(`The server did not answer /healthz within 60 s:\n${serverLog.slice(-20).join("\n")}`);
      const ok = await Promise.race([c.request("GET", "/healthz", { timeoutMs: 2_000 }).then((r) => r.status === 200, () => false), exited]);
      if (ok) break;
      await sleep(200);
    }

    // 2. The facilitator (the first account is an admin) and the workshop.
    const signup = await c.request("POST", "/signup", {
      form: new URLSearchParams({ email: "facilitator@casebook.test", displayName: "Facilitator", password: "bench-password-123" }),
    });
    if (signup.status !== 302) throw new Error(`Sign-up answered ${signup.status}: ${signup.body.slice(0, 300)}`);
    const session = cookieFrom(signup, "casebook_session");
    const form = new URLSearchParams({ caseSlug: "background-check", title: "Benchmark workshop", twoRounds: "on", resultsMode: "live" });
    form.append("perspectives", "employee");
    form.append("perspectives", "employer");
    const created = await c.request("POST", "/workshops", { cookie: session, form });
    const location = created.headers.location ?? "";
    const idMatch = /\/workshops\/(\d+)$/.exec(location);
    if (created.status !== 302 || !idMatch) throw new Error(`Creating the workshop answered ${created.status} ${location}: ${created.body.slice(0, 300)}`);
    const workshopId = Number(idMatch[1]);
    const panel = await c.request("GET", `/workshops/${workshopId}`, { cookie: session });
    const code = /class="join-code"[^>]*>([^<]+)</.exec(panel.body)?.[1];
    if (!code) throw new Error("No join code on the control panel.");

    // 3. The projector's stream, parsed in full and time-stamped on arrival.
    const projector: ProjectorEvent[] = [];
    let projectorBuffer = "";
    const waiters = new Set<() => void>();
    await c.stream(`/workshops/${workshopId}/events?view=room`, session, (chunk) => {
      const at = performance.now();
      projectorBuffer += chunk.toString("utf8");
      let end: number;
      while ((end = projectorBuffer.indexOf("\n\n")) !== -1) {
        const frame = projectorBuffer.slice(0, end);
        projectorBuffer = projectorBuffer.slice(end + 2);
        let event = "message";
        let data = "";
        for (const line of frame.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (event !== "state") continue;
        const state = JSON.parse(data) as { stage: string; votingOpen: boolean; answered: Record<string, number>; tallies: { round: number; perspective: string; respondents: number }[] };
        const employee = state.tallies.find((t) => t.round === 1 && t.perspective === "employee")?.respondents;
        projector.push({ at, answered: employee ?? state.answered["1"] ?? 0, stage: state.stage, votingOpen: state.votingOpen });
        for (const wake of waiters) wake();
      }
    });
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

    // 4. Phones join (paced under the per-address limit when there are more than it allows) and open their streams.
    const failures: Record<string, number> = {};
    const fail = (what: string) => (failures[what] = (failures[what] ?? 0) + 1);
    const joinSpacing = n > JOIN_ADDRESS_LIMIT ? 60_000 / (JOIN_ADDRESS_LIMIT * 0.95) : 0;
    // BENCH_STREAMS=<k>: only the first k phones open a stream (to separate fan-out cost from vote cost).
    const streamCount = Number(process.env.BENCH_STREAMS ?? n);
    const phones = await pool(
      n,
      SETUP_CONCURRENCY,
      async (i) => {
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const reply = await c.request("POST", "/join", { form: new URLSearchParams({ code, displayName: `Phone ${i + 1}` }) });
          if (reply.status === 429) {
            fail("join 429 (retried)");
            await sleep(1000 * Number(reply.headers["retry-after"] ?? 1));
            continue;
          }
          if (reply.status !== 302) {
            fail(`join ${reply.status}`);
            return null;
          }
          const cookie = cookieFrom(reply, "casebook_device");
          const counter = eventCounter();
          if (i >= streamCount) return { cookie, counter: null };
          try {
            await c.stream(`/workshops/${workshopId}/events`, cookie, counter.onData);
          } catch {
            fail("stream");
            return { cookie, counter: null };
          }
          return { cookie, counter };
        }
        fail("join 429");
        return null;
      },
      joinSpacing ? (i) => i * joinSpacing : undefined,
    );
    const joined = phones.filter((p) => p !== null);
    const streams = joined.filter((p) => p.counter !== null).length;

    // 5. Through the case stages to the first vote.
    await sleep(300); // the joins' last coalesced broadcast
    for (let step = 0; step < 10 && projector.at(-1)?.stage !== "vote-1"; step += 1) {
      const from = projector.at(-1)?.stage;
      const reply = await c.request("POST", `/workshops/${workshopId}`, { cookie: session, form: new URLSearchParams({ intent: "next" }) });
      if (reply.status !== 200) throw new Error(`"next" answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      await until(() => projector.at(-1)?.stage !== from, 10_000, "the projector to see the next stage");
    }
    await until(() => projector.at(-1)?.stage === "vote-1" && projector.at(-1)!.votingOpen, 10_000, "voting to open");
    const openedAt = projector.length;
    await sleep(500); // let the stage-change broadcast reach every phone first
    const idleRss = rssMb(pid) ?? 0;

    // 6. The burst: every phone votes once, sends spread over VOTE_SPREAD_MS, at most VOTE_CONCURRENCY in flight.
    // Phones run the page's JavaScript: a vote is one single-fetch POST, and the phone route opts
    // out of reloading its data afterwards (shouldRevalidate), so no GET follows.
    const votePath = process.env.BENCH_VOTE_PATH === "document" || process.env.BENCH_VOTE_PATH === "data" ? process.env.BENCH_VOTE_PATH : "fetcher";
    const target = votePath === "document" ? `/w/${code}` : `/w/${code}.data`;
    let peakRss = idleRss;
    sampler = setInterval(() => {
      const rss = rssMb(pid);
      if (rss !== null && rss > peakRss) peakRss = rss;
    }, 250);
    const random = (i: number, k: number) => (i * 7919 + k * 104729) % 1_000_003;
    lag.enable();
    const cpuBefore = cpuMs(pid);
    const clientCpuBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const burstStart = performance.now();
    const votes = await pool(
      joined.length,
      VOTE_CONCURRENCY,
      async (i) => {
        const form = new URLSearchParams({
          intent: "vote",
          "option-employee": String(random(i, 1) % 4),
          "judgement-employee": String((random(i, 2) % 7) - 3),
          "option-employer": String(random(i, 3) % 4),
          "judgement-employer": String((random(i, 4) % 7) - 3),
        });
        const sentAt = performance.now();
        try {
          const reply = await c.request("POST", target, { cookie: joined[i]!.cookie, form });
          const ackAt = performance.now();
          const ok = reply.status === 200 && reply.body.includes("Your vote is in.");
          if (!ok) fail(`vote ${reply.status}`);
          // Remix's client revalidates the page's loaders after an action; a document post includes them.
          if (votePath === "data") await c.request("GET", target, { cookie: joined[i]!.cookie }).catch(() => fail("revalidate error"));
          return { sentAt, ackAt, ok };
        } catch {
          fail("vote error");
          return { sentAt, ackAt: performance.now(), ok: false };
        }
      },
      (i) => (i * VOTE_SPREAD_MS) / Math.max(1, joined.length),
    );
    const burstMs = performance.now() - burstStart;
    const acked = votes.filter((v) => v.ok).sort((a, b) => a.ackAt - b.ackAt);
    // Give the last coalesced broadcasts time to arrive.
    await until(() => (projector.at(-1)?.answered ?? 0) >= acked.length, 10_000, "the projector to show every vote").catch(() => {});
    const cpuAfter = cpuMs(pid);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const machineAfter = machineCpu();
    const burstWallMs = performance.now() - burstStart;
    lag.disable();
    clearInterval(sampler);
    sampler = undefined;
    const rssNow = rssMb(pid);
    if (rssNow !== null && rssNow > peakRss) peakRss = rssNow;

    // 7. What reached the projector, and when.
    const latencies: number[] = [];
    let unseen = 0;
    const events = projector.slice(openedAt);
    acked.forEach((vote, index) => {
      const shown = events.find((e) => e.at >= vote.sentAt && e.answered >= index + 1);
      if (shown) latencies.push(shown.at - vote.sentAt);
      else unseen += 1;
    });
    latencies.sort((a, b) => a - b);
    const ackTimes = acked.map((v) => v.ackAt - v.sentAt).sort((a, b) => a - b);

    // 8. What the database holds, read-only while the server still runs.
    const sqlite = new SQLite(databasePath, { readonly: true, fileMustExist: true });
    const stored = (sqlite.prepare("select count(distinct participant_id) as n from workshop_votes where round = 1").get() as { n: number }).n;
    sqlite.close();

    const phoneCounts = joined.filter((p) => p.counter).map((p) => p.counter!.count());
    return {
      participants: n,
      joined: joined.length,
      streams,
      votesSent: votes.length,
      acknowledged: acked.length,
      stored,
      lost: Math.max(0, acked.length - stored),
      storedUnacknowledged: Math.max(0, stored - acked.length),
      unseen,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      ackP50Ms: percentile(ackTimes, 50),
      ackP99Ms: percentile(ackTimes, 99),
      burstMs,
      peakRssMb: peakRss,
      idleRssMb: idleRss,
      projectorEvents: projector.length,
      phoneEventsAvg: phoneCounts.reduce((s, x) => s + x, 0) / Math.max(1, phoneCounts.length),
      clientLagP99Ms: lag.percentile(99) / 1e6,
      serverCpuMsPerVote: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / Math.max(1, acked.length) : Number.NaN,
      burstEvents: events.length,
      serverCpuShare: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / burstWallMs : Number.NaN,
      clientCpuShare: (clientCpu.user + clientCpu.system) / 1000 / burstWallMs,
      machineCpuShare: (machineAfter.busy - machineBefore.busy) / burstWallMs,
      stealShare: (machineAfter.steal - machineBefore.steal) / burstWallMs,
      votePath,
      failures,
    };
  };

  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, fail) => {
        deadline = setTimeout(() => fail(new Error(`The workshop benchmark took longer than ${overallTimeoutMs / 1000} s.`)), overallTimeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(deadline);
    if (sampler) clearInterval(sampler);
    lag.disable();
    client?.close();
    if (server && server.exitCode === null && server.signalCode === null) {
      const child = server;
      const gone = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(killer);
    }
    // BENCH_KEEP_DB=<file> keeps a copy of the benchmark's database for a closer look.
    if (process.env.BENCH_KEEP_DB && existsSync(databasePath)) copyFileSync(databasePath, process.env.BENCH_KEEP_DB);
    rmSync(dir, { recursive: true, force: true });
  }
}
