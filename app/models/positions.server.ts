import { sql } from "kysely";
import type { DB } from "../../db/client";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import type { Confidence, LegalAnswer, Standing } from "../../db/schema";
import { standingForAnswer } from "../domain/disclosure";
import { gapCellKey, resultRowKey, type GapCell, type ResultRow } from "../domain/case-results";
import type { MovedByRow } from "../domain/persuasion";
import type { CaseOption } from "../domain/option-identity";
import { nowIso } from "./clock";

export interface NewPosition {
  caseId: number;
  caseVersionId: number;
  userId: number;
  perspective: string;
  /** The chosen option as the case version offers it: its stable id and the wording shown (ADR 017). */
  option: CaseOption;
  judgement: number;
  legal: LegalAnswer;
  confidence: Confidence;
  /** The standing on the person's profile now; the answer is counted under their first one on the case. */
  standing: Standing | null;
  movedByArgumentId: number | null;
}

/**
 * Records a position, counted under the standing the person had when they first answered the
 * case (`standingForAnswer`, ADR 009). A change of mind adds a row and retires the previous one as history; the
 * first position's answers travel with each later row so shifts need no self-join. Whether the
 * option changed is decided by its stable id (ADR 017): a reworded option is the same option.
 */
export async function recordPosition(db: DB, input: NewPosition): Promise<{ id: number; changed: boolean }> {
  return inTransaction(db, async (trx) => {
    // A double submit must not make two current positions: the second waits and sees the first.
    await lockForTransaction(trx, `casebook:positions:${input.caseId}:${input.userId}`);
    const previous = await trx
      .selectFrom("positions")
      .select(["id", "initial_option", "initial_option_id", "initial_judgement"])
      .where("case_id", "=", input.caseId)
      .where("user_id", "=", input.userId)
      .where("perspective", "=", input.perspective)
      .where("is_current", "=", 1)
      .executeTakeFirst();
    const first = await trx.selectFrom("positions").select("standing").where("user_id", "=", input.userId).where("case_id", "=", input.caseId).orderBy("id").limit(1).executeTakeFirst();
    const standing = standingForAnswer(first?.standing, input.standing);
    if (previous) {
      await trx.updateTable("positions").set({ is_current: 0 }).where("id", "=", previous.id).execute();
    }
    const initialOption = previous ? { id: previous.initial_option_id, text: previous.initial_option } : input.option;
    const initialJudgement = previous?.initial_judgement ?? input.judgement;
    const row = await trx
      .insertInto("positions")
      .values({
        case_id: input.caseId,
        case_version_id: input.caseVersionId,
        user_id: input.userId,
        perspective: input.perspective,
        option: input.option.text,
        option_id: input.option.id,
        judgement: input.judgement,
        legal: input.legal,
        confidence: input.confidence,
        standing,
        moved_by_argument_id: input.movedByArgumentId,
        initial_option: initialOption.text,
        initial_option_id: initialOption.id,
        initial_judgement: initialJudgement,
        judgement_change: input.judgement - initialJudgement,
        option_changed: input.option.id === initialOption.id ? 0 : 1,
        is_current: 1,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.perspective === "employee" || input.perspective === "employer") {
      await updateEmpathyGap(trx, { ...input, standing });
    }
    return { id: row.id, changed: previous !== undefined };
  });
}

async function updateEmpathyGap(trx: DB, input: NewPosition): Promise<void> {
  const column = input.perspective === "employee" ? "employee_judgement" : "employer_judgement";
  await trx
    .insertInto("empathy_gaps")
    .values({
      case_id: input.caseId,
      user_id: input.userId,
      standing: input.standing,
      employee_judgement: input.perspective === "employee" ? input.judgement : null,
      employer_judgement: input.perspective === "employer" ? input.judgement : null,
      gap: null,
      updated_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(["case_id", "user_id"]).doUpdateSet({ [column]: input.judgement, standing: input.standing, updated_at: nowIso() }))
    .execute();
  // The gap is derived in SQL from the stored pair, so concurrent writes cannot leave it stale.
  await trx
    .updateTable("empathy_gaps")
    .set({
      gap: sql<number | null>`case when employee_judgement is not null and employer_judgement is not null then employee_judgement - employer_judgement end`,
    })
    .where("case_id", "=", input.caseId)
    .where("user_id", "=", input.userId)
    .execute();
}

export interface MyPosition {
  id: number;
  perspective: string;
  /** The wording the person chose (as that version offered it). */
  option: string;
  optionId: string;
  judgement: number;
  legal: LegalAnswer;
  confidence: Confidence;
  isCurrent: boolean;
  movedByArgumentId: number | null;
  version: number;
  createdAt: string;
}

/** One person's positions on a case, newest first, history included. */
export async function listMyPositions(db: DB, userId: number, caseId: number): Promise<MyPosition[]> {
  const rows = await db
    .selectFrom("positions")
    .innerJoin("case_versions", "case_versions.id", "positions.case_version_id")
    .select([
      "positions.id",
      "positions.perspective",
      "positions.option",
      "positions.option_id",
      "positions.judgement",
      "positions.legal",
      "positions.confidence",
      "positions.is_current",
      "positions.moved_by_argument_id",
      "positions.created_at",
      "case_versions.version",
    ])
    .where("positions.user_id", "=", userId)
    .where("positions.case_id", "=", caseId)
    .orderBy("positions.id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    perspective: r.perspective,
    option: r.option,
    optionId: r.option_id,
    judgement: r.judgement,
    legal: r.legal,
    confidence: r.confidence,
    isCurrent: r.is_current === 1,
    movedByArgumentId: r.moved_by_argument_id,
    version: r.version,
    createdAt: r.created_at,
  }));
}

export async function answeredPerspectives(db: DB, userId: number, caseId: number): Promise<Set<string>> {
  const rows = await db.selectFrom("positions").select("perspective").where("user_id", "=", userId).where("case_id", "=", caseId).where("is_current", "=", 1).execute();
  return new Set(rows.map((r) => r.perspective));
}

/**
 * A case's released answers (`released_positions`, ADR 009), grouped by all the results page
 * counts (options by their stable id, ADR 017); foldResultRows splits the groups into answer
 * cells and shift cells. Released answers point at positions rows, which never change, so a
 * release is counted from them alone.
 */
export async function releasedResultRows(db: DB, caseId: number): Promise<ResultRow[]> {
  const rows = await db
    .selectFrom("released_positions as r")
    .innerJoin("positions as p", "p.id", "r.position_id")
    .select(["p.perspective", "p.standing", "p.option_id", "p.judgement", "p.legal", "p.case_version_id", "p.judgement_change", "p.option_changed", (eb) => eb.fn.countAll<number>().as("count")])
    .where("r.case_id", "=", caseId)
    .groupBy(["p.perspective", "p.standing", "p.option_id", "p.judgement", "p.legal", "p.case_version_id", "p.judgement_change", "p.option_changed"])
    .execute();
  return rows.map((r) => ({
    perspective: r.perspective,
    standing: r.standing,
    optionId: r.option_id,
    judgement: r.judgement,
    legal: r.legal,
    caseVersionId: r.case_version_id,
    judgementChange: r.judgement_change,
    optionChanged: r.option_changed === 1,
    count: Number(r.count),
  }));
}

/**
 * The result rows, gap cells and moved-by rows a set of positions rows adds to a release's
 * aggregates (`releasedResultRows`, `releasedGapCells`, `releasedMovedByRows` over these rows
 * only): a plan moves a few people's released answers and the release's aggregates change by the
 * rows that left (counted −1) and those that entered (+1), so the aggregates are kept up to date
 * without a scan of every released answer (issue #19).
 *
 * @param entered positions row ids entering the release
 * @param left positions row ids leaving it
 * @param gapPairs per person whose gap changes: the employee and employer row ids before (null
 *   for a person not released before) and after
 * @returns rows whose `count` is the net change (entries netting to 0 are dropped)
 */
export async function releasedAggregateChanges(
  db: DB,
  caseId: number,
  entered: readonly number[],
  left: readonly number[],
  gapPairs: readonly { before: [number, number] | null; after: [number, number] }[],
): Promise<{ rows: ResultRow[]; gaps: GapCell[]; movedBy: MovedByRow[] }> {
  const ids = [...new Set([...entered, ...left, ...gapPairs.flatMap((pair) => [...(pair.before ?? []), ...pair.after])])];
  const byId = new Map<
    number,
    { perspective: string; standing: string | null; option_id: string; judgement: number; legal: string; case_version_id: number; judgement_change: number; option_changed: number }
  >();
  const naming = new Map<number, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const [rows, named] = await Promise.all([
      // By primary key only, the case checked on the rows: with `case_id = ?` in the query, SQLite
      // walks the case's whole results index for each batch (every position of the case), which
      // made a plan's cost grow with the case's size (issue #19).
      db
        .selectFrom("positions")
        .select(["id", "case_id", "perspective", "standing", "option_id", "judgement", "legal", "case_version_id", "judgement_change", "option_changed"])
        .where("id", "in", batch)
        .execute()
        .then((found) => found.filter((row) => Number(row.case_id) === caseId)),
      movedByQuery(db, caseId).select(["p.id", "p.moved_by_argument_id"]).where("p.id", "in", batch).execute(),
    ]);
    for (const row of rows) byId.set(row.id, row);
    for (const row of named) naming.set(row.id, Number(row.moved_by_argument_id));
  }
  const rows = new Map<string, ResultRow>();
  const movedBy = new Map<string, MovedByRow>();
  const count = (id: number, sign: 1 | -1) => {
    const p = byId.get(id)!;
    const group: Omit<ResultRow, "count"> = {
      perspective: p.perspective,
      standing: p.standing,
      optionId: p.option_id,
      judgement: p.judgement,
      legal: p.legal as ResultRow["legal"],
      caseVersionId: p.case_version_id,
      judgementChange: p.judgement_change,
      optionChanged: p.option_changed === 1,
    };
    const key = resultRowKey(group);
    const row = rows.get(key) ?? { ...group, count: 0 };
    row.count += sign;
    rows.set(key, row);
    const argumentId = naming.get(id);
    if (argumentId === undefined) return;
    const moved = movedBy.get(`${argumentId}:${p.perspective}`) ?? { argumentId, perspective: p.perspective, count: 0 };
    moved.count += sign;
    movedBy.set(`${argumentId}:${p.perspective}`, moved);
  };
  for (const id of left) count(id, -1);
  for (const id of entered) count(id, 1);
  const gaps = new Map<string, GapCell>();
  const gap = ([employee, employer]: [number, number], sign: 1 | -1) => {
    const pe = byId.get(employee)!;
    const value = pe.judgement - byId.get(employer)!.judgement;
    const key = gapCellKey({ standing: pe.standing, gap: value });
    const cell = gaps.get(key) ?? { standing: pe.standing, gap: value, count: 0 };
    cell.count += sign;
    gaps.set(key, cell);
  };
  for (const pair of gapPairs) {
    if (pair.before) gap(pair.before, -1);
    gap(pair.after, 1);
  }
  const nonzero = <T extends { count: number }>(m: Map<string, T>) => [...m.values()].filter((x) => x.count !== 0);
  return { rows: nonzero(rows), gaps: nonzero(gaps), movedBy: nonzero(movedBy) };
}

/**
 * Released answers that name an argument as what changed the person's mind, grouped by argument,
 * perspective and judgement now (`tallyMovedBy` in persuasion.ts folds them). Only arguments of
 * this case are counted.
 */
export async function releasedMovedByRows(db: DB, caseId: number): Promise<MovedByRow[]> {
  const rows = await movedByQuery(db, caseId)
    .innerJoin("released_positions as r", "r.position_id", "p.id")
    .select(["p.moved_by_argument_id", "p.perspective", (eb) => eb.fn.countAll<number>().as("count")])
    .where("r.case_id", "=", caseId)
    .groupBy(["p.moved_by_argument_id", "p.perspective"])
    .execute();
  return rows.map((r) => ({ argumentId: Number(r.moved_by_argument_id), perspective: r.perspective, count: Number(r.count) }));
}

/** The case's positions rows that name one of its arguments and could (`releasedMovedByRows`' rule), as a query to select from. */
function movedByQuery(db: DB, caseId: number) {
  return (
    db
      .selectFrom("positions as p")
      .innerJoin("arguments as a", "a.id", "p.moved_by_argument_id")
      .where("p.case_id", "=", caseId)
      .where("a.case_id", "=", caseId)
      // Only answers that could name it (exposedByPersuasion's population): a re-answer to its
      // perspective, given after it, by someone else; anything else stored long ago is not counted.
      .whereRef("p.perspective", "=", "a.perspective")
      .whereRef("p.user_id", "<>", "a.user_id")
      .whereRef("p.created_at", ">", "a.created_at")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("positions as q")
            .select("q.id")
            .whereRef("q.case_id", "=", "p.case_id")
            .whereRef("q.user_id", "=", "p.user_id")
            .whereRef("q.perspective", "=", "p.perspective")
            .whereRef("q.id", "<", "p.id"),
        ),
      )
  );
}

/**
 * Each released person's released employee judgement minus their released employer judgement,
 * counted by standing and gap. Empty for a case without both perspectives.
 */
export async function releasedGapCells(db: DB, caseId: number): Promise<GapCell[]> {
  const rows = await db
    .selectFrom("released_positions as re")
    .innerJoin("positions as pe", "pe.id", "re.position_id")
    .innerJoin("released_positions as rr", (join) => join.onRef("rr.case_id", "=", "re.case_id").onRef("rr.user_id", "=", "re.user_id").on("rr.perspective", "=", "employer"))
    .innerJoin("positions as pr", "pr.id", "rr.position_id")
    .select(["pe.standing", sql<number>`pe.judgement - pr.judgement`.as("gap"), (eb) => eb.fn.countAll<number>().as("count")])
    .where("re.case_id", "=", caseId)
    .where("re.perspective", "=", "employee")
    .groupBy(["pe.standing", sql`pe.judgement - pr.judgement`])
    .execute();
  return rows.map((r) => ({ standing: r.standing, gap: Number(r.gap), count: Number(r.count) }));
}

export async function casesAnsweredBy(db: DB, userId: number): Promise<Set<number>> {
  const rows = await db.selectFrom("positions").select("case_id").distinct().where("user_id", "=", userId).execute();
  return new Set(rows.map((r) => r.case_id));
}

export interface MyCasePositions {
  slug: string;
  title: string;
  positions: { perspective: string; option: string; judgement: number; isCurrent: boolean; createdAt: string }[];
}

/** Everything one person has answered, by case, newest first; for their own activity page. */
export async function listPositionsOfUser(db: DB, userId: number): Promise<MyCasePositions[]> {
  const rows = await db
    .selectFrom("positions")
    .innerJoin("cases", "cases.id", "positions.case_id")
    .innerJoin("case_versions", "case_versions.id", "cases.current_version_id")
    .select(["cases.slug", "case_versions.title", "positions.perspective", "positions.option", "positions.judgement", "positions.is_current", "positions.created_at"])
    .where("positions.user_id", "=", userId)
    .orderBy("positions.id", "desc")
    .limit(500)
    .execute();
  const byCase = new Map<string, MyCasePositions>();
  for (const r of rows) {
    const entry = byCase.get(r.slug) ?? { slug: r.slug, title: r.title, positions: [] };
    entry.positions.push({ perspective: r.perspective, option: r.option, judgement: r.judgement, isCurrent: r.is_current === 1, createdAt: r.created_at });
    byCase.set(r.slug, entry);
  }
  return [...byCase.values()];
}

/** Version numbers of the given case version ids, oldest first. */
export async function versionNumbers(db: DB, versionIds: number[]): Promise<number[]> {
  if (versionIds.length === 0) return [];
  const rows = await db.selectFrom("case_versions").select("version").where("id", "in", versionIds).orderBy("version").execute();
  return rows.map((r) => r.version);
}

/** The person's current judgement on one perspective of a case, or undefined before they have answered it. */
export async function currentJudgement(db: DB, userId: number, caseId: number, perspective: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("positions")
    .select("judgement")
    .where("user_id", "=", userId)
    .where("case_id", "=", caseId)
    .where("perspective", "=", perspective)
    .where("is_current", "=", 1)
    .executeTakeFirst();
  return row?.judgement;
}
