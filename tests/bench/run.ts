/**
 * `npm run bench` (`-- --quick` for a reduced set in under 3 minutes): one table of performance
 * figures, each beside the limit it is read against, measured in the same run: what the machine
 * does with the least software (a bare node:http + better-sqlite3 server for the live workshop, a
 * raw GROUP BY for the results, the static page for pages), or for figures without such a floor
 * another figure of the app. Every figure is measured BENCH_RUNS (3) times; the table shows the
 * median with the smallest and largest in brackets, and the ratio as the median of the runs' own
 * ratios (figure ÷ limit of the same run), so a machine that drifts moves both sides together.
 * Targets (issue #19 and earlier ones) are judged on the medians.
 *
 * Full run: BENCH_SIZES (default 10000,100000,1000000,10000000) sets the results-loader sizes
 * (ten million positions take about 10 of the run's minutes: seeding, the first release a slice at
 * a time, and the raw GROUP BY); BENCH_POSTGRES=0 skips the PostgreSQL rows, which are measured at
 * the largest size up to BENCH_POSTGRES_POSITIONS (default 1000000); BENCH_PAGES=0 the page and vote rows;
 * BENCH_PARTICIPANTS (default 1000, beside the bare server), BENCH_LARGE_ROOM (default 10000, one
 * process) and BENCH_SCALE_PARTICIPANTS (default 9000, over 3 processes on PostgreSQL + Redis) size
 * the live-workshop rows, 0 skips them; BENCH_RELEASE_PLAN=0 skips
 * the release-plan rows; BENCH_STARTUP=0 the start-up row; BENCH_ROLE_PLAY (default 1000, 0 skips)
 * sizes the role-play room (tests/bench/role-play.ts). `--quick`: shorter page turns, sizes
 * 10000,100000, the 1,000-phone room, and no PostgreSQL, 10,000-phone, scale-out, release-plan or start-up rows
 * (each can be turned back on with its variable, e.g. BENCH_STARTUP=1).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { createPostgresDatabase } from "../integration/test-database";
import { REDIS_URL, servicesMissing } from "../scale/services";
import { LATENCY_FLOOR_GAP_MS } from "./baseline-server";
import { benchPages } from "./pages";
import { benchReleasePlan } from "./release-plan";
import { benchRolePlay, type RolePlayBenchResult } from "./role-play";
import { benchResultsLoader, NEWCOMERS } from "./results-loader";
import { benchResultsLoaderPostgres } from "./results-loader-pg";
import { benchStartup } from "./startup";
import { benchBareWorkshop, benchWorkshop, VOTES_PER_SECOND, type BurstResult, type WorkshopBenchResult } from "./workshop";

/** A bound on a row's median value or on its median ratio to its limit. */
interface Target {
  text: string;
  on: "value" | "ratio";
  met: (x: number) => boolean;
}

interface Row {
  figure: string;
  unit: string;
  /** One per run. */
  values: number[];
  /** What the figure is read against, one per run, measured beside it. */
  limit?: { label: string; values: number[] };
  targets?: Target[];
}

const quick = process.argv.includes("--quick");
const rows: Row[] = [];
const notes: string[] = [];
const started = Date.now();
const setting = (name: string) => process.env[name];
const enabled = (name: string, byDefault: boolean) => (setting(name) === undefined ? byDefault : setting(name) !== "0");
const count = (name: string, fallback: number) => Number(setting(name) ?? fallback);
const runs = count("BENCH_RUNS", 3);
const sizes = (setting("BENCH_SIZES") ?? (quick ? "10000,100000" : "10000,100000,1000000,10000000")).split(",").map(Number);
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a");
const n = (x: number) => x.toLocaleString("en");

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Each run's figure divided by the same run's limit. */
const ratios = (row: Row) => (row.limit ? row.values.map((v, i) => v / row.limit!.values[i]!).filter(Number.isFinite) : []);

// The table: median (min–max) of the runs, the limit likewise, and the median of the runs' ratios.
const digitsOf = (unit: string) => (["req/s", "votes", "MB", "frames/s"].includes(unit) ? 0 : 1);
const spread = (xs: number[], digits: number) => {
  const s = sorted(xs);
  return s.length > 1 ? ` (${fmt(s[0]!, digits)}–${fmt(s.at(-1)!, digits)})` : "";
};
/** Ratios far from 1 keep two significant figures, so a 0.0004× is not printed as 0.00×. */
const fmtRatio = (x: number) => (Math.abs(x) >= 0.1 || x === 0 ? fmt(x, 2) : x.toPrecision(2));
const verdict = (row: Row) => {
  const missed = (row.targets ?? []).filter((t) => !t.met(t.on === "value" ? median(row.values) : median(ratios(row))));
  return { missed, text: row.targets?.length ? (missed.length ? `MISSED ${missed.map((t) => t.text).join(", ")}` : "ok") : "" };
};
/** A row's cells: figure, median (min–max), limit, ratio, targets, verdict. */
function cells(row: Row): string[] {
  const digits = digitsOf(row.unit);
  const r = ratios(row);
  return [
    row.figure,
    `${fmt(median(row.values), digits)} ${row.unit}${spread(row.values, digits)}`,
    row.limit ? `${row.limit.label} ${fmt(median(row.limit.values), digits)}${spread(row.limit.values, digits)}` : "",
    r.length ? `${fmtRatio(median(r))}×${r.length > 1 ? ` (${fmtRatio(sorted(r)[0]!)}–${fmtRatio(sorted(r).at(-1)!)})` : ""}` : "",
    (row.targets ?? []).map((t) => t.text).join("; "),
    verdict(row).text,
  ];
}

// Each part's rows as soon as it is done, so a long or interrupted run still shows what it measured.
let printed = 0;
function flush(): void {
  for (const row of rows.slice(printed)) console.log(`  ${cells(row).filter(Boolean).join(" | ")}`);
  printed = rows.length;
}

/** Whole-machine CPU counters in ms: busy, and stolen by the hypervisor (other tenants of the host). */
function machineCpu(): { busy: number; steal: number; total: number } {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq!;
  return { busy: busy * 10, steal: steal! * 10, total: (busy + idle! + iowait! + steal!) * 10 };
}
const machineBefore = machineCpu();
const step = (what: string) => {
  flush();
  process.stdout.write(`… ${what} (${Math.round((Date.now() - started) / 1000)} s)\n`);
};

console.log(
  `Casebook benchmarks${quick ? " (quick)" : ""}, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
    `load average before the run ${loadavg()[0]!.toFixed(2)}; each figure the median of ${runs} runs (min–max)`,
);

// Pages and the async vote: requests per second against the static page through the same stack.
if (enabled("BENCH_PAGES", true)) {
  step("pages and votes");
  const results = quick ? await benchPages({ runs, seconds: 3, warmUpSeconds: 1, voters: 20, votesEach: 5 }) : await benchPages({ runs });
  const [first] = results;
  const staticPage = first!.pages[0]!;
  const staticValues = results.map((r) => r.pages[0]!.requestsPerSecond);
  rows.push({ figure: `static page ${staticPage.path}, 16 clients (the limit for pages)`, unit: "req/s", values: staticValues });
  first!.pages.slice(1).forEach((page, index) => {
    rows.push({
      figure: `${page.label} ${page.path}`,
      unit: "req/s",
      values: results.map((r) => r.pages[index + 1]!.requestsPerSecond),
      limit: { label: "static page", values: staticValues },
      // Issue #19 holds the library to it; the case page was held to it before.
      targets: [{ text: "≥ 0.70× static", on: "ratio", met: (r) => r >= 0.7 }],
    });
  });
  for (const label of ["p50", "p99"] as const) {
    const key = label === "p50" ? "p50Ms" : "p99Ms";
    rows.push({
      figure: `record a position, ${first!.vote.voters} voters at once, ${label}`,
      unit: "ms",
      values: results.map((r) => r.vote[key]),
      limit: { label: `static page ${label}, same clients`, values: results.map((r) => r.staticUnderVoters[key]) },
    });
  }
  const failed = results.reduce((sum, r) => sum + r.vote.failures, 0);
  if (failed) notes.push(`record a position: ${failed} of ${results.reduce((sum, r) => sum + r.vote.votes, 0)} requests failed`);
}

// The results loader as positions grow, each size beside a raw GROUP BY of the same positions:
// the first read after new answers (it makes a release), then reads of the stored release.
step("results loader");
const timings = await benchResultsLoader(sizes, runs);
for (const t of timings) {
  rows.push({
    figure: `results loader right after ${NEWCOMERS} new people, ${n(t.positions)} positions (SQLite)`,
    unit: "ms",
    values: t.readAfterNewcomersMs,
    limit: { label: "raw GROUP BY", values: t.rawGroupByMs },
    // Issue #13 ("Keep"): the results page at 1,000,000 positions, whatever was answered just before.
    targets: t.positions >= 1_000_000 ? [{ text: "< 200 ms", on: "value", met: (v) => v < 200 }] : undefined,
  });
  rows.push({
    figure: `release taking those ${NEWCOMERS} stored (planned behind the page), ${n(t.positions)} positions (SQLite)`,
    unit: "ms",
    values: t.releaseLandsMs,
    limit: { label: "raw GROUP BY", values: t.rawGroupByMs },
  });
  rows.push({
    figure: `results loader reading the release, ${n(t.positions)} positions (SQLite)`,
    unit: "ms",
    values: t.loaderMs,
    limit: { label: "raw GROUP BY", values: t.rawGroupByMs },
    // Issue #13 at a million; issue #19 at ten million: the page reads what is kept, not the answers.
    targets: t.positions >= 10_000_000 ? [{ text: "< 50 ms", on: "value", met: (v) => v < 50 }] : t.positions >= 1_000_000 ? [{ text: "< 200 ms", on: "value", met: (v) => v < 200 }] : undefined,
  });
}
const smallest = timings[0]!;
const largest = timings.at(-1)!;
// Each size from a million up against the smallest (issue #19: the results page must not slow down with the number of answers).
for (const large of timings.slice(1).filter((t) => t.positions >= 1_000_000 || t === largest)) {
  for (const [what, of] of [
    [`right after ${NEWCOMERS} new people`, (t: typeof smallest) => t.readAfterNewcomersMs],
    ["reading the release", (t: typeof smallest) => t.loaderMs],
  ] as const) {
    rows.push({
      figure: `results loader ${what}, ${n(large.positions)} against ${n(smallest.positions)} positions`,
      unit: "ms",
      values: of(large),
      limit: { label: `${n(smallest.positions)} positions`, values: of(smallest) },
      // The issue sets the ratio at a million (ten million has its own bound, < 50 ms, above); larger sizes print theirs beside it.
      targets: large.positions >= 1_000_000 && large.positions < 2_000_000 && smallest.positions <= 10_000 ? [{ text: "≤ 2.00× 10,000", on: "ratio", met: (r) => r <= 2 }] : undefined,
    });
  }
}
if (enabled("BENCH_POSTGRES", !quick)) {
  step("results loader on PostgreSQL");
  // PostgreSQL at the largest size up to a million by default: the issue's PostgreSQL target.
  const postgresLimit = count("BENCH_POSTGRES_POSITIONS", 1_000_000);
  const onPostgresSize = timings.filter((t) => t.positions <= postgresLimit * 1.01).at(-1) ?? smallest;
  const onPostgres = await benchResultsLoaderPostgres(onPostgresSize.positions, runs);
  if (typeof onPostgres === "string") notes.push(`results loader on PostgreSQL ${onPostgres}`);
  else {
    rows.push({
      figure: `results loader right after ${NEWCOMERS} new people, ${n(onPostgres.positions)} positions (PostgreSQL)`,
      unit: "ms",
      values: onPostgres.readAfterNewcomersMs,
      limit: { label: "SQLite, same size", values: onPostgresSize.readAfterNewcomersMs },
      targets: onPostgres.positions >= 1_000_000 ? [{ text: "< 200 ms", on: "value", met: (v) => v < 200 }] : undefined,
    });
    rows.push({
      figure: `release taking those ${NEWCOMERS} stored, ${n(onPostgres.positions)} positions (PostgreSQL)`,
      unit: "ms",
      values: onPostgres.releaseLandsMs,
      limit: { label: "SQLite, same size", values: onPostgresSize.releaseLandsMs },
    });
    rows.push({
      figure: `results loader reading the release, ${n(onPostgres.positions)} positions (PostgreSQL)`,
      unit: "ms",
      values: onPostgres.loaderMs,
      limit: { label: "SQLite, same size", values: onPostgresSize.loaderMs },
    });
  }
}

// Planning an online release as the case's history grows (every release tested with all earlier ones).
if (enabled("BENCH_RELEASE_PLAN", !quick)) {
  step("release plan");
  const plans = benchReleasePlan([0, 10, 50, 100], 20, 5, runs);
  const first = plans[0]!;
  for (const p of plans) {
    rows.push({
      figure: `plan an online release after ${p.releases} releases (${n(p.people)} people)`,
      unit: "ms",
      values: p.samplesMs,
      limit: { label: "first release", values: first.samplesMs },
      targets: p.releases >= 100 ? [{ text: "< 250 ms", on: "value", met: (v) => v < 250 }] : undefined,
    });
  }
}

// Start-up to the first /livez answer: what `npm start` runs against the source through tsx.
if (enabled("BENCH_STARTUP", !quick)) {
  step("start-up");
  const s = await benchStartup(runs);
  rows.push({
    figure: "start-up to first /livez, node build/server.js (npm start)",
    unit: "ms",
    values: s.builtMs,
    limit: { label: "tsx server.ts, same database", values: s.tsxMs },
    targets: [{ text: "< tsx", on: "ratio", met: (r) => r < 1 }],
  });
}

// The live workshop: one process on SQLite beside the bare server, then three on PostgreSQL + Redis.
const where = (w: WorkshopBenchResult) => `${w.processes} process${w.processes > 1 ? "es" : ""}, ${w.backend}, ${n(w.participants)} phones`;
const pick = <T>(xs: T[], f: (x: T) => number) => xs.map(f);
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!;

/** One line on a room's last run; failures and lost votes are summed over all runs. */
function roomNote(label: string, all: (BurstResult & Partial<Pick<WorkshopBenchResult, "panelFrames" | "panelBytes">>)[]): string {
  const w = all.at(-1)!;
  const failures = new Map<string, number>();
  for (const r of all) for (const [what, k] of Object.entries(r.failures)) failures.set(what, (failures.get(what) ?? 0) + k);
  return (
    `${label}, last run: ${w.joined} joined, ${w.streams} streams, ${w.acknowledged}/${w.votesSent} votes acknowledged within a ${fmt(w.voteWindowMs / 1000)} s window (${VOTES_PER_SECOND}/s), ` +
    `${w.stored} stored, ${w.unseen} never shown on the projector; vote → HTTP answer p50 ${fmt(w.ackP50Ms, 0)} ms, p99 ${fmt(w.ackP99Ms, 0)} ms; ${w.projectorEvents} projector frames; server CPU ${fmt(w.serverCpuMsPerVote, 2)} ms per vote, ${fmt(w.serverCpuShare, 2)} cores busy ` +
    `(benchmark ${fmt(w.clientCpuShare, 2)}, its event-loop lag p99 ${fmt(w.clientLagP99Ms, 0)} ms); ${fmt(w.phoneEventsAvg)} frames per phone` +
    (w.panelFrames !== undefined ? `; the facilitator's panel: ${w.panelFrames} frames, ${fmt(w.panelBytes! / 1024, 0)} KB in all` : "") +
    (failures.size ? `; failures over ${all.length} runs: ${[...failures].map(([what, k]) => `${what} ×${k}`).join(", ")}` : "")
  );
}

const single: WorkshopBenchResult[] = [];
const participants = count("BENCH_PARTICIPANTS", 1000);
const floor: BurstResult[] = [];
const ceiling: BurstResult[] = [];
if (participants > 0) {
  for (let run = 0; run < runs; run += 1) {
    step(`live workshop, ${participants} phones, run ${run + 1} of ${runs}: the app on 1 process, the bare server (floor), the bare server (fan-out ceiling)`);
    // A run counts only whole (the app and both bare rooms), so each ratio is of one run's figures.
    try {
      const app = await benchWorkshop({ participants, processes: 1 });
      const bare = await benchBareWorkshop(participants, LATENCY_FLOOR_GAP_MS);
      const unthrottled = await benchBareWorkshop(participants, 0);
      single.push(app);
      floor.push(bare);
      ceiling.push(unthrottled);
    } catch (error) {
      notes.push(`live workshop, ${participants} phones, run ${run + 1} failed and is left out: ${firstLine(error)}`);
    }
  }
}
if (single.length > 0) {
  const room = `workshop (${where(single[0]!)})`;
  rows.push({ figure: `${room}: lost votes`, unit: "votes", values: pick(single, (w) => w.lost), targets: [{ text: "0", on: "value", met: (v) => v === 0 }] });
  rows.push({ figure: `${room}: vote → projector p50`, unit: "ms", values: pick(single, (w) => w.p50Ms), limit: { label: "bare", values: pick(floor, (w) => w.p50Ms) } });
  rows.push({
    figure: `${room}: vote → projector p99`,
    unit: "ms",
    values: pick(single, (w) => w.p99Ms),
    limit: { label: "bare", values: pick(floor, (w) => w.p99Ms) },
    targets: [
      { text: "≤ 2.00× bare", on: "ratio", met: (r) => r <= 2 },
      { text: "< 250 ms", on: "value", met: (v) => v < 250 },
    ],
  });
  rows.push({ figure: `${room}: vote → HTTP answer p99`, unit: "ms", values: pick(single, (w) => w.ackP99Ms), limit: { label: "bare", values: pick(floor, (w) => w.ackP99Ms) } });
  rows.push({ figure: `${room}: server CPU per vote`, unit: "ms", values: pick(single, (w) => w.serverCpuMsPerVote), limit: { label: "bare", values: pick(floor, (w) => w.serverCpuMsPerVote) } });
  rows.push({
    figure: `${room}: stream frames delivered during the burst`,
    unit: "frames/s",
    values: pick(single, (w) => w.framesPerSecond),
    limit: { label: "bare, no coalescing window", values: pick(ceiling, (w) => w.framesPerSecond) },
  });
  rows.push({
    figure: `${room}: peak memory`,
    unit: "MB",
    values: pick(single, (w) => Math.max(...w.peakRssMb)),
    limit: { label: "bare, same streams", values: pick(floor, (w) => Math.max(...w.peakRssMb)) },
    targets: [{ text: "< 300 MB", on: "value", met: (v) => v < 300 }],
  });
  notes.push(
    roomNote(room, single),
    roomNote(`bare server, a frame at most every ${LATENCY_FLOOR_GAP_MS} ms (floor)`, floor),
    roomNote("bare server, a frame at the next turn after each vote (fan-out ceiling)", ceiling),
  );
}

// Ten times the room (issue 19): one process on SQLite with 10,000 phones, read against the 1,000-phone room of the same run.
// No bare room beside it: at 10,000 streams the bare server's 40 frames a second each are more than this benchmark's own process can read.
const largeRoom = count("BENCH_LARGE_ROOM", quick ? 0 : 10_000);
if (largeRoom > 0) {
  const large: WorkshopBenchResult[] = [];
  for (let run = 0; run < runs; run += 1) {
    step(`live workshop, ${n(largeRoom)} phones on 1 process, run ${run + 1} of ${runs}`);
    try {
      large.push(await benchWorkshop({ participants: largeRoom, processes: 1 }));
    } catch (error) {
      notes.push(`live workshop, ${largeRoom} phones, run ${run + 1} failed and is left out: ${firstLine(error)}`);
    }
  }
  if (large.length > 0) {
    const room = `workshop (${where(large[0]!)})`;
    const small = single.length === large.length ? single : null;
    const beside = (label: string, of: (w: WorkshopBenchResult) => number) => (small ? { label, values: pick(small, of) } : undefined);
    rows.push({ figure: `${room}: lost votes`, unit: "votes", values: pick(large, (w) => w.lost), targets: [{ text: "0", on: "value", met: (v) => v === 0 }] });
    rows.push({ figure: `${room}: vote → projector p50`, unit: "ms", values: pick(large, (w) => w.p50Ms), limit: beside(`${n(participants)} phones`, (w) => w.p50Ms) });
    rows.push({
      figure: `${room}: vote → projector p99`,
      unit: "ms",
      values: pick(large, (w) => w.p99Ms),
      limit: beside(`${n(participants)} phones`, (w) => w.p99Ms),
      targets: [{ text: "< 250 ms", on: "value", met: (v) => v < 250 }],
    });
    rows.push({ figure: `${room}: server CPU per vote`, unit: "ms", values: pick(large, (w) => w.serverCpuMsPerVote), limit: beside(`${n(participants)} phones`, (w) => w.serverCpuMsPerVote) });
    rows.push({
      figure: `${room}: peak memory`,
      unit: "MB",
      values: pick(large, (w) => Math.max(...w.peakRssMb)),
      limit: beside(`${n(participants)} phones`, (w) => Math.max(...w.peakRssMb)),
      targets: [{ text: "< 600 MB", on: "value", met: (v) => v < 600 }],
    });
    notes.push(roomNote(room, large));
  }
}

// Role-play (issue 17): roles assigned, every phone writes and rates a steelman, and the room's votes still reach the projector in time.
const rolePlayParticipants = count("BENCH_ROLE_PLAY", quick ? 0 : 1000);
if (rolePlayParticipants > 0) {
  const played: RolePlayBenchResult[] = [];
  for (let run = 0; run < runs; run += 1) {
    step(`role-play room, ${rolePlayParticipants} phones, run ${run + 1} of ${runs}`);
    try {
      played.push(await benchRolePlay(rolePlayParticipants));
    } catch (error) {
      notes.push(`role-play room, ${rolePlayParticipants} phones, run ${run + 1} failed and is left out: ${firstLine(error)}`);
    }
  }
  if (played.length > 0) {
    const room = `role-play room (1 process, SQLite, ${n(rolePlayParticipants)} phones)`;
    // Read against the plain room of the same run when it ran (same phones, same burst).
    const plain = single.length === played.length ? { label: "plain room", values: pick(single, (w) => w.p99Ms) } : undefined;
    const under250 = { text: "< 250 ms", on: "value" as const, met: (v: number) => v < 250 };
    rows.push({ figure: `${room}: assign roles, to the projector`, unit: "ms", values: pick(played, (r) => r.assignToProjectorMs) });
    rows.push({ figure: `${room}: vote → projector p99 after the assignment (round 1)`, unit: "ms", values: pick(played, (r) => r.roundOne.p99Ms), limit: plain, targets: [under250] });
    rows.push({ figure: `${room}: rating page p99 (a handful of texts each, 50 at a time)`, unit: "ms", values: pick(played, (r) => r.ratingPages.p99Ms) });
    rows.push({ figure: `${room}: rating → answer p99 (50 phones at a time, back to back)`, unit: "ms", values: pick(played, (r) => r.ratings.p99Ms) });
    rows.push({
      figure: `${room}: ratings lost`,
      unit: "votes",
      values: pick(played, (r) => Math.max(0, r.ratings.ok - r.ratingsStored)),
      targets: [{ text: "0", on: "value", met: (v) => v === 0 }],
    });
    rows.push({ figure: `${room}: closing rating (every score released)`, unit: "ms", values: pick(played, (r) => r.closeRatingMs) });
    rows.push({ figure: `${room}: vote → projector p99 after rating (round 2)`, unit: "ms", values: pick(played, (r) => r.roundTwo.p99Ms), limit: plain, targets: [under250] });
    rows.push({
      figure: `${room}: lost votes`,
      unit: "votes",
      values: pick(played, (r) => r.roundOne.lost + r.roundTwo.lost),
      targets: [{ text: "0", on: "value", met: (v) => v === 0 }],
    });
    const last = played.at(-1)!;
    const failures = new Map<string, number>();
    for (const r of played) for (const [what, k] of Object.entries(r.failures)) failures.set(what, (failures.get(what) ?? 0) + k);
    notes.push(
      `${room}, last run: assign roles answered in ${fmt(last.assignAnswerMs, 0)} ms; ${last.writes.ok}/${last.writes.sent} steelmen written (p99 ${fmt(last.writes.p99Ms, 0)} ms); ` +
        `${fmt(last.textsPerPage)} texts per rating page; ${last.ratings.ok}/${last.ratings.sent} ratings answered, ${last.ratingsStored} stored` +
        (failures.size ? `; failures over ${played.length} runs: ${[...failures].map(([what, k]) => `${what} ×${k}`).join(", ")}` : ""),
    );
  }
}

const scaleParticipants = count("BENCH_SCALE_PARTICIPANTS", quick ? 0 : 9000);
if (scaleParticipants > 0) {
  const missing = await servicesMissing();
  const scaled: WorkshopBenchResult[] = [];
  if (missing) notes.push(`workshop on 3 processes skipped: cannot reach ${missing}`);
  else {
    for (let run = 0; run < runs; run += 1) {
      step(`live workshop, 3 processes on PostgreSQL + Redis, ${scaleParticipants} phones, run ${run + 1} of ${runs}`);
      const database = await createPostgresDatabase("bench");
      try {
        scaled.push(
          await benchWorkshop({
            participants: scaleParticipants,
            processes: 3,
            scaleOut: { databaseUrl: database.url, redisUrl: REDIS_URL, redisPrefix: `casebook_bench_${randomBytes(4).toString("hex")}:` },
          }),
        );
      } catch (error) {
        notes.push(`live workshop on 3 processes, run ${run + 1} failed and is left out: ${firstLine(error)}`);
      } finally {
        await database.drop();
      }
    }
  }
  if (scaled.length > 0) {
    const room = `workshop (${where(scaled[0]!)})`;
    const base = single.length ? single : null;
    rows.push({ figure: `${room}: lost votes`, unit: "votes", values: pick(scaled, (w) => w.lost), targets: [{ text: "0", on: "value", met: (v) => v === 0 }] });
    for (const label of ["p50", "p99"] as const) {
      const key = label === "p50" ? "p50Ms" : "p99Ms";
      rows.push({
        figure: `${room}: vote → projector ${label}`,
        unit: "ms",
        values: pick(scaled, (w) => w[key]),
        limit: base ? { label: "1 process", values: pick(base, (w) => w[key]) } : undefined,
        targets: label === "p99" ? [{ text: "< 500 ms", on: "value", met: (v) => v < 500 }] : undefined,
      });
    }
    rows.push({
      figure: `${room}: peak memory per process (largest)`,
      unit: "MB",
      values: pick(scaled, (w) => Math.max(...w.peakRssMb)),
      limit: base ? { label: "1 process", values: pick(base, (w) => Math.max(...w.peakRssMb)) } : undefined,
      // 300 MB was the bound for 1,000 phones a process (3,000 on three); with 3,000 a process, issue #19's bound for a large room on one process.
      targets: [scaleParticipants / 3 > 1000 ? { text: "< 600 MB", on: "value", met: (v) => v < 600 } : { text: "< 300 MB", on: "value", met: (v) => v < 300 }],
    });
    notes.push(roomNote(room, scaled));
  }
}

const header = ["figure", "median (min–max)", "limit, same run", "ratio (min–max)", "target", ""];
flush();
const lines = rows.map(cells);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const align = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join(" | ")
    .trimEnd();
console.log("");
console.log(align(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const line of lines) console.log(align(line));
if (notes.length) console.log("");
for (const note of notes) console.log(`· ${note}`);
const machineAfter = machineCpu();
const stolen = (machineAfter.steal - machineBefore.steal) / Math.max(1, machineAfter.total - machineBefore.total);
console.log(
  `\n${rows.filter((r) => verdict(r).missed.length).length} of ${rows.filter((r) => r.targets?.length).length} rows with targets missed one; ${Math.round((Date.now() - started) / 1000)} s in all; ` +
    `${(stolen * 100).toFixed(1)}% of the machine's CPU time was stolen by the hypervisor.`,
);
