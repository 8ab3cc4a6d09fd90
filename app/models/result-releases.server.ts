import type { Selectable } from "kysely";
import type { DB } from "../../db/client";
import type { ResultReleasesTable } from "../../db/schema";
import { gapCellKey, resultRowKey, type GapCell, type ResultRow } from "../domain/case-results";
import type { CaseOption } from "../domain/option-identity";
import { lockForTransaction } from "../../db/dialect";
import {
  mergeSmallGroups,
  planReleaseSteps,
  type ReleasePlan,
  type ReleasePlanInput,
  releaseArgumentScores,
  releaseShownScores,
  shownArgumentScores,
  UNDECLARED_STANDING,
  type ArgumentScores,
  type Breakdown,
  type PendingPerson,
  type ReleasedGrouping,
  optionPopulations,
  releasedAnswersKey,
  type ShownScore,
} from "../domain/disclosure";
import { interchangeabilityClass, recordsByPerson, type HeldRecord, type NamedArgument } from "../domain/release-equations";
import { tallyMovedBy, type MovedByArgument } from "../domain/persuasion";
import { countedEndorsers } from "./arguments.server";
import { findCaseVersionDocument } from "./cases.server";
import { nowIso } from "./clock";
import { releasedAggregateChanges, releasedGapCells, releasedMovedByRows, releasedResultRows } from "./positions.server";
import { singleton } from "../platform/singleton.server";
import { errorFields, log } from "../platform/log.server";
import { PacedSingleFlight, type Demand } from "../platform/paced-single-flight.server";
import { metrics } from "../platform/metrics.server";
import { planOnWorkerThread } from "./release-plan-thread.server";

/**
 * A case's released online results: aggregates only (ADR 009), of each released person's
 * released answers (`released_positions`), grouped by the release's sticky grouping.
 */
export interface ResultRelease {
  rows: ResultRow[];
  gaps: GapCell[];
  /** Distinct people the release holds (each has a released answer to every perspective). */
  people: number;
  /** The release's grouping by standing, used by every breakdown of it. */
  grouping: Breakdown;
  /** Whether some people answered since and wait for a later release (the page says so). */
  waiting: boolean;
  /** Bridging score by argument id, for the arguments the release gives one (`releaseArgumentScores`). */
  argumentScores: ReadonlyMap<number, number>;
  /** Per argument named by released answers as what changed the person's mind (`tallyMovedBy`); empty before migration 0012's first release. */
  movedBy: readonly MovedByArgument[];
  releasedAt: string;
}

/**
 * What `result_releases.grouping` holds: every release's grouping and people per standing key,
 * oldest first (the sticky-grouping rule reads them all, `planRelease`); the last is this one's.
 */
interface GroupingHistory {
  history: ReleasedGrouping[];
  /** The release's answers per perspective, case version and standing (`releasedAnswersKey`). */
  answers?: Record<string, number>;
  /**
   * The first release whose records `release_records` holds (migration 0011); absent in releases
   * stored before it, whose current records are then adopted as taken by their last release.
   */
  jointFrom?: number;
  /** Every bridging score ever shown, with whom it counted and what they added (`shownArgumentScores`). */
  scoresShown?: ShownScore[];
  /**
   * The case version the last plan (with or without a release) was made against. When the case's
   * current version differs, the next read plans again, looking at every answer (a person whose
   * missing answer was to a perspective removed since is now complete).
   */
  plannedVersion?: number | null;
  /**
   * Set when a plan changed the released answers without working out the aggregates again (it
   * took back a perspective and released nobody): the next release then scans every released
   * answer instead of adding its changes to the stored aggregates (`releasedAggregateChanges`); a
   * case's first release adds its changes to nothing.
   */
  aggregatesStale?: true;
}

function parseGroupingHistory(json: string): GroupingHistory {
  const parsed = JSON.parse(json) as GroupingHistory | { breakdown: Breakdown; standings: Record<string, number> };
  // Releases stored before the history was kept hold only their own grouping.
  return "history" in parsed ? parsed : { history: [{ breakdown: parsed.breakdown, released: parsed.standings }] };
}

/** A case's released answers counted per perspective, case version and standing (`releasedAnswersKey`). */
async function countReleasedAnswers(db: DB, caseId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("released_positions as r")
    .innerJoin("positions as p", "p.id", "r.position_id")
    .select(["r.perspective", "p.case_version_id", "p.standing", (eb) => eb.fn.countAll<number>().as("count")])
    .where("r.case_id", "=", caseId)
    .groupBy(["r.perspective", "p.case_version_id", "p.standing"])
    .execute();
  return Object.fromEntries(rows.map((r) => [releasedAnswersKey(r.perspective, r.case_version_id, standingKey(r.standing)), Number(r.count)]));
}

/**
 * Parsed releases by case, so a busy results page parses its JSON once per release. Kept in the
 * process's singleton store with the database it describes, so whatever replaces the database
 * (a restore, a test's fresh copy) clears both together and a stale release is never served.
 * `checked` is the newest position this process has planned a release with, for cases where
 * nothing could be released yet (no row to store it in).
 */
function parsedReleases(): Map<number, { through: number; release: ResultRelease; plannedVersion: number | null | undefined }> {
  return singleton("parsed-result-releases", () => new Map());
}
function checkedWithoutRelease(): Map<number, number> {
  return singleton("result-release-checks", () => new Map());
}

const standingKey = (standing: string | null) => standing ?? UNDECLARED_STANDING;

/** A perspective of the case's current version: what a release is planned against. */
interface CurrentPerspective {
  key: string;
  options: readonly CaseOption[];
}

/**
 * The results every reader of a case sees now. When answers were written since the stored
 * release was planned, a new release is planned first (`planRelease`: it takes the people whose
 * answers change every shown cell by none or at least k people, and leaves the others waiting).
 * Returns `null` while nothing was ever released. A process plans a case once at a time, and
 * requests arriving during a plan share one trailing plan, paced (`releasePlanning`); processes
 * plan one at a time (the case's release lock). The plan is deterministic, so whoever plans first
 * decides.
 *
 * A release is always planned against the case's current version (its perspectives and options),
 * whatever page asks, so every reader's plan is the same.
 *
 * @param k the k-threshold
 * @param demand `"fresh"` (readers): the release returned covers every answer written before the
 *   call, unless the case is large (`readerWaitMs`); `"trigger"` (the answer form): plan when
 *   idle, else leave it to the trailing plan and return the stored release at once
 * @param options.maxWaitMs longest to wait for a plan (ms), instead of `readerWaitMs`'s; a plan
 *   still running then goes on behind, and the stored release is returned with `waiting` set
 * @param options.planPositions most new positions one plan looks at (default PLAN_POSITIONS); a
 *   larger backlog is released in several plans, one after the other
 */
export async function currentRelease(db: DB, caseId: number, k: number, demand: Demand = "fresh", options: { maxWaitMs?: number; planPositions?: number } = {}): Promise<ResultRelease | null> {
  const readRow = () => db.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirst();
  const readVersion = () => db.selectFrom("cases").select("current_version_id").where("id", "=", caseId).executeTakeFirst();
  const [stored, newest, current] = await Promise.all([readRow(), newestPositionId(db, caseId), readVersion()]);
  let row = stored;
  const checked = Math.max(stored?.through_position_id ?? 0, checkedWithoutRelease().get(caseId) ?? 0);
  const versionChanged = !!stored?.grouping && plannedVersionOf(caseId, stored) !== (current?.current_version_id ?? null);
  if (newest > checked || (stored && stored.grouping === null) || versionChanged) {
    const waitMs = readerWaitMs(stored?.grouping ? stored.people : 0, options.maxWaitMs);
    const planned = await releasePlanning().run(caseId, () => planAndRelease(db, caseId, k, newest, options.planPositions), demand, waitMs);
    if (planned.ran && planned.value) return planned.value;
    if (!planned.ran && waitMs !== Infinity) {
      // The plan goes on behind: the release read above is served, marked as leaving answers
      // waiting. Not read again: on SQLite the plan's read transaction holds the one connection.
      return stored?.grouping ? { ...(await releaseOfRow(db, caseId, stored, k)), waiting: true } : null;
    }
    // Nothing released by this call, but a plan moved the row's cursor and waiting mark (or
    // adopted a release made before migration 0008), or another request's plan released: the row
    // read above is stale.
    row = await readRow();
  }
  return row?.grouping ? releaseOfRow(db, caseId, row, k) : null;
}

/** A stored release row with its grouping, as pages use it (parsed once per process and release). */
function releaseOfRow(db: DB, caseId: number, row: Selectable<ResultReleasesTable>, k: number): Promise<ResultRelease> | ResultRelease {
  const cached = parsedReleases().get(caseId);
  if (cached && cached.through === row.through_position_id && cached.release.releasedAt === row.released_at) return cached.release;
  return parseStored(db, caseId, row, row.grouping!, k);
}

/**
 * Releases holding at least this many people are large: their readers wait for a plan at most
 * READER_WAIT_MS. A plan reads the case's whole release history, so its time grows with the
 * people released (about 0.3 s at 10,000 answers, 3 s at 100,000); a reader of a large case gets
 * the release already made while the plan goes on behind (ADR 024, "Readers of large cases do not
 * wait"). Smaller cases plan in milliseconds and their readers always see a plan that covers what
 * was written before they asked.
 */
export const LARGE_RELEASE_PEOPLE = 2_000;
/** Longest a reader of a large case waits for a plan (ms) before the stored release is served. */
export const READER_WAIT_MS = 50;

/**
 * How long a reader waits for a plan of a case whose stored release holds `people` people (0: no
 * release yet): until it ends (Infinity) for small cases, READER_WAIT_MS for large ones.
 *
 * @param override a caller's own limit (ms), used instead when given
 */
export function readerWaitMs(people: number, override?: number): number {
  if (override !== undefined) return override;
  return people >= LARGE_RELEASE_PEOPLE ? READER_WAIT_MS : Infinity;
}

/**
 * Whether a plan is made on the release-plan thread (`planOnWorkerThread`, ADR 042) rather than on
 * the event loop: for a large case (its release holds LARGE_RELEASE_PEOPLE or more, so its readers
 * wait at most READER_WAIT_MS) and for a backlog as large. A small case's plan takes milliseconds,
 * less than copying it to a thread and back, and its readers wait for it anyway.
 *
 * @param releasedPeople people the stored release holds (0 without one)
 * @param pendingPeople people the plan looks at
 */
export function plansOnWorkerThread(releasedPeople: number, pendingPeople: number): boolean {
  return releasedPeople >= LARGE_RELEASE_PEOPLE || pendingPeople >= LARGE_RELEASE_PEOPLE;
}

/**
 * The plan of `inputs` (`planRelease`), made on the release-plan thread when `plansOnWorkerThread`
 * says so, else on the event loop a slice at a time. A thread that cannot start or fails (a build
 * without the worker, a crash) is logged and the plan is made on the event loop: results keep
 * being released, only less smoothly. Counted in `casebook_release_plans_total{thread}`.
 */
async function makePlan(inputs: PlanInputs): Promise<ReleasePlan | null> {
  if (plansOnWorkerThread(inputs.stored?.people ?? 0, inputs.pending.length)) {
    try {
      const plan = await planOnWorkerThread(inputs.input);
      metrics().releasePlans.inc({ thread: "worker" });
      return plan;
    } catch (error) {
      // A warning of its own: a thread that could not start was already logged as an error, once
      // for the pool (release-plan-thread-failed); this line is about the one plan.
      log().warn({ event: "release-plan-on-event-loop", ...errorFields(error) }, "A results release is planned on the event loop: its worker thread failed");
    }
  }
  const plan = await planReleaseCooperatively(inputs.input);
  metrics().releasePlans.inc({ thread: "event-loop" });
  return plan;
}

/** Longest the event loop runs a plan without a turn for other work (ms). */
const PLAN_SLICE_MS = 10;

/**
 * `planRelease`, run a slice at a time (`planReleaseSteps`): after PLAN_SLICE_MS of planning the
 * event loop gets a turn (`setImmediate`), so requests, streams and new connections go on while
 * a long plan is made. Same plan as `planRelease`.
 */
async function planReleaseCooperatively(input: ReleasePlanInput): Promise<ReleasePlan | null> {
  const steps = planReleaseSteps(input);
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted >= PLAN_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

/**
 * Release plans, one at a time per case in this process, with demand during a plan folded into
 * one paced trailing plan (`PacedSingleFlight`): planning is CPU work on the event loop that grows
 * with the case's history, and a burst of answers must not turn into a queue of plans.
 */
function releasePlanning(): PacedSingleFlight<number> {
  return singleton(
    "result-release-planning",
    () => new PacedSingleFlight<number>(1, (error) => log().error({ event: "release-plan-failed", ...errorFields(error) }, "Planning a results release failed")),
  );
}

/** The version a stored release's last plan was made against (`GroupingHistory.plannedVersion`), read from the parsed cache when it is current. */
function plannedVersionOf(caseId: number, stored: Selectable<ResultReleasesTable>): number | null | undefined {
  const cached = parsedReleases().get(caseId);
  if (cached && cached.through === stored.through_position_id && cached.release.releasedAt === stored.released_at) return cached.plannedVersion;
  return parseGroupingHistory(stored.grouping!).plannedVersion;
}

/**
 * The last position of the case a plan covers: the `planPositions`-th after `through` (by id), or
 * the case's newest when fewer were written since. One query when anything was written since
 * (the largest id among the next `planPositions`, read from the `positions_case_sequence` index);
 * the case's newest otherwise.
 */
async function lastPositionToPlan(db: DB, caseId: number, through: number, planPositions: number): Promise<number> {
  const next = db.selectFrom("positions").select("id").where("case_id", "=", caseId).where("id", ">", through).orderBy("id").limit(planPositions).as("next");
  const row = await db
    .selectFrom(next)
    .select((eb) => eb.fn.max("next.id").as("id"))
    .executeTakeFirst();
  return row?.id != null ? Number(row.id) : newestPositionId(db, caseId);
}

async function newestPositionId(db: DB, caseId: number): Promise<number> {
  const row = await db
    .selectFrom("positions")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("case_id", "=", caseId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** A stored release row as pages use it, parsed once per process and release. */
async function parseStored(db: DB, caseId: number, stored: Selectable<ResultReleasesTable>, grouping: string, k: number): Promise<ResultRelease> {
  const scores = stored.argument_scores === null ? await backfillArgumentScores(db, caseId, stored.through_position_id, k) : (JSON.parse(stored.argument_scores) as ArgumentScores);
  const state = parseGroupingHistory(grouping);
  const { rows, gaps } = ofReleasedPerspectives(JSON.parse(stored.result_rows) as ResultRow[], JSON.parse(stored.gap_cells) as GapCell[], state.history.at(-1)!.perspectives);
  const release: ResultRelease = {
    rows,
    gaps,
    people: stored.people,
    grouping: state.history.at(-1)!.breakdown,
    waiting: stored.waiting_from_position_id !== null,
    argumentScores: shownArgumentScores(scores, k, state.scoresShown ?? []).shown,
    movedBy: stored.moved_by === null ? [] : (JSON.parse(stored.moved_by) as MovedByArgument[]),
    releasedAt: stored.released_at,
  };
  parsedReleases().set(caseId, { through: stored.through_position_id, release, plannedVersion: state.plannedVersion });
  return release;
}

/**
 * A release's rows and gap cells for the perspectives it was planned with only: a perspective
 * added (or restored) since was never checked against its grouping, so it shows nothing until a
 * release takes it (fifth attacker review). Releases stored before the perspectives were kept
 * (`perspectives` absent) show every row.
 */
function ofReleasedPerspectives(rows: ResultRow[], gaps: GapCell[], perspectives: readonly string[] | undefined): { rows: ResultRow[]; gaps: GapCell[] } {
  if (!perspectives) return { rows, gaps };
  return { rows: rows.filter((r) => perspectives.includes(r.perspective)), gaps: perspectives.includes("employee") && perspectives.includes("employer") ? gaps : [] };
}

/** One candidate's rows: every positions row of theirs on the case (history included). */
interface CandidateRow {
  user_id: number;
  perspective: string;
  id: number;
  standing: string | null;
  is_current: number;
  case_version_id: number;
}

/** A released answer's pointer, with the case version it was given on. */
interface ReleasedRow {
  user_id: number;
  perspective: string;
  position_id: number;
  case_version_id: number;
}

/**
 * Of the given case versions, per perspective key: those that offered an option the current
 * version has removed (`retired`: answers on them can show as an option "no longer offered",
 * whose only possible voters are the people who answered such a version), and the sets of
 * versions offering an option not all of them (and the current one) offered (`populations`,
 * `optionPopulations`: an option added later, or removed and brought back, can only hold answers
 * given on a version offering it). Options are compared by their stable ids (ADR 017), so a
 * version whose options were only moved or reworded since is in neither.
 */
async function versionPopulationsOf(
  db: DB,
  current: readonly CurrentPerspective[],
  currentVersionId: number | null,
  versionIds: readonly number[],
): Promise<{ retired: Record<string, number[]>; populations: Record<string, number[][]> }> {
  const retired: Record<string, number[]> = Object.fromEntries(current.map((p) => [p.key, []]));
  const offered = new Map(current.map((p) => [p.key, new Map<number, string[]>()]));
  const versions = new Set(versionIds);
  if (currentVersionId !== null) versions.add(currentVersionId);
  for (const versionId of versions) {
    const doc = await findCaseVersionDocument(db, versionId);
    for (const perspective of current) {
      const offeredNow = new Set(perspective.options.map((option) => option.id));
      const then = doc.perspectives.find((p) => p.key === perspective.key)?.options;
      if (!then) continue;
      offered.get(perspective.key)!.set(
        versionId,
        then.map((option) => option.id),
      );
      if (then.some((option) => !offeredNow.has(option.id))) retired[perspective.key]!.push(versionId);
    }
  }
  const populations = Object.fromEntries([...offered].map(([key, byVersion]) => [key, optionPopulations(byVersion)]));
  return { retired, populations };
}

/**
 * The case's top-level arguments with who may name each as what changed their mind
 * (`NamedArgument`): its author may not, and only answers given after it was posted can.
 */
async function argumentsNamable(db: DB, caseId: number): Promise<NamedArgument[]> {
  const rows = await db
    .selectFrom("arguments as a")
    .select((eb) => [
      "a.id",
      "a.user_id",
      "a.perspective",
      eb
        .selectFrom("positions as p")
        .select((inner) => inner.fn.min("p.id").as("first"))
        .whereRef("p.case_id", "=", "a.case_id")
        .whereRef("p.created_at", ">", "a.created_at")
        .as("first_after"),
    ])
    .where("a.case_id", "=", caseId)
    .where("a.parent_id", "is", null)
    .where("a.perspective", "is not", null)
    .execute();
  return rows.map((r) => ({ id: r.id, author: r.user_id, perspective: r.perspective!, fromPositionId: r.first_after === null ? Number.MAX_SAFE_INTEGER : Number(r.first_after) }));
}

/**
 * Most new positions (after the stored release's cursor) one plan looks at. A larger backlog (a
 * case first read with millions of answers, a restore, an import) is released a slice at a time,
 * each slice planned and written before the next is read, so a plan's memory follows the slice
 * and not the backlog: a first plan of 1,000,000 positions at once peaked at 1.7–2.5 GB resident,
 * and one of 10,000,000 passed 13 GB (ADR 041).
 */
export const PLAN_POSITIONS = 200_000;

/**
 * Plans and writes releases of the case until they cover every position up to `until` (a
 * position id: the case's newest when the caller read it): one slice of at most `planPositions`
 * new positions at a time (`planSlice`).
 *
 * @returns the last slice's release, or null when it released nobody (the caller reads the row)
 */
async function planAndRelease(db: DB, caseId: number, k: number, until: number, planPositions = PLAN_POSITIONS): Promise<ResultRelease | null> {
  for (;;) {
    const slice = await planSlice(db, caseId, k, planPositions);
    // A slice always covers at least one new position, so this ends; answers written meanwhile
    // are the next call's (`currentRelease` sees them past the cursor).
    if (slice.through >= until) return slice.made;
  }
}

/**
 * Plans a release with at most `planPositions` positions written since the last plan and, if
 * `planRelease` takes anyone, makes it: their released answers move to their current rows, and
 * the aggregates, people and grouping are worked out again from the released answers alone, and
 * the bridging scores from endorsements and standings (`countedEndorsers`: no answer goes into
 * them, ADR 018). `made` is the new release, or null when nothing was released (the stored one
 * stays, and the planned position is remembered so the next read does not plan again for
 * nothing); `through` is the last position it covered.
 */
async function planSlice(db: DB, caseId: number, k: number, planPositions: number): Promise<{ made: ResultRelease | null; through: number }> {
  // The plan itself is CPU work (tens to hundreds of ms on a long history): it is made between two
  // short transactions, so the process's other queries (SQLite has one connection) go on meanwhile
  // (ADR 024). The release is written only if no other plan was written in between; else planned again.
  for (let attempt = 0; attempt < MAX_PLAN_ATTEMPTS; attempt += 1) {
    const inputs = await db.transaction().execute((trx) => readPlanInputs(trx, caseId, k, "read", planPositions));
    if (inputs.kind === "writes-due") break;
    // The records grow with every answer ever released. They are kept between plans in the
    // process (`KeptRecords`) and read again only when another plan was written since: then
    // outside the transaction, a slice at a time with a turn for other work between slices, so
    // neither the connection (SQLite has one) nor the event loop is held for the whole read.
    // Consistent with the rest: records change only when a plan is written, and a plan written
    // since is caught below (fingerprint).
    const kept = await keptRecordsFor(db, caseId, inputs);
    inputs.input = { ...inputs.input, records: await recordsForPlan(db, caseId, kept, inputs.pending, k) };
    const plan = await makePlan(inputs);
    const written = await db.transaction().execute(async (trx) => {
      await lockForTransaction(trx, `casebook:release:${caseId}`);
      const now = await trx.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirst();
      if (fingerprintOf(now) !== inputs.fingerprint) return STALE;
      const made = await writePlan(trx, caseId, inputs, plan);
      // What the records now are, for the next plan: only the people taken have new ones.
      const after = await trx.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirst();
      return { made, fingerprint: fingerprintOf(after), taken: await recordsOfPeople(trx, caseId, plan?.people ?? []) };
    });
    if (written !== STALE) {
      keepTaken(kept, written.taken, plan?.people ?? [], written.fingerprint, k);
      return { made: written.made, through: inputs.newest };
    }
  }
  keptRecordsByCase().delete(caseId);
  // Writes are due before planning (rare: see readPlanInputs), or plans kept being overtaken
  // (several processes planning the same case at once): plan and write in one transaction, as
  // every plan did before ADR 024, so this one certainly lands.
  return db.transaction().execute(async (trx) => {
    const inputs = await readPlanInputs(trx, caseId, k, "read-and-write", planPositions);
    if (inputs.kind === "writes-due") throw new Error("readPlanInputs reported writes due in read-and-write mode");
    return { made: await writePlan(trx, caseId, inputs, await makePlan(inputs)), through: inputs.newest };
  });
}

/** Times a plan made between two transactions is made again when another plan was written meanwhile. */
const MAX_PLAN_ATTEMPTS = 3;
const STALE = Symbol("stale plan");

/** What a plan was made against: the stored release row as it was read (any plan written since changes it). */
function fingerprintOf(row: Selectable<ResultReleasesTable> | undefined): string {
  return row ? JSON.stringify([row.through_position_id, row.waiting_from_position_id, row.released_at, row.grouping]) : "none";
}

/** Everything `writePlan` needs from the read: the plan's input and the state it was made against. */
interface PlanInputs {
  kind: "inputs";
  input: ReleasePlanInput;
  fingerprint: string;
  k: number;
  versionId: number | null;
  perspectives: string[];
  stored: Selectable<ResultReleasesTable> | undefined;
  stateBefore: GroupingHistory;
  newest: number;
  pending: PendingPerson[];
  currentRows: Map<number, Map<string, number>>;
  answersBefore: Record<string, number>;
  retired: Record<string, number[]>;
  populations: Record<string, number[][]>;
  /** The candidates' released positions row per `${user}:${perspective}` (before this plan). */
  releasedIds: Map<string, number>;
  /** Whether reading them wrote (adopted an old release or took back perspectives). */
  wrote: boolean;
}

/**
 * Reads what a plan of the case needs, under the case's release lock. Adopting a release made
 * before migrations 0008 and 0011, and taking back perspectives a new version asks again, are
 * writes: when one is due, `"read"` mode returns `{ kind: "writes-due" }` (the caller then plans
 * in one transaction; rare: once per migration or version change) and `"read-and-write"` mode
 * makes them.
 */
async function readPlanInputs(trx: DB, caseId: number, k: number, mode: "read" | "read-and-write", planPositions: number): Promise<PlanInputs | { kind: "writes-due" }> {
  // One plan of a case at a time, so each is made against the release before it.
  await lockForTransaction(trx, `casebook:release:${caseId}`);
  const { current_version_id: versionId } = await trx.selectFrom("cases").select("current_version_id").where("id", "=", caseId).executeTakeFirstOrThrow();
  const current: readonly CurrentPerspective[] = versionId === null ? [] : (await findCaseVersionDocument(trx, versionId)).perspectives;
  const perspectives = current.map((p) => p.key);
  let stored = await trx.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirst();
  const fingerprint = fingerprintOf(stored);
  const parsed = stored?.grouping ? parseGroupingHistory(stored.grouping) : null;
  // Due writes: a release adopted from before migration 0008 (no grouping) or 0011 (no
  // jointFrom), or perspectives taken back after a version change.
  if (mode === "read" && stored && (parsed === null || parsed.jointFrom === undefined || parsed.plannedVersion !== versionId)) return { kind: "writes-due" };
  if (stored && stored.grouping === null) {
    await adoptReleaseMadeBeforePeople(trx, caseId, perspectives, stored.through_position_id, k);
    stored = await trx.selectFrom("result_releases").selectAll().where("case_id", "=", caseId).executeTakeFirstOrThrow();
  }
  let stateBefore: GroupingHistory = stored?.grouping ? (parsed ?? parseGroupingHistory(stored.grouping)) : { history: [], jointFrom: 0 };
  if (stateBefore.jointFrom === undefined) stateBefore = await adoptRecordsMadeBeforeThem(trx, caseId, stateBefore);
  const history = stateBefore.history;
  const versionChanged = stored !== undefined && stateBefore.plannedVersion !== versionId;
  const lastShown = history.at(-1)?.perspectives;
  if (versionChanged && lastShown)
    await takeBackRestoredPerspectives(
      trx,
      caseId,
      perspectives.filter((p) => !lastShown.includes(p)),
      history.length,
    );
  const through = stored?.through_position_id ?? 0;
  // After a version change every answer is looked at again: someone whose missing answer was to
  // a perspective removed since is complete now, though they wrote nothing new.
  const from = versionChanged ? 0 : Math.min(through, stored?.waiting_from_position_id ?? through);
  // The plan covers at most planPositions positions past the cursor (PLAN_POSITIONS): `newest` is
  // the last of them, so the next plan starts after it. With nothing released yet the cursor is
  // the last position this process planned with (everyone up to it is looked at again).
  const cursor = stored ? through : (checkedWithoutRelease().get(caseId) ?? 0);
  const newest = await lastPositionToPlan(trx, caseId, cursor, planPositions);
  const candidates = trx.selectFrom("positions").select("user_id").distinct().where("case_id", "=", caseId).where("id", ">", from).where("id", "<=", newest);
  const [rows, releasedRows] = await Promise.all([
    trx
      .selectFrom("positions")
      .select(["user_id", "perspective", "id", "standing", "is_current", "case_version_id"])
      .where("case_id", "=", caseId)
      .where("user_id", "in", candidates)
      .execute() as Promise<CandidateRow[]>,
    trx
      .selectFrom("released_positions as r")
      .innerJoin("positions as p", "p.id", "r.position_id")
      .select(["r.user_id", "r.perspective", "r.position_id", "p.case_version_id"])
      .where("r.case_id", "=", caseId)
      .where("r.user_id", "in", candidates)
      .execute(),
  ]);
  // In "read" mode the records are read after this transaction, a slice at a time (`planAndRelease`).
  const [records, namedArguments] = await Promise.all([mode === "read" ? [] : heldRecords(trx, caseId), argumentsNamable(trx, caseId)]);
  const answersBefore = stateBefore.answers ?? (stored ? await countReleasedAnswers(trx, caseId) : {});
  const versionsSeen = [...rows.map((r) => r.case_version_id), ...Object.keys(answersBefore).map((key) => Number(key.split("\u0000")[1]))];
  const { retired, populations } = await versionPopulationsOf(trx, current, versionId, versionsSeen);
  const { pending, currentRows } = pendingPeople(rows, releasedRows, perspectives);
  const releasedIds = new Map(releasedRows.map((r) => [`${r.user_id}:${r.perspective}`, r.position_id]));
  const wrote = (stored !== undefined && (parsed === null || parsed.jointFrom === undefined)) || (versionChanged && !!lastShown && perspectives.some((p) => !lastShown.includes(p)));
  const input: ReleasePlanInput = {
    perspectives,
    gap: perspectives.includes("employee") && perspectives.includes("employer"),
    history,
    retiredVersions: retired,
    optionPopulations: populations,
    namedArguments,
    releasedAnswers: answersBefore,
    records,
    jointFrom: stateBefore.jointFrom,
    pending,
    k,
  };
  return { kind: "inputs", input, fingerprint, k, versionId, perspectives, stored, stateBefore, newest, pending, currentRows, answersBefore, retired, populations, releasedIds, wrote };
}

/**
 * Writes a plan made on `inputs` (by `planRelease`): when it takes anyone, their released answers
 * move to their current rows and the release's aggregates, people, grouping and scores are worked
 * out again; when it takes nobody, the row's cursor and waiting mark move. Call inside the case's
 * release lock, with nothing written since `inputs` were read.
 */
async function writePlan(trx: DB, caseId: number, inputs: PlanInputs, plan: ReleasePlan | null): Promise<ResultRelease | null> {
  const { k, versionId, perspectives, stored, stateBefore, newest, pending, currentRows, answersBefore, retired, populations } = inputs;
  const history = stateBefore.history;
  const taken = new Set(plan?.people ?? []);
  const waiting = pending.filter((p) => !taken.has(p.id));
  // The next plan must see the waiting people again although their rows are now behind `newest`.
  const waitingFrom = waiting.length === 0 ? null : waiting.reduce((lowest, p) => Math.min(lowest, Math.max(...currentRows.get(p.id)!.values())), Infinity) - 1;
  if (!plan) {
    if (stored) {
      await trx
        .updateTable("result_releases")
        .set({
          through_position_id: newest,
          waiting_from_position_id: waitingFrom,
          grouping: JSON.stringify({ ...stateBefore, plannedVersion: versionId, ...(inputs.wrote ? { aggregatesStale: true as const } : {}) } satisfies GroupingHistory),
        })
        .where("case_id", "=", caseId)
        .execute();
    } else checkedWithoutRelease().set(caseId, newest);
    return null;
  }

  // Only the current version's perspectives are released: an answer to one the author removed
  // would otherwise ride in with the others and move that perspective's line by one person.
  const values = plan.people.flatMap((userId) => perspectives.map((perspective) => ({ case_id: caseId, user_id: userId, perspective, position_id: currentRows.get(userId)!.get(perspective)! })));
  const answers = { ...answersBefore };
  for (const person of pending) {
    if (!taken.has(person.id)) continue;
    for (const perspective of person.wrote) {
      const { released, current: now } = person.versions![perspective]!;
      if (released !== null) answers[releasedAnswersKey(perspective, released, person.standing)] = (answers[releasedAnswersKey(perspective, released, person.standing)] ?? 0) - 1;
      answers[releasedAnswersKey(perspective, now, person.standing)] = (answers[releasedAnswersKey(perspective, now, person.standing)] ?? 0) + 1;
    }
  }
  // The records this release takes: those of the perspectives each taken person wrote.
  const releaseIndex = history.length;
  const newRecords = pending
    .filter((person) => taken.has(person.id))
    .flatMap((person) =>
      person.wrote.map((perspective) => ({
        case_id: caseId,
        user_id: person.id,
        perspective,
        position_id: currentRows.get(person.id)!.get(perspective)!,
        from_release: releaseIndex,
        until_release: null,
      })),
    );
  // Only a person whose answer to a perspective was released before has a record of it to close.
  // Asking for the others too cost a scan per batch on PostgreSQL (a case's first release of a
  // million answers, in one transaction whose table statistics still say "empty", never ended).
  const heldBefore = new Set(
    pending
      .filter((person) => taken.has(person.id))
      .flatMap((person) => person.wrote.filter((perspective) => person.versions![perspective]!.released !== null).map((perspective) => `${person.id} ${perspective}`)),
  );
  for (let i = 0; i < newRecords.length; i += 500) {
    const batch = newRecords.slice(i, i + 500);
    for (const perspective of perspectives) {
      const users = batch.filter((r) => r.perspective === perspective && heldBefore.has(`${r.user_id} ${perspective}`)).map((r) => r.user_id);
      if (users.length === 0) continue;
      await trx
        .updateTable("release_records")
        .set({ until_release: releaseIndex })
        .where("case_id", "=", caseId)
        .where("perspective", "=", perspective)
        .where("user_id", "in", users)
        .where("until_release", "is", null)
        .execute();
    }
    await trx.insertInto("release_records").values(batch).execute();
  }
  for (let i = 0; i < values.length; i += 500) {
    await trx
      .insertInto("released_positions")
      .values(values.slice(i, i + 500))
      .onConflict((oc) => oc.columns(["case_id", "user_id", "perspective"]).doUpdateSet((eb) => ({ position_id: eb.ref("excluded.position_id") })))
      .execute();
  }
  const standings = { ...(history.at(-1)?.released ?? {}) };
  for (const person of pending) if (taken.has(person.id) && !person.released) standings[person.standing] = (standings[person.standing] ?? 0) + 1;
  const [{ rows: resultRowsNow, gaps, movedBy: movedByNow }, endorsers] = await Promise.all([releasedAggregates(trx, caseId, inputs, plan.people), countedEndorsers(trx, caseId)]);
  const { scores, ...scoresNow } = releaseShownScores(stored?.argument_scores ? (JSON.parse(stored.argument_scores) as ArgumentScores) : {}, endorsers, k, stateBefore.scoresShown ?? []);
  const people = Object.values(standings).reduce((sum, n) => sum + n, 0);
  const changed = [...new Set(pending.filter((person) => taken.has(person.id)).map((person) => person.standing))].sort();
  const grouping: GroupingHistory = {
    history: [...history, { breakdown: plan.grouping, released: standings, changed, retired, populations, perspectives, known: plan.known }],
    answers,
    jointFrom: stateBefore.jointFrom,
    scoresShown: scoresNow.everShown,
    plannedVersion: versionId,
  };
  const made: ResultRelease = {
    ...ofReleasedPerspectives(resultRowsNow, gaps, perspectives),
    people,
    grouping: plan.grouping,
    waiting: waitingFrom !== null,
    argumentScores: scoresNow.shown,
    // Only the current version's perspectives, like the rows (`ofReleasedPerspectives`).
    movedBy: movedByNow,
    releasedAt: nowIso(),
  };
  const record = {
    through_position_id: newest,
    people,
    result_rows: JSON.stringify(resultRowsNow),
    gap_cells: JSON.stringify(gaps),
    argument_scores: JSON.stringify(scores),
    moved_by: JSON.stringify(made.movedBy),
    grouping: JSON.stringify(grouping),
    waiting_from_position_id: waitingFrom,
    released_at: made.releasedAt,
  };
  if (stored) await trx.updateTable("result_releases").set(record).where("case_id", "=", caseId).execute();
  else
    await trx
      .insertInto("result_releases")
      .values({ case_id: caseId, ...record })
      .execute();
  parsedReleases().set(caseId, { through: newest, release: made, plannedVersion: versionId });
  return made;
}

/**
 * The aggregates of the released answers once `taken` people's answers moved to their current
 * rows (the rows `writePlan` has just written). When the stored release's aggregates are known to
 * match its released answers (`GroupingHistory.aggregatesStale` unset, and this plan wrote
 * nothing while reading, against the same case version), its rows, gap cells and moved-by counts
 * change by what left and what entered (`releasedAggregateChanges`): the cost follows the people
 * taken, not the people ever released. A case's first release adds its changes to nothing.
 * Otherwise every released answer is scanned, as every release did before.
 *
 * @returns result rows and gap cells as `releasedResultRows` and `releasedGapCells` give them, and
 *   moved-by counts tallied (`tallyMovedBy`) for the plan's perspectives
 */
async function releasedAggregates(trx: DB, caseId: number, inputs: PlanInputs, taken: readonly number[]): Promise<{ rows: ResultRow[]; gaps: GapCell[]; movedBy: MovedByArgument[] }> {
  const { stored, perspectives, currentRows, releasedIds, stateBefore } = inputs;
  // A version change can drop a perspective whose moved-by counts the stored tally holds merged:
  // also when the plan at the change released nobody (eleventh review), so the stored release
  // must have been made for these perspectives.
  const samePerspectives = JSON.stringify(stateBefore.history.at(-1)?.perspectives ?? null) === JSON.stringify(perspectives);
  const incremental =
    stored !== undefined &&
    !inputs.wrote &&
    !stateBefore.aggregatesStale &&
    stateBefore.plannedVersion === inputs.versionId &&
    samePerspectives &&
    stored.moved_by !== null &&
    stateBefore.history.length > 0;
  // A case's first release starts from nothing released: its aggregates are its changes alone
  // (on PostgreSQL the scans' joins, planned inside the transaction on statistics that still say
  // the tables are empty, took 23 s for 10,000 people).
  const first = stored === undefined;
  if (!incremental && !first) {
    const [rows, gaps, moved] = await Promise.all([releasedResultRows(trx, caseId), releasedGapCells(trx, caseId), releasedMovedByRows(trx, caseId)]);
    return { rows, gaps, movedBy: tallyMovedBy(moved.filter((row) => perspectives.includes(row.perspective))) };
  }
  const entered: number[] = [];
  const left: number[] = [];
  const gapPairs: { before: [number, number] | null; after: [number, number] }[] = [];
  const both = perspectives.includes("employee") && perspectives.includes("employer");
  for (const userId of taken) {
    const now = currentRows.get(userId)!;
    for (const perspective of perspectives) {
      const before = releasedIds.get(`${userId}:${perspective}`);
      const after = now.get(perspective)!;
      if (before === after) continue;
      entered.push(after);
      if (before !== undefined) left.push(before);
    }
    if (!both) continue;
    const [employeeBefore, employerBefore] = [releasedIds.get(`${userId}:employee`), releasedIds.get(`${userId}:employer`)];
    const after: [number, number] = [now.get("employee")!, now.get("employer")!];
    const before: [number, number] | null = employeeBefore !== undefined && employerBefore !== undefined ? [employeeBefore, employerBefore] : null;
    if (!before || before[0] !== after[0] || before[1] !== after[1]) gapPairs.push({ before, after });
  }
  const changes = await releasedAggregateChanges(trx, caseId, entered, left, gapPairs);
  const previousMovedBy = first ? [] : (JSON.parse(stored.moved_by!) as MovedByArgument[]).map((m) => ({ argumentId: m.argumentId, perspective: "", count: m.count }));
  return {
    rows: addCounts(first ? [] : (JSON.parse(stored.result_rows) as ResultRow[]), changes.rows, resultRowKey),
    gaps: addCounts(first ? [] : (JSON.parse(stored.gap_cells) as GapCell[]), changes.gaps, gapCellKey),
    movedBy: tallyMovedBy([...previousMovedBy, ...changes.movedBy.filter((row) => perspectives.includes(row.perspective)).map((row) => ({ ...row, perspective: "" }))]),
  };
}

/** `base` with `changes` added by key (counts summed; entries reaching 0 dropped), in `base`'s order then the new keys'. */
function addCounts<T extends { count: number }>(base: readonly T[], changes: readonly T[], keyOf: (x: T) => string): T[] {
  const merged = new Map(base.map((x) => [keyOf(x), { ...x }]));
  for (const change of changes) {
    const existing = merged.get(keyOf(change));
    if (existing) existing.count += change.count;
    else merged.set(keyOf(change), { ...change });
  }
  return [...merged.values()].filter((x) => x.count !== 0);
}

/**
 * Perspectives the case asks again (or anew) that the last release did not show: answers to them
 * released long ago leave the release (their records end at the next release, `nextRelease`), so
 * they come back only through a release that takes them under the rules, never shown under a
 * grouping chosen without them (fifth attacker review). The same answer released again is the
 * same unknown of the joint test (`HeldRecord.positionId`).
 */
async function takeBackRestoredPerspectives(trx: DB, caseId: number, restored: readonly string[], nextRelease: number): Promise<void> {
  if (restored.length === 0) return;
  await trx
    .deleteFrom("released_positions")
    .where("case_id", "=", caseId)
    .where("perspective", "in", [...restored])
    .execute();
  await trx
    .updateTable("release_records")
    .set({ until_release: nextRelease })
    .where("case_id", "=", caseId)
    .where("perspective", "in", [...restored])
    .where("until_release", "is", null)
    .execute();
}

/**
 * A case's release records as this process last planned with them, without most of the people
 * the plan would leave out anyway (`withoutInterchangeableSurplus`): every person's class
 * (`interchangeabilityClass`) is remembered, and the records of enough of each class to plan
 * with. Each plan written by this process updates it with the records of the people it took (the
 * only records a plan changes), so a plan reads what changed, not the case's whole history;
 * when the release row is not the one it was kept for (another process planned, a restore), or
 * the named arguments or known people changed, it is read again.
 */
interface KeptRecords {
  /** The release row (`fingerprintOf`) these records are of. */
  fingerprint: string;
  /** The named arguments and people taken as known the classes were made with. */
  classesOf: string;
  /** People who are never left out (argument authors, people taken as known). */
  keepAll: ReadonlySet<number>;
  named: readonly NamedArgument[];
  /** Records of some people: every person of no class, and at least k of each class. */
  people: Map<number, HeldRecord[]>;
  /** Each class by its key (`interchangeabilityClass`). */
  classes: Map<string, InterchangeableClass>;
  /** Each classified person's class: the same object for all its people, so its key is held once, not once per person. */
  classOf: Map<number, InterchangeableClass>;
}

interface InterchangeableClass {
  key: string;
  /** Its people, ascending. */
  people: number[];
}

function keptRecordsByCase(): Map<number, KeptRecords> {
  return singleton("kept-release-records", () => new Map());
}

/** The kept records of the case for a plan on `inputs`, read again when they are not of its release row. */
async function keptRecordsFor(db: DB, caseId: number, inputs: PlanInputs): Promise<KeptRecords> {
  const named = inputs.input.namedArguments ?? [];
  const known = inputs.stateBefore.history.at(-1)?.known ?? [];
  const classesOf = JSON.stringify([named, known]);
  const found = keptRecordsByCase().get(caseId);
  if (found && found.fingerprint === inputs.fingerprint && found.classesOf === classesOf) return found;
  const kept: KeptRecords = {
    fingerprint: inputs.fingerprint,
    classesOf,
    keepAll: new Set([...named.map((a) => a.author), ...known]),
    named,
    people: new Map(),
    classes: new Map(),
    classOf: new Map(),
  };
  // Filed a slice at a time, and a person beyond the first k of their class is dropped at once:
  // the whole history as records (9 million at 10,000,000 positions) is never held.
  await eachHeldRecordSlice(db, caseId, async (records) => {
    for (const [person, mine] of recordsByPerson(records)) {
      classify(kept, person, mine);
      // Slices come in ascending people, so `person` is their class's last.
      if ((kept.classOf.get(person)?.people.length ?? 0) > inputs.k) kept.people.delete(person);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  });
  keptRecordsByCase().set(caseId, kept);
  return kept;
}

/** Files `person`'s records in `kept`: under their class (in order), or as a person of no class. */
function classify(kept: KeptRecords, person: number, records: HeldRecord[]): void {
  kept.people.set(person, records);
  if (kept.keepAll.has(person) || records.length === 0) return;
  const key = interchangeabilityClass(records, kept.named);
  let found = kept.classes.get(key);
  if (!found) kept.classes.set(key, (found = { key, people: [person] }));
  else found.people.splice(sortedIndex(found.people, person), 0, person);
  kept.classOf.set(person, found);
}

/**
 * Where `person` is, or would go, in `members` (ascending): a binary search. A linear one made a
 * case's first plan quadratic in its people (454,545 people: most of 75 s).
 */
function sortedIndex(members: readonly number[], person: number): number {
  let low = 0;
  let high = members.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (members[middle]! < person) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The records a plan needs from `kept`: every person of no class, the first k people of each
 * class who are not pending, and every pending person's (read from the database when not kept);
 * sorted as `heldRecords` returns them, so the plan is the one the whole history would give.
 */
async function recordsForPlan(db: DB, caseId: number, kept: KeptRecords, pending: readonly PendingPerson[], k: number): Promise<HeldRecord[]> {
  const pendingIds = new Set(pending.map((person) => person.id));
  const wanted = new Set<number>();
  for (const person of kept.people.keys()) if (!kept.classOf.has(person)) wanted.add(person);
  for (const { people: members } of kept.classes.values()) {
    let taken = 0;
    for (const person of members) {
      if (pendingIds.has(person)) continue;
      if (taken === k) break;
      taken += 1;
      wanted.add(person);
    }
  }
  for (const person of pendingIds) if (kept.classOf.has(person) || kept.people.has(person)) wanted.add(person);
  const missing = [...wanted].filter((person) => !kept.people.has(person));
  const read = await recordsOfPeople(db, caseId, missing);
  for (const person of missing) kept.people.set(person, read.get(person) ?? []);
  const records = [...wanted].flatMap((person) => kept.people.get(person)!);
  return records.sort((a, b) => a.person - b.person || (a.perspective < b.perspective ? -1 : a.perspective > b.perspective ? 1 : 0) || a.from - b.from);
}

/** After a plan of this process was written: the people it took have these records now. */
function keepTaken(kept: KeptRecords, records: Map<number, HeldRecord[]>, taken: readonly number[], fingerprint: string, k: number): void {
  for (const person of taken) {
    const before = kept.classOf.get(person);
    if (before !== undefined) {
      before.people.splice(sortedIndex(before.people, person), 1);
      if (before.people.length === 0) kept.classes.delete(before.key);
      kept.classOf.delete(person);
    }
    classify(kept, person, records.get(person) ?? []);
    // A taken person beyond the first k of their new class is not needed for the next plan.
    const members = kept.classOf.get(person)?.people;
    if (members && sortedIndex(members, person) >= k) kept.people.delete(person);
  }
  kept.fingerprint = fingerprint;
}

/** The release records of the given people (`heldRecords`' shape), by person. */
async function recordsOfPeople(db: DB, caseId: number, people: readonly number[]): Promise<Map<number, HeldRecord[]>> {
  const byPerson = new Map<number, HeldRecord[]>();
  for (let i = 0; i < people.length; i += 500) {
    const batch = people.slice(i, i + 500);
    const [rows, firsts] = await Promise.all([heldRecordRows(db, caseId).where("rr.user_id", "in", batch).execute(), firstAnswers(db, caseId).where("user_id", "in", batch).execute()]);
    recordsByPerson(toHeldRecords(rows, firsts), byPerson);
  }
  return byPerson;
}

/**
 * Every record the case's releases held since the records were kept (`release_records`), as
 * the joint test reads them (`HeldRecord`): standing and case version from the positions row,
 * and whether it is a re-answer (not the person's first positions row for that perspective).
 * Read HELD_RECORDS_SLICE records at a time, by person (`eachHeldRecordSlice`).
 */
async function heldRecords(db: DB, caseId: number): Promise<HeldRecord[]> {
  const records: HeldRecord[] = [];
  await eachHeldRecordSlice(db, caseId, (slice) => {
    for (const record of slice) records.push(record);
  });
  return records;
}

/**
 * `heldRecords`, HELD_RECORDS_SLICE records at a time: `onSlice` is called (and awaited) with each
 * slice's records in `heldRecords`' order, every person's records in one slice.
 */
async function eachHeldRecordSlice(db: DB, caseId: number, onSlice: (records: HeldRecord[]) => void | Promise<void>): Promise<void> {
  let after = 0;
  for (;;) {
    let rows = await heldRecordRows(db, caseId).where("rr.user_id", ">", after).limit(HELD_RECORDS_SLICE).execute();
    if (rows.length === 0) return;
    if (rows.length === HELD_RECORDS_SLICE) {
      // The slice may end inside its last person's records: they are read with the next slice.
      const lastPerson = rows.at(-1)!.user_id;
      const whole = rows.filter((r) => r.user_id !== lastPerson);
      rows = whole.length > 0 ? whole : await heldRecordRows(db, caseId).where("rr.user_id", "=", lastPerson).execute();
    }
    const [low, high] = [rows[0]!.user_id, rows.at(-1)!.user_id];
    const firsts = await firstAnswers(db, caseId).where("user_id", ">=", low).where("user_id", "<=", high).execute();
    await onSlice(toHeldRecords(rows, firsts));
    after = high;
  }
}

/** The case's release records with their positions rows' standing and version, by person, perspective and run. */
function heldRecordRows(db: DB, caseId: number) {
  return db
    .selectFrom("release_records as rr")
    .innerJoin("positions as p", "p.id", "rr.position_id")
    .select(["rr.user_id", "rr.perspective", "rr.position_id", "rr.from_release", "rr.until_release", "p.standing", "p.case_version_id"])
    .where("rr.case_id", "=", caseId)
    .orderBy("rr.user_id")
    .orderBy("rr.perspective")
    .orderBy("rr.from_release");
}

/** Each person's first positions row per perspective on the case (a record that is not it is a re-answer). */
function firstAnswers(db: DB, caseId: number) {
  return db
    .selectFrom("positions")
    .select(["user_id", "perspective", (eb) => eb.fn.min("id").as("first_id")])
    .where("case_id", "=", caseId)
    .groupBy(["user_id", "perspective"]);
}

function toHeldRecords(
  rows: readonly { user_id: number; perspective: string; position_id: number; from_release: number; until_release: number | null; standing: string | null; case_version_id: number }[],
  firsts: readonly { user_id: number; perspective: string; first_id: unknown }[],
): HeldRecord[] {
  const firstId = new Map(firsts.map((f) => [`${f.user_id}:${f.perspective}`, Number(f.first_id)]));
  return rows.map((r) => ({
    person: r.user_id,
    perspective: r.perspective,
    standing: standingKey(r.standing),
    version: r.case_version_id,
    reanswer: firstId.get(`${r.user_id}:${r.perspective}`) !== r.position_id,
    from: r.from_release,
    until: r.until_release,
    positionId: r.position_id,
  }));
}

/** Records read per query by `heldRecords` (about 20 ms of work on the bench machine). */
const HELD_RECORDS_SLICE = 10_000;

/**
 * A case released before records were kept (migration 0011): its current released answers are
 * recorded as taken by its last release, and the joint test starts there (the older pairwise
 * rule still compares the releases before it). Returns the state with `jointFrom` set.
 */
async function adoptRecordsMadeBeforeThem(trx: DB, caseId: number, state: GroupingHistory): Promise<GroupingHistory> {
  const last = Math.max(0, state.history.length - 1);
  const released = await trx.selectFrom("released_positions").select(["user_id", "perspective", "position_id"]).where("case_id", "=", caseId).execute();
  const values = released.map((r) => ({ case_id: caseId, user_id: r.user_id, perspective: r.perspective, position_id: r.position_id, from_release: last, until_release: null }));
  for (let i = 0; i < values.length; i += 500)
    await trx
      .insertInto("release_records")
      .values(values.slice(i, i + 500))
      .onConflict((oc) => oc.doNothing())
      .execute();
  return { ...state, jointFrom: last };
}

/**
 * The pending people among the candidates' rows (`PendingPerson`): those with a current answer
 * to every perspective who wrote one since their released answer (or have none released), and
 * each candidate's current row id per perspective.
 */
function pendingPeople(
  rows: readonly CandidateRow[],
  releasedRows: readonly ReleasedRow[],
  perspectives: readonly string[],
): { pending: PendingPerson[]; currentRows: Map<number, Map<string, number>> } {
  const currentRows = new Map<number, Map<string, number>>();
  const versionOf = new Map<number, number>(rows.map((r) => [r.id, r.case_version_id]));
  for (const r of releasedRows) versionOf.set(r.position_id, r.case_version_id);
  const answers = new Map<string, number>();
  const standing = new Map<number, string>();
  for (const row of rows) {
    answers.set(`${row.user_id}:${row.perspective}`, (answers.get(`${row.user_id}:${row.perspective}`) ?? 0) + 1);
    if (row.is_current !== 1) continue;
    const mine = currentRows.get(row.user_id) ?? new Map<string, number>();
    mine.set(row.perspective, row.id);
    currentRows.set(row.user_id, mine);
    standing.set(row.user_id, standingKey(row.standing));
  }
  const released = new Map<string, number>(releasedRows.map((r) => [`${r.user_id}:${r.perspective}`, r.position_id]));
  const releasedPeople = new Set(releasedRows.map((r) => r.user_id));
  const pending: PendingPerson[] = [];
  for (const [userId, mine] of currentRows) {
    if (!perspectives.every((p) => mine.has(p))) continue;
    const wrote = perspectives.filter((p) => released.get(`${userId}:${p}`) !== mine.get(p));
    if (wrote.length === 0) continue;
    const versions = Object.fromEntries(
      wrote.map((p) => {
        const releasedId = released.get(`${userId}:${p}`);
        return [p, { released: releasedId === undefined ? null : versionOf.get(releasedId)!, current: versionOf.get(mine.get(p)!)! }];
      }),
    );
    pending.push({
      id: userId,
      standing: standing.get(userId)!,
      released: releasedPeople.has(userId),
      wrote,
      reanswered: perspectives.filter((p) => (answers.get(`${userId}:${p}`) ?? 0) > 1),
      versions,
      positions: Object.fromEntries(wrote.map((p) => [p, mine.get(p)!])),
    });
  }
  pending.sort((a, b) => a.id - b.id);
  return { pending, currentRows };
}

/**
 * A release stored before per-person releases (migration 0008) holds, as then decided, every
 * person who had answered every perspective by its `through` position, with their answers as of
 * then: recorded here as their released answers, with the grouping it showed (small standings
 * merged), so the next release is planned against what readers saw.
 */
async function adoptReleaseMadeBeforePeople(trx: DB, caseId: number, perspectives: readonly string[], through: number, k: number): Promise<void> {
  const rows = await trx.selectFrom("positions").select(["user_id", "perspective", "id", "standing"]).where("case_id", "=", caseId).where("id", "<=", through).orderBy("id").execute();
  const latest = new Map<number, { standing: string; answers: Map<string, number> }>();
  for (const row of rows) {
    const person = latest.get(row.user_id) ?? { standing: standingKey(row.standing), answers: new Map<string, number>() };
    person.answers.set(row.perspective, row.id);
    latest.set(row.user_id, person);
  }
  const standings: Record<string, number> = {};
  const values: { case_id: number; user_id: number; perspective: string; position_id: number }[] = [];
  for (const [userId, person] of latest) {
    if (!perspectives.every((p) => person.answers.has(p))) continue;
    standings[person.standing] = (standings[person.standing] ?? 0) + 1;
    for (const [perspective, positionId] of person.answers) if (perspectives.includes(perspective)) values.push({ case_id: caseId, user_id: userId, perspective, position_id: positionId });
  }
  for (let i = 0; i < values.length; i += 500)
    await trx
      .insertInto("released_positions")
      .values(values.slice(i, i + 500))
      .onConflict((oc) => oc.doNothing())
      .execute();
  const breakdown = mergeSmallGroups(
    Object.entries(standings).map(([key, count]) => ({ key, count })),
    k,
  );
  const answers = await countReleasedAnswers(trx, caseId);
  await trx
    .updateTable("result_releases")
    .set({ grouping: JSON.stringify({ history: [{ breakdown, released: standings }], answers } satisfies GroupingHistory) })
    .where("case_id", "=", caseId)
    .execute();
}

/**
 * Scores for a release stored before scores were part of releases (migration 0007): worked out
 * once from the endorsers now (`countedEndorsers`: public leans and standings), as a first release
 * of scores, and stored with it. From here on they change only with releases.
 */
async function backfillArgumentScores(db: DB, caseId: number, through: number, k: number): Promise<ArgumentScores> {
  const scores = releaseArgumentScores({}, await countedEndorsers(db, caseId), k);
  await db
    .updateTable("result_releases")
    .set({ argument_scores: JSON.stringify(scores) })
    .where("case_id", "=", caseId)
    .where("through_position_id", "=", through)
    .where("argument_scores", "is", null)
    .execute();
  return scores;
}
