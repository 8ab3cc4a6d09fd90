/**
 * Turns grouped counts (computed in SQL) into what the results page shows, applying the
 * k-threshold to every breakdown. Pure: the rows in, the view out.
 */
import { mean, sum } from "./stats";
import { groupLookup, groupReleased, mergeSmallGroups, OTHER_GROUP, type Breakdown } from "./disclosure";
import type { CaseOption } from "./option-identity";
import { JUDGEMENT_SCALE, LEAN_LABELS, leanOf, LEGAL_ANSWERS, type Lean, type LegalAnswer } from "./scales";

/** Current positions counted by every dimension the page breaks down by. */
export interface PositionCell {
  perspective: string;
  standing: string | null;
  /** The option's stable id (ADR 017): a moved or reworded option is one option. */
  optionId: string;
  judgement: number;
  legal: LegalAnswer;
  count: number;
}

/** People who answered both employee and employer, by standing and gap (employee − employer). */
export interface GapCell {
  standing: string | null;
  gap: number;
  count: number;
}

/**
 * Released answers of one perspective by the judgement of each person's first answer to it (an
 * answer never changed is its own first): the judgements "at first answers" beside those now.
 */
export interface ShiftCell {
  perspective: string;
  firstJudgement: number;
  count: number;
}

/** One group of current positions by everything the results page counts (what resultCells reads in one scan). */
export interface ResultRow extends PositionCell {
  caseVersionId: number;
  judgementChange: number;
  optionChanged: boolean;
}

/** The group a result row counts: every field but its count (rows with one key add up). */
export function resultRowKey(row: Omit<ResultRow, "count">): string {
  return JSON.stringify([row.perspective, row.standing, row.optionId, row.judgement, row.legal, row.caseVersionId, row.judgementChange, row.optionChanged]);
}

/** The group a gap cell counts: its standing and gap. */
export function gapCellKey(cell: Omit<GapCell, "count">): string {
  return JSON.stringify([cell.standing, cell.gap]);
}

/**
 * Splits the one grouped scan into the answer cells (by perspective, standing, option, judgement,
 * legal answer and version) and the shift cells (the same answers by their first judgement).
 */
export function foldResultRows(rows: readonly ResultRow[]): { cells: (PositionCell & { caseVersionId: number })[]; shifts: ShiftCell[] } {
  const cells = new Map<string, PositionCell & { caseVersionId: number }>();
  const shifts = new Map<string, ShiftCell>();
  for (const row of rows) {
    const cellKey = JSON.stringify([row.perspective, row.standing, row.optionId, row.judgement, row.legal, row.caseVersionId]);
    const cell = cells.get(cellKey);
    if (cell) cell.count += row.count;
    else
      cells.set(cellKey, {
        perspective: row.perspective,
        standing: row.standing,
        optionId: row.optionId,
        judgement: row.judgement,
        legal: row.legal,
        caseVersionId: row.caseVersionId,
        count: row.count,
      });
    const firstJudgement = row.judgement - row.judgementChange;
    const shiftKey = JSON.stringify([row.perspective, firstJudgement]);
    const shift = shifts.get(shiftKey);
    if (shift) shift.count += row.count;
    else shifts.set(shiftKey, { perspective: row.perspective, firstJudgement, count: row.count });
  }
  return { cells: [...cells.values()], shifts: [...shifts.values()] };
}

export interface PerspectiveInput {
  key: string;
  prompt: string;
  /** The current version's options, in its order. */
  options: readonly CaseOption[];
  /**
   * The wording of every option the case ever offered in this perspective (`optionLabels`), to
   * name one a later version removed; an id it lacks is shown as is.
   */
  labels?: ReadonlyMap<string, string>;
}

export const UNDECLARED_STANDING = "undeclared";

export interface OptionCount {
  id: string;
  label: string;
  count: number;
  /** False for an option a later case version removed; its votes are kept. A reworded option is still offered (ADR 017). */
  offered: boolean;
}

export interface GroupResult {
  key: string;
  count: number;
  options: OptionCount[];
  meanJudgement: number;
}

export interface PerspectiveResult {
  key: string;
  prompt: string;
  respondents: number;
  /** Set when fewer than k people answered: nothing below is shown. */
  withheld: string | null;
  options: OptionCount[];
  judgements: { value: number; label: string; count: number }[];
  meanJudgement: number;
  legalByLean: { legal: LegalAnswer; counts: Record<Lean, number> }[];
  byStanding: { groups: GroupResult[]; suppressed: string | null };
  shift: ShiftSummary;
}

/**
 * How a perspective's judgements moved since people first answered, as sums only (ADR 009,
 * "Figures online are sums"): the same people's judgements at their first answers, beside
 * `PerspectiveResult.judgements` now. Who changed their mind, and which way, pairs two answers of
 * one person and is not shown online (the sixth attacker review read it across batches).
 */
export interface ShiftSummary {
  /** The same people's judgements at their first answers, per step of the scale. */
  firstJudgements: { value: number; label: string; count: number }[];
  /** Mean of `firstJudgements`, on the scale's −3…+3. */
  firstMeanJudgement: number;
}

export interface GapResult {
  people: number;
  withheld: string | null;
  meanGap: number;
  byStanding: { groups: { key: string; count: number; meanGap: number }[]; suppressed: string | null };
}

/** Counts per option: the current version's, in order, then removed ones that still hold answers. */
function optionCounts(cells: PositionCell[], perspective: PerspectiveInput): OptionCount[] {
  const offered = new Map(perspective.options.map((option) => [option.id, option.text]));
  const counts = new Map<string, number>([...offered.keys()].map((id) => [id, 0]));
  for (const cell of cells) counts.set(cell.optionId, (counts.get(cell.optionId) ?? 0) + cell.count);
  return [...counts].map(([id, count]) => ({ id, label: offered.get(id) ?? perspective.labels?.get(id) ?? id, count, offered: offered.has(id) })).filter((o) => o.offered || o.count > 0);
}

function standingOf(standing: string | null): string {
  return standing ?? UNDECLARED_STANDING;
}

/**
 * A perspective's judgements at first answers (`ShiftSummary`) from its shift cells: a count per
 * step of the judgement scale and their mean (0 when there are none).
 */
export function summarizeShift(cells: ShiftCell[]): ShiftSummary {
  return {
    firstJudgements: JUDGEMENT_SCALE.map((step) => ({
      value: step.value,
      label: step.label,
      count: sum(
        cells.filter((c) => c.firstJudgement === step.value),
        (c) => c.count,
      ),
    })),
    firstMeanJudgement: mean(
      cells,
      (c) => c.firstJudgement,
      (c) => c.count,
    ),
  };
}

/**
 * The grouping a breakdown uses: the release's own (sticky across releases, ADR 009) when given,
 * otherwise small standings merged by `mergeSmallGroups` over the cells' people.
 */
function breakdownOf(standings: Map<string, number>, k: number, grouping: Breakdown | undefined): Breakdown {
  return (
    grouping ??
    mergeSmallGroups(
      [...standings].map(([key, count]) => ({ key, count })),
      k,
    )
  );
}

/** Groups a breakdown shows, with the cells each one counts (a standing a grouping does not name counts in "other"). */
function cellsByGroup<C extends { standing: string | null }>(breakdown: Breakdown, cells: C[]): Map<string, C[]> {
  const lookup = groupLookup(breakdown);
  const byGroup = new Map<string, C[]>(breakdown.shown.map((g) => [g.key, []]));
  for (const cell of cells) byGroup.get(lookup.get(standingOf(cell.standing)) ?? OTHER_GROUP)?.push(cell);
  return byGroup;
}

/**
 * One perspective's results: counts, judgement distribution, legal answers by lean, groups by
 * standing and the shift, or only `withheld` when fewer than `k` people answered it.
 *
 * @param grouping the release's grouping by standing (ADR 009, sticky across releases); when
 *   omitted, small standings are merged over these cells alone
 */
export function perspectiveResult(perspective: PerspectiveInput, allCells: PositionCell[], shiftCells: ShiftCell[], k: number, grouping?: Breakdown): PerspectiveResult {
  const cells = allCells.filter((c) => c.perspective === perspective.key);
  const respondents = sum(cells, (c) => c.count);
  const empty: PerspectiveResult = {
    key: perspective.key,
    prompt: perspective.prompt,
    respondents,
    withheld: null,
    options: [],
    judgements: [],
    meanJudgement: 0,
    legalByLean: [],
    byStanding: { groups: [], suppressed: null },
    shift: summarizeShift([]),
  };
  if (!groupReleased(respondents, k)) {
    return { ...empty, withheld: `Results appear once at least ${k} people have answered as the ${perspective.key}.` };
  }

  const standings = new Map<string, number>();
  for (const c of cells) standings.set(standingOf(c.standing), (standings.get(standingOf(c.standing)) ?? 0) + c.count);
  const breakdown = breakdownOf(standings, k, grouping);
  const byGroup = cellsByGroup(breakdown, cells);

  const groups: GroupResult[] = breakdown.shown.map((group) => {
    const groupCells = byGroup.get(group.key)!;
    return {
      key: group.key,
      count: sum(groupCells, (c) => c.count),
      options: optionCounts(groupCells, perspective),
      meanJudgement: mean(
        groupCells,
        (c) => c.judgement,
        (c) => c.count,
      ),
    };
  });

  return {
    ...empty,
    options: optionCounts(cells, perspective),
    judgements: JUDGEMENT_SCALE.map((step) => ({
      value: step.value,
      label: step.label,
      count: sum(
        cells.filter((c) => c.judgement === step.value),
        (c) => c.count,
      ),
    })),
    meanJudgement: mean(
      cells,
      (c) => c.judgement,
      (c) => c.count,
    ),
    legalByLean: LEGAL_ANSWERS.map((legal) => {
      const row = cells.filter((c) => c.legal === legal);
      const counts = { wrong: 0, torn: 0, right: 0 } as Record<Lean, number>;
      for (const c of row) counts[leanOf(c.judgement)] += c.count;
      return { legal, counts };
    }),
    byStanding: { groups, suppressed: breakdown.suppressed ? breakdown.reason : null },
    shift: summarizeShift(shiftCells.filter((c) => c.perspective === perspective.key)),
  };
}

/**
 * The empathy gap (employee judgement minus employer judgement, per person) overall and by
 * standing, or only `withheld` when fewer than `k` people answered both.
 *
 * @param grouping the release's grouping by standing, as for `perspectiveResult`
 */
export function gapResult(cells: GapCell[], k: number, grouping?: Breakdown): GapResult {
  const people = sum(cells, (c) => c.count);
  if (!groupReleased(people, k)) {
    return {
      people,
      withheld: `The empathy gap appears once at least ${k} people have answered as both employee and employer.`,
      meanGap: 0,
      byStanding: { groups: [], suppressed: null },
    };
  }
  const standings = new Map<string, number>();
  for (const c of cells) standings.set(standingOf(c.standing), (standings.get(standingOf(c.standing)) ?? 0) + c.count);
  const breakdown = breakdownOf(standings, k, grouping);
  const byGroup = cellsByGroup(breakdown, cells);
  return {
    people,
    withheld: null,
    meanGap: mean(
      cells,
      (c) => c.gap,
      (c) => c.count,
    ),
    byStanding: {
      groups: breakdown.shown.map((group) => {
        const groupCells = byGroup.get(group.key)!;
        return {
          key: group.key,
          count: sum(groupCells, (c) => c.count),
          meanGap: mean(
            groupCells,
            (c) => c.gap,
            (c) => c.count,
          ),
        };
      }),
      suppressed: breakdown.suppressed ? breakdown.reason : null,
    },
  };
}

export function groupLabel(key: string, labels: Record<string, string>): string {
  if (key === OTHER_GROUP) return "Other standings (merged to protect small groups)";
  if (key === UNDECLARED_STANDING) return "Standing not declared";
  return labels[key] ?? key;
}

export { LEAN_LABELS };
