/**
 * `npm run bench`: performance figures measured in one run, printed as numbers and as ratios
 * against a baseline from the same run. Set BENCH_SIZES=10000,100000 to choose the sizes, and
 * BENCH_PARTICIPANTS (default 1000; 0 skips it) for the live-workshop benchmark.
 */
import { cpus, totalmem } from "node:os";
import { benchResultsLoader } from "./results-loader";
import { benchResultsLoaderPostgres } from "./results-loader-pg";
import { benchPages } from "./pages";
import { benchWorkshop } from "./workshop";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);

console.log(`Casebook benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log("");
console.log("Results-page loader (SQLite, one case, grouped queries over current positions)");
const timings = await benchResultsLoader(sizes);
const baseline = timings[0]!;
console.log(["positions".padStart(10), "median ms".padStart(10), "p95 ms".padStart(8), `× ${baseline.positions.toLocaleString("en")}`.padStart(14)].join("  "));
for (const t of timings) {
  console.log(
    [
      t.positions.toLocaleString("en").padStart(10),
      t.medianMs.toFixed(1).padStart(10),
      t.p95Ms.toFixed(1).padStart(8),
      `${(t.medianMs / baseline.medianMs).toFixed(1)}×`.padStart(14),
    ].join("  "),
  );
}

if (process.env.BENCH_POSTGRES !== "0") {
  const largest = Math.max(...sizes);
  const onPostgres = await benchResultsLoaderPostgres(largest);
  const onSqlite = timings.find((t) => t.positions >= largest * 0.99) ?? timings.at(-1)!;
  if (typeof onPostgres === "string") console.log(`PostgreSQL row ${onPostgres}`);
  else
    console.log(
      `PostgreSQL, ${onPostgres.positions.toLocaleString("en")} positions: median ${onPostgres.medianMs.toFixed(1)} ms, p95 ${onPostgres.p95Ms.toFixed(1)} ms` +
        ` (${(onPostgres.medianMs / onSqlite.medianMs).toFixed(2)}× SQLite's ${onSqlite.medianMs.toFixed(1)} ms)`,
    );
}

if (process.env.BENCH_PAGES !== "0") {
  console.log("");
  console.log("Pages and votes (built server on localhost, SQLite; 16 concurrent readers, 50 concurrent voters)");
  const p = await benchPages();
  const base = p.pages[0]!.requestsPerSecond;
  console.log(["page".padEnd(26), "requests/s".padStart(11), "× baseline".padStart(11)].join("  "));
  for (const page of p.pages) {
    console.log([`${page.label} ${page.path}`.padEnd(26), page.requestsPerSecond.toFixed(0).padStart(11), `${(page.requestsPerSecond / base).toFixed(2)}×`.padStart(11)].join("  "));
  }
  const casePage = p.pages.find((x) => x.path.startsWith("/cases/"))!;
  console.log(`target: case page ≥ 0.70× the baseline: ${(casePage.requestsPerSecond / base).toFixed(2)}× ${casePage.requestsPerSecond / base >= 0.7 ? "ok" : "under"}`);
  console.log(
    `record a position, ${p.vote.voters} voters at once (${p.vote.votes} votes): p50 ${p.vote.p50Ms.toFixed(1)} ms, p99 ${p.vote.p99Ms.toFixed(1)} ms` +
      (p.vote.failures ? `, ${p.vote.failures} failed` : ""),
  );
}

const participants = Number(process.env.BENCH_PARTICIPANTS ?? 1000);
if (participants > 0) {
  console.log("");
  console.log("Live workshop (built server on localhost, SSE streams, every phone votes within ~2.5 s)");
  const w = await benchWorkshop({ participants });
  const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
  const columns: [string, string][] = [
    ["participants", w.participants.toLocaleString("en")],
    ["votes sent", w.votesSent.toLocaleString("en")],
    ["acknowledged", w.acknowledged.toLocaleString("en")],
    ["stored", w.stored.toLocaleString("en")],
    ["lost", String(w.lost)],
    ["p50 ms", ms(w.p50Ms)],
    ["p99 ms", ms(w.p99Ms)],
    ["peak RSS MB", w.peakRssMb.toFixed(0)],
    ["projector events", String(w.projectorEvents)],
  ];
  console.log(columns.map(([head, value]) => head.padStart(Math.max(head.length, value.length))).join("  "));
  console.log(columns.map(([head, value]) => value.padStart(Math.max(head.length, value.length))).join("  "));
  const mark = (ok: boolean) => (ok ? "ok" : "over");
  console.log(
    `targets: lost ${w.lost} / 0 ${mark(w.lost === 0)} · p99 ${ms(w.p99Ms)} / 250 ms = ${(w.p99Ms / 250).toFixed(2)}× ${mark(w.p99Ms < 250)}` +
      ` · RSS ${w.peakRssMb.toFixed(0)} / 300 MB = ${(w.peakRssMb / 300).toFixed(2)}× ${mark(w.peakRssMb < 300)}`,
  );
  const failures = Object.entries(w.failures).map(([what, count]) => `${what} ×${count}`);
  const detail = [
    `${w.joined} joined, ${w.streams} phone streams; votes posted as ${w.votePath} requests, the last answered ${(w.burstMs / 1000).toFixed(1)} s after the first was sent`,
    `send → HTTP answer p50 ${ms(w.ackP50Ms)} ms, p99 ${ms(w.ackP99Ms)} ms; ${w.unseen} acknowledged votes never shown on the projector` +
      (w.storedUnacknowledged ? `; ${w.storedUnacknowledged} votes stored without an acknowledgement` : ""),
    `${w.burstEvents} broadcasts during the burst, ${w.phoneEventsAvg.toFixed(1)} events per phone in all; idle RSS before the burst ${w.idleRssMb.toFixed(0)} MB`,
    `server CPU ${w.serverCpuMsPerVote.toFixed(1)} ms per vote; cores busy in the burst: server ${w.serverCpuShare.toFixed(2)}, benchmark ${w.clientCpuShare.toFixed(2)},` +
      ` whole machine ${w.machineCpuShare.toFixed(2)} of ${cpus().length} (stolen ${w.stealShare.toFixed(2)}); benchmark event-loop lag p99 ${w.clientLagP99Ms.toFixed(0)} ms`,
  ];
  if (failures.length) detail.push(`failures: ${failures.join(", ")}`);
  for (const line of detail) console.log(`  ${line}`);
}
