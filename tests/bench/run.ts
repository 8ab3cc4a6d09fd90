/**
 * `npm run bench`: one table of performance figures measured in one run, each as a number and as
 * a ratio against a baseline measured in the same run, with the target it is held to.
 *
 * BENCH_SIZES (default 10000,100000,1000000) sets the results-loader sizes; BENCH_POSTGRES=0
 * skips the PostgreSQL rows; BENCH_PAGES=0 the page and vote rows; BENCH_PARTICIPANTS (default
 * 1000) and BENCH_SCALE_PARTICIPANTS (default 3000, over 3 processes on PostgreSQL + Redis) size
 * the live-workshop rows, 0 skips them; BENCH_RELEASE_PLAN=0 skips the release-plan rows;
 * BENCH_STARTUP=0 the start-up row.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { createPostgresDatabase } from "../integration/test-database";
import { REDIS_URL, servicesMissing } from "../scale/services";
import { benchPages } from "./pages";
import { benchReleasePlan } from "./release-plan";
import { benchResultsLoader } from "./results-loader";
import { benchResultsLoaderPostgres } from "./results-loader-pg";
import { benchStartup } from "./startup";
import { benchWorkshop, VOTES_PER_SECOND, type WorkshopBenchResult } from "./workshop";

interface Row {
  figure: string;
  value: number;
  unit: string;
  /** What the ratio is against: a figure from this same run. */
  baseline?: { label: string; value: number };
  target?: { text: string; met: boolean };
}

const rows: Row[] = [];
const notes: string[] = [];
const started = Date.now();
const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const enabled = (name: string) => process.env[name] !== "0";
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a");

/** Whole-machine CPU counters in ms: busy, and stolen by the hypervisor (other tenants of the host). */
function machineCpu(): { busy: number; steal: number; total: number } {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq!;
  return { busy: busy * 10, steal: steal! * 10, total: (busy + idle! + iowait! + steal!) * 10 };
}
const machineBefore = machineCpu();

console.log(
  `Casebook benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
    `load average before the run ${loadavg()[0]!.toFixed(2)}`,
);

// Pages and the async vote: requests per second against a static page through the same stack.
if (enabled("BENCH_PAGES")) {
  process.stdout.write("… pages and votes\n");
  const p = await benchPages();
  const [staticPage, ...others] = p.pages;
  rows.push({ figure: `static page ${staticPage!.path}, 16 clients`, value: staticPage!.requestsPerSecond, unit: "req/s", baseline: { label: "itself", value: staticPage!.requestsPerSecond } });
  for (const page of others) {
    const ratio = page.requestsPerSecond / staticPage!.requestsPerSecond;
    const isCase = page.path.startsWith("/cases/");
    rows.push({
      figure: `${page.label} ${page.path}`,
      value: page.requestsPerSecond,
      unit: "req/s",
      baseline: { label: "static page", value: staticPage!.requestsPerSecond },
      target: isCase ? { text: "≥ 0.70×", met: ratio >= 0.7 } : undefined,
    });
  }
  for (const [label, value, base] of [
    ["p50", p.vote.p50Ms, p.staticUnderVoters.p50Ms],
    ["p99", p.vote.p99Ms, p.staticUnderVoters.p99Ms],
  ] as const) {
    rows.push({ figure: `record a position, ${p.vote.voters} voters at once, ${label}`, value, unit: "ms", baseline: { label: `static page ${label}, same clients`, value: base } });
  }
  if (p.vote.failures) notes.push(`record a position: ${p.vote.failures} of ${p.vote.votes} requests failed`);
}

// The results loader as positions grow, and on PostgreSQL beside SQLite.
process.stdout.write("… results loader\n");
const timings = await benchResultsLoader(sizes);
const smallest = timings[0]!;
for (const t of timings) {
  rows.push({
    figure: `results loader, ${t.positions.toLocaleString("en")} positions (SQLite)`,
    value: t.medianMs,
    unit: "ms",
    baseline: { label: `${smallest.positions.toLocaleString("en")} positions`, value: smallest.medianMs },
    target: t.positions >= 1_000_000 ? { text: "< 200 ms", met: t.medianMs < 200 } : undefined,
  });
}
if (enabled("BENCH_POSTGRES")) {
  const largest = timings.at(-1)!;
  const onPostgres = await benchResultsLoaderPostgres(largest.positions);
  if (typeof onPostgres === "string") notes.push(`results loader on PostgreSQL ${onPostgres}`);
  else
    rows.push({
      figure: `results loader, ${onPostgres.positions.toLocaleString("en")} positions (PostgreSQL)`,
      value: onPostgres.medianMs,
      unit: "ms",
      baseline: { label: "SQLite, same size", value: largest.medianMs },
    });
}

// Planning an online release as the case's history grows (every release tested with all earlier ones).
if (enabled("BENCH_RELEASE_PLAN")) {
  process.stdout.write("… release plan\n");
  const plans = benchReleasePlan([0, 10, 50, 100]);
  const first = plans[0]!;
  for (const p of plans) {
    rows.push({
      figure: `plan an online release after ${p.releases} releases (${p.people.toLocaleString("en")} people)`,
      value: p.medianMs,
      unit: "ms",
      baseline: { label: "first release", value: first.medianMs },
      target: p.releases >= 100 ? { text: "< 250 ms", met: p.medianMs < 250 } : undefined,
    });
  }
}

// Start-up to the first /livez answer: what `npm start` runs against the source through tsx.
if (enabled("BENCH_STARTUP")) {
  process.stdout.write("… start-up\n");
  const s = await benchStartup();
  rows.push({
    figure: "start-up to first /livez, node build/server.js (npm start)",
    value: s.builtMs,
    unit: "ms",
    baseline: { label: "tsx server.ts, same database", value: s.tsxMs },
    target: { text: "< tsx", met: s.builtMs < s.tsxMs },
  });
}

// The live workshop: one process on SQLite, then three on PostgreSQL + Redis.
function workshopRows(w: WorkshopBenchResult, base: WorkshopBenchResult | null, p99Limit: number): void {
  const where = `${w.processes} process${w.processes > 1 ? "es" : ""}, ${w.backend}, ${w.participants.toLocaleString("en")} phones`;
  rows.push({ figure: `workshop (${where}): lost votes`, value: w.lost, unit: "votes", baseline: { label: "acknowledged", value: w.acknowledged }, target: { text: "0", met: w.lost === 0 } });
  for (const [label, value, ack, limit] of [
    ["p50", w.p50Ms, w.ackP50Ms, undefined],
    ["p99", w.p99Ms, w.ackP99Ms, p99Limit],
  ] as const) {
    rows.push({
      figure: `workshop (${where}): vote → projector ${label}`,
      value,
      unit: "ms",
      baseline: base ? { label: `1 process ${label}`, value: label === "p50" ? base.p50Ms : base.p99Ms } : { label: `vote → HTTP answer ${label}`, value: ack },
      target: limit ? { text: `< ${limit} ms`, met: value < limit } : undefined,
    });
  }
  const peak = Math.max(...w.peakRssMb);
  rows.push({
    figure: `workshop (${where}): peak memory${w.processes > 1 ? " per process (largest)" : ""}`,
    value: peak,
    unit: "MB",
    baseline: base ? { label: "1 process", value: Math.max(...base.peakRssMb) } : { label: "idle, before the votes", value: Math.max(...w.idleRssMb) },
    target: { text: "< 300 MB", met: peak < 300 },
  });
  const failures = Object.entries(w.failures).map(([what, n]) => `${what} ×${n}`);
  notes.push(
    `workshop, ${where}: ${w.joined} joined, ${w.streams} streams, ${w.acknowledged}/${w.votesSent} votes acknowledged within a ${fmt(w.voteWindowMs / 1000)} s window ` +
      `(${w.votePath} votes, ${VOTES_PER_SECOND}/s), ${w.stored} stored, ${w.unseen} never shown on the projector; ` +
      `peak memory per process ${w.peakRssMb.map((x) => fmt(x, 0)).join(", ")} MB; server CPU ${fmt(w.serverCpuMsPerVote)} ms per vote, ${fmt(w.serverCpuShare, 2)} cores busy ` +
      `(benchmark ${fmt(w.clientCpuShare, 2)}, its event-loop lag p99 ${fmt(w.clientLagP99Ms, 0)} ms); ${fmt(w.phoneEventsAvg)} events per phone` +
      (failures.length ? `; failures: ${failures.join(", ")}` : ""),
  );
}

let single: WorkshopBenchResult | null = null;
const participants = count("BENCH_PARTICIPANTS", 1000);
if (participants > 0) {
  process.stdout.write(`… live workshop, 1 process, ${participants} phones\n`);
  single = await benchWorkshop({ participants, processes: 1 });
  workshopRows(single, null, 250);
}
const scaleParticipants = count("BENCH_SCALE_PARTICIPANTS", 3000);
if (scaleParticipants > 0) {
  const missing = await servicesMissing();
  if (missing) notes.push(`workshop on 3 processes skipped: cannot reach ${missing}`);
  else {
    process.stdout.write(`… live workshop, 3 processes on PostgreSQL + Redis, ${scaleParticipants} phones\n`);
    const database = await createPostgresDatabase("bench");
    try {
      const scaled = await benchWorkshop({
        participants: scaleParticipants,
        processes: 3,
        scaleOut: { databaseUrl: database.url, redisUrl: REDIS_URL, redisPrefix: `casebook_bench_${randomBytes(4).toString("hex")}:` },
      });
      workshopRows(scaled, single, 500);
    } finally {
      await database.drop();
    }
  }
}

// The table.
const header = ["figure", "value", "baseline (same run)", "ratio", "target", ""];
const lines = rows.map((row) => {
  const ratio = row.baseline && row.baseline.value !== 0 ? row.value / row.baseline.value : Number.NaN;
  const digits = row.unit === "req/s" || row.unit === "votes" || row.unit === "MB" ? 0 : 1;
  return [
    row.figure,
    `${fmt(row.value, digits)} ${row.unit}`,
    row.baseline ? `${row.baseline.label}: ${fmt(row.baseline.value, digits)}` : "",
    Number.isFinite(ratio) ? `${fmt(ratio, 2)}×` : "",
    row.target?.text ?? "",
    row.target ? (row.target.met ? "ok" : "MISSED") : "",
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const align = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
console.log("");
console.log(align(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const line of lines) console.log(align(line));
if (notes.length) console.log("");
for (const note of notes) console.log(`· ${note}`);
const machineAfter = machineCpu();
const stolen = (machineAfter.steal - machineBefore.steal) / Math.max(1, machineAfter.total - machineBefore.total);
console.log(
  `\n${rows.filter((r) => r.target && !r.target.met).length} of ${rows.filter((r) => r.target).length} targets missed; ${Math.round((Date.now() - started) / 1000)} s in all; ` +
    `${(stolen * 100).toFixed(1)}% of the machine's CPU time was stolen by the hypervisor.`,
);
