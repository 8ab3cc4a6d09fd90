/**
 * What the room sees of a live workshop, built from grouped counts. Shared by the projector,
 * the phones, the control panel and the debrief, so they never disagree.
 */
import { mean } from "./stats";
import { JUDGEMENT_SCALE } from "./scales";
import { roundOf, resultsVisible, type Round, type StageState, type WorkshopPlan } from "./workshop-stages";

export interface RoundTally {
  round: Round;
  perspective: string;
  respondents: number;
  options: { label: string; count: number }[];
  judgements: { value: number; label: string; count: number }[];
  meanJudgement: number;
}

export interface ShiftRow {
  perspective: string;
  people: number;
  moved: number;
  towardRight: number;
  towardWrong: number;
  changedOption: number;
}

export interface RoomGap {
  round: Round;
  people: number;
  meanGap: number;
}

interface RawTally {
  round: number;
  perspective: string;
  option: string;
  judgement: number;
  count: number;
}

export function roundTallies(rows: RawTally[], perspectives: { key: string; options: string[] }[], rounds: Round[]): RoundTally[] {
  const result: RoundTally[] = [];
  for (const round of rounds) {
    for (const perspective of perspectives) {
      const cells = rows.filter((r) => r.round === round && r.perspective === perspective.key);
      const respondents = cells.reduce((sum, c) => sum + c.count, 0);
      const optionLabels = [...perspective.options, ...new Set(cells.map((c) => c.option).filter((o) => !perspective.options.includes(o)))];
      result.push({
        round,
        perspective: perspective.key,
        respondents,
        options: optionLabels.map((label) => ({ label, count: cells.filter((c) => c.option === label).reduce((s, c) => s + c.count, 0) })),
        judgements: JUDGEMENT_SCALE.map((step) => ({
          value: step.value,
          label: step.label,
          count: cells.filter((c) => c.judgement === step.value).reduce((s, c) => s + c.count, 0),
        })),
        meanJudgement: mean(cells, (c) => c.judgement, (c) => c.count),
      });
    }
  }
  return result;
}

export function shiftRows(rows: { perspective: string; judgementChange: number; optionChanged: boolean; count: number }[], perspectives: string[]): ShiftRow[] {
  return perspectives.map((perspective) => {
    const cells = rows.filter((r) => r.perspective === perspective);
    const count = (keep: (r: (typeof cells)[number]) => boolean) => cells.filter(keep).reduce((s, r) => s + r.count, 0);
    return {
      perspective,
      people: count(() => true),
      moved: count((r) => r.judgementChange !== 0 || r.optionChanged),
      towardRight: count((r) => r.judgementChange > 0),
      towardWrong: count((r) => r.judgementChange < 0),
      changedOption: count((r) => r.optionChanged),
    };
  });
}

/** The room's empathy gap for a round: shown only when at least k people answered both hats. */
export function roomGap(rows: { round: number; gap: number; count: number }[], round: Round, k: number): RoomGap | null {
  const cells = rows.filter((r) => r.round === round);
  const people = cells.reduce((s, c) => s + c.count, 0);
  if (people < k) return null;
  return { round, people, meanGap: mean(cells, (c) => c.gap, (c) => c.count) };
}

/** Rounds whose tallies the room may see now (the facilitator always sees them all). */
export function visibleRounds(state: StageState, plan: WorkshopPlan, audience: "room" | "facilitator"): Round[] {
  const rounds: Round[] = plan.twoRounds ? [1, 2] : [1];
  return rounds.filter((round) => audience === "facilitator" || resultsVisible(state, plan, round));
}

export function currentRound(state: StageState): Round | null {
  return roundOf(state.stage);
}
