/**
 * What the room sees of a live workshop, built from grouped counts of counted voters. Shared by
 * the projector, the phones, the control panel and the debrief, so they never disagree. Every
 * figure leaves through the release rules of `disclosure.ts` (ADR 009): a cell of fewer than k
 * counted voters carries no figure at all, only the k at which results appear.
 */
import { cellReleased, gapReleased, release, shiftReleased, type Release } from "./disclosure";
import { mean } from "./stats";
import { JUDGEMENT_SCALE } from "./scales";
import { planRounds, roundOf, resultsVisible, type Round, type StageState, type WorkshopPlan } from "./workshop-stages";

/** A (round, perspective) tally's figures, before the release rule. */
export interface TallyFigures {
  round: Round;
  perspective: string;
  respondents: number;
  /** The workshop version's options in order, by stable id (ADR 017), with their wording. */
  options: { id: string; label: string; count: number }[];
  judgements: { value: number; label: string; count: number }[];
  meanJudgement: number;
}

/** A (round, perspective) tally as released: its figures, or only which cell it is and the k it waits for. */
export type RoundTally = Release<TallyFigures, "round" | "perspective">;

/** One perspective's movement from round 1 to round 2, before the release rule. */
export interface ShiftFigures {
  perspective: string;
  people: number;
  moved: number;
  towardRight: number;
  towardWrong: number;
  changedOption: number;
}

/** A perspective's shift as released: its figures, or "not shown" until k people answered both rounds. */
export type ShiftRow = Release<ShiftFigures, "perspective">;

export interface RoomGap {
  round: Round;
  people: number;
  meanGap: number;
}

/** Counted votes of one round, perspective, option and judgement (read by workshop-tallies.server.ts). */
export interface TallyRow {
  round: number;
  perspective: string;
  /** The option's stable id (ADR 017); its wording comes from the case version shown. */
  optionId: string;
  judgement: number;
  count: number;
}

/**
 * The tallies of the given rounds, one per round and perspective, each released or withheld by
 * `cellReleased` (counted voters in the cell against k).
 *
 * @param rows counted votes grouped by round, perspective, option and judgement
 * @param k the k-threshold
 */
export function roundTallies(rows: TallyRow[], perspectives: { key: string; options: readonly { id: string; text: string }[] }[], rounds: Round[], k: number): RoundTally[] {
  const result: RoundTally[] = [];
  for (const round of rounds) {
    for (const perspective of perspectives) {
      const cells = rows.filter((r) => r.round === round && r.perspective === perspective.key);
      const respondents = cells.reduce((sum, c) => sum + c.count, 0);
      // The version's options, then any id its votes hold that it does not offer (none should), shown as the id.
      const offered = new Map(perspective.options.map((o) => [o.id, o.text]));
      const optionIds = [...offered.keys(), ...new Set(cells.map((c) => c.optionId).filter((id) => !offered.has(id)))];
      const figures: TallyFigures = {
        round,
        perspective: perspective.key,
        respondents,
        options: optionIds.map((id) => ({ id, label: offered.get(id) ?? id, count: cells.filter((c) => c.optionId === id).reduce((s, c) => s + c.count, 0) })),
        judgements: JUDGEMENT_SCALE.map((step) => ({
          value: step.value,
          label: step.label,
          count: cells.filter((c) => c.judgement === step.value).reduce((s, c) => s + c.count, 0),
        })),
        meanJudgement: mean(
          cells,
          (c) => c.judgement,
          (c) => c.count,
        ),
      };
      result.push(release(figures, cellReleased(respondents, k), k, ["round", "perspective"]));
    }
  }
  return result;
}

/** The shift per perspective, each released or withheld by `shiftReleased` (counted people in both rounds against k). */
/**
 * @param onlyOneRound per perspective, counted people who answered it in only one of the two
 *   rounds (`shiftReleased` withholds the shift while they number 1 to k−1); none when omitted
 */
export function shiftRows(
  rows: { perspective: string; judgementChange: number; optionChanged: boolean; count: number }[],
  perspectives: string[],
  k: number,
  onlyOneRound: Record<string, { roundOne: number; roundTwo: number }> = {},
): ShiftRow[] {
  return perspectives.map((perspective) => {
    const cells = rows.filter((r) => r.perspective === perspective);
    const count = (keep: (r: (typeof cells)[number]) => boolean) => cells.filter(keep).reduce((s, r) => s + r.count, 0);
    const figures: ShiftFigures = {
      perspective,
      people: count(() => true),
      moved: count((r) => r.judgementChange !== 0 || r.optionChanged),
      towardRight: count((r) => r.judgementChange > 0),
      towardWrong: count((r) => r.judgementChange < 0),
      changedOption: count((r) => r.optionChanged),
    };
    const only = onlyOneRound[perspective] ?? { roundOne: 0, roundTwo: 0 };
    return release(figures, shiftReleased(figures.people, k, only.roundOne, only.roundTwo), k, ["perspective"]);
  });
}

/** The room's empathy gap for a round, or null when `gapReleased` withholds it (fewer than k counted people answered both hats). */
export function roomGap(rows: { round: number; gap: number; count: number }[], round: Round, k: number): RoomGap | null {
  const cells = rows.filter((r) => r.round === round);
  const people = cells.reduce((s, c) => s + c.count, 0);
  if (!gapReleased(people, k)) return null;
  return {
    round,
    people,
    meanGap: mean(
      cells,
      (c) => c.gap,
      (c) => c.count,
    ),
  };
}

/** Rounds whose tallies the room may see now (the facilitator always sees them all). */
export function visibleRounds(state: StageState, plan: WorkshopPlan, audience: "room" | "facilitator"): Round[] {
  return planRounds(plan).filter((round) => audience === "facilitator" || resultsVisible(state, plan, round));
}

export function currentRound(state: StageState): Round | null {
  return roundOf(state.stage);
}
