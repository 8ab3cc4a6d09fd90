/**
 * Page throughput and vote latency against the built server: requests per second for the case
 * page and the library beside a static page served through the same Remix stack (the baseline),
 * and the latency of recording a position with 50 people voting at once.
 */
import { performance } from "node:perf_hooks";
import { ensureBuild, Http, makeWorkspace, Server, signUp } from "../reliability/harness";

export interface PageThroughput {
  path: string;
  label: string;
  requestsPerSecond: number;
}

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

async function throughput(client: Http, path: string, seconds: number, concurrency: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const reply = await client.request("GET", path);
        if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}`);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

export async function benchPages(options: { seconds?: number; concurrency?: number; voters?: number; votesEach?: number } = {}): Promise<PagesBench> {
  const seconds = options.seconds ?? 4;
  const concurrency = options.concurrency ?? 16;
  const voters = options.voters ?? 50;
  const votesEach = options.votesEach ?? 8;
  ensureBuild();
  const workspace = makeWorkspace("bench-pages");
  // Each voter signs up from its own forwarded address, as behind a proxy, so sign-up limits per address do not apply.
  const server = new Server({ databasePath: workspace.databasePath, casesDir: workspace.casesDir, env: { TRUST_PROXY: "loopback" } });
  try {
    await server.start();
    const http = new Http(server.port);
    const pages: PageThroughput[] = [];
    for (const [path, label] of [
      ["/privacy", "static page (baseline)"],
      ["/", "library"],
      ["/cases/background-check", "case page"],
    ] as const) {
      await throughput(http, path, 1, concurrency); // warm-up
      pages.push({ path, label, requestsPerSecond: await throughput(http, path, seconds, concurrency) });
    }

    const sessions: string[] = [];
    for (let i = 0; i < voters; i += 1) sessions.push(await signUp(http, `bench-voter-${i}@casebook.test`, `Voter ${i}`, { "X-Forwarded-For": `10.9.${Math.floor(i / 250)}.${i % 250}` }));
    const staticLatencies: number[] = [];
    await Promise.all(
      sessions.map(async (cookie) => {
        for (let k = 0; k < votesEach; k += 1) {
          const started = performance.now();
          await http.request("GET", "/privacy", { cookie });
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
          const form = new URLSearchParams({
            intent: "position",
            perspective: k % 2 === 0 ? "employee" : "employer",
            option: String((i + k) % 4),
            judgement: String(((i + k) % 7) - 3),
            legal: "unsure",
            confidence: "medium",
          });
          const started = performance.now();
          // The JavaScript client's request: the action alone (single fetch), not the page around it.
          const reply = await http.request("POST", "/cases/background-check.data", { cookie, form });
          latencies.push(performance.now() - started);
          if (reply.status !== 200) failures += 1;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    http.close();
    return {
      pages,
      vote: { voters, votes: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), failures },
      staticUnderVoters: { p50Ms: percentile(staticLatencies, 50), p99Ms: percentile(staticLatencies, 99) },
    };
  } finally {
    await server.stop();
    workspace.remove();
  }
}
