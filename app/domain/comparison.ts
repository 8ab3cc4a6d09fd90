/**
 * One line of the comparison page: how a group (this workshop, the async debate, another
 * workshop) answered one perspective, as shares so groups of different sizes compare.
 */
import { cellReleased } from "./disclosure";
import { mean } from "./stats";

export interface ComparisonCell {
  /** The option's stable id (ADR 017): rooms on different versions and the online debate line up by it. */
  optionId: string;
  judgement: number;
  count: number;
}

export interface ComparisonLine {
  label: string;
  respondents: number;
  /** Null when the group is smaller than k: only its size is shown. */
  shares: number[] | null;
  meanJudgement: number | null;
}

/** A group's line: its shares and mean only when `cellReleased` (disclosure.ts) releases its counted respondents. */
export function comparisonLine(label: string, options: readonly { id: string }[], cells: ComparisonCell[], k: number): ComparisonLine {
  const respondents = cells.reduce((s, c) => s + c.count, 0);
  if (respondents === 0 || !cellReleased(respondents, k)) return { label, respondents, shares: null, meanJudgement: null };
  return {
    label,
    respondents,
    shares: options.map((o) => cells.filter((c) => c.optionId === o.id).reduce((s, c) => s + c.count, 0) / respondents),
    meanJudgement: mean(
      cells,
      (c) => c.judgement,
      (c) => c.count,
    ),
  };
}

/** A workshop's final say: round 2 where it has votes, else round 1. */
export function finalRound<T extends { round: number }>(rows: T[]): T[] {
  return rows.some((r) => r.round === 2) ? rows.filter((r) => r.round === 2) : rows.filter((r) => r.round === 1);
}
