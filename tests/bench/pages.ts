/**
 * Page throughput and vote latency against the built server: requests per second for the case
 * page and the library beside a static page served through the same Remix stack (the baseline),
 * and the latency of recording a position with 50 people voting at once. One server, warmed up
 * once, measured `runs` times (each run: every page, then the static page and the votes).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { ballotFields, ensureBuild, Http, makeWorkspace, Server, signUp } from "../reliability/harness";

export interface PageThroughput {
  path: string;
  label: string;
  requestsPerSecond: number;
}

/** One run's figures. */
export interface PagesBench {
  pages: PageThroughput[];
  vote: { voters: number; votes: number; p50Ms: number; p99Ms: number; failures: number };
  /** The same clients, as many requests, fetching the static page: the baseline for the vote's latency. */
  staticUnderVoters: { p50Ms: number; p99Ms: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** GET without reading the body into a string: the client's own work must not grow with the page's size (it shares the machine). */
function fetchDiscarding(client: Http, path: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = http.get({ host: "127.0.0.1", port: client.port, path, agent: client.agent }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode ?? 0));
      res.on("error", fail);
    });
    req.on("error", fail);
  });
}

async function throughput(client: Http, path: string, seconds: number, concurrency: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const status = await fetchDiscarding(client, path);
        if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

/** `seconds` of page requests per run (split over the pages), after `warmUpSeconds` per page. */
export async function benchPages(options: { runs?: number; seconds?: number; warmUpSeconds?: number; concurrency?: number; voters?: number; votesEach?: number } = {}): Promise<PagesBench[]> {
  const runs = options.runs ?? 3;
  const seconds = options.seconds ?? 10;
  const warmUpSeconds = options.warmUpSeconds ?? 2;
  const concurrency = options.concurrency ?? 16;
  const voters = options.voters ?? 50;
  const votesEach = options.votesEach ?? 8;
  ensureBuild();
  const workspace = makeWorkspace("bench-pages");
  // Each voter signs up from its own forwarded address, as behind a proxy, so sign-up limits per address do not apply.
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { TRUST_PROXY: "loopback" }, entry: "built" });
  try {
    await server.start();
    const client = new Http(server.port);
    const targets = [
      ["/privacy", "static page (baseline)"],
      ["/", "library"],
      ["/cases/background-check", "case page"],
    ] as const;
    for (const [path] of targets) await throughput(client, path, warmUpSeconds, concurrency); // warm-up (the JIT)
    const sessions: string[] = [];
    for (let i = 0; i < voters; i += 1) sessions.push(await signUp(client, `bench-voter-${i}@casebook.test`, `Voter ${i}`, { "X-Forwarded-For": `10.9.${Math.floor(i / 250)}.${i % 250}` }));
    const results: PagesBench[] = [];
    for (let run = 0; run < runs; run += 1) results.push(await measureRun(client, targets, sessions, seconds, concurrency, votesEach));
    client.close();
    return results;
  } finally {
    await server.stop();
    workspace.remove();
  }
}

/** One run on a warmed-up server: page throughput in rotating turns, then the static page and the votes from the same clients. */
async function measureRun(client: Http, targets: readonly (readonly [string, string])[], sessions: string[], seconds: number, concurrency: number, votesEach: number): Promise<PagesBench> {
  // Short turns in rotating order, the median per page: a burst of other work on the machine
  // then spoils one turn of one page, not a whole page's figure and so its ratio.
  const turns = new Map<string, number[]>(targets.map(([path]) => [path, []]));
  const rounds = 5;
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < targets.length; i += 1) {
      const [path] = targets[(i + round) % targets.length]!;
      turns.get(path)!.push(await throughput(client, path, seconds / rounds, concurrency));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pages: PageThroughput[] = targets.map(([path, label]) => ({ path, label, requestsPerSecond: median(turns.get(path)!) }));

  const staticLatencies: number[] = [];
  await Promise.all(
    sessions.map(async (cookie) => {
      for (let k = 0; k < votesEach; k += 1) {
        const started = performance.now();
        await client.request("GET", "/privacy", { cookie });
        staticLatencies.push(performance.now() - started);
      }
    }),
  );
  staticLatencies.sort((a, b) => a - b);
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    sessions.map(async (cookie, i) => {
      for (let k = 0; k < votesEach; k += 1) {
        const perspective = k % 2 === 0 ? "employee" : "employer";
        const form = new URLSearchParams({
          intent: "position",
          perspective,
          ...ballotFields(perspective, (i + k) % 4),
          judgement: String(((i + k) % 7) - 3),
          legal: "unsure",
          confidence: "medium",
        });
        const started = performance.now();
        // The JavaScript client's request: the action alone (single fetch), not the page around it.
        const reply = await client.request("POST", "/cases/background-check.data", { cookie, form });
        latencies.push(performance.now() - started);
        if (reply.status !== 200) failures += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    pages,
    vote: { voters: sessions.length, votes: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), failures },
    staticUnderVoters: { p50Ms: percentile(staticLatencies, 50), p99Ms: percentile(staticLatencies, 99) },
  };
}
