/**
 * Whether a role-play room's empathy gap moved (issue 17, ADR 032): per perspective, the room's
 * average judgement, and the empathy gap, in each phase (round 1 before the role-play, round 2
 * after it, round 3 after the swap), with the change between phases. Built only from figures the
 * live room already releases (`roundTallies`, `roomGap`: `cellReleased`, `gapReleased`), and a
 * change only where both ends are released (`phaseChangeReleased`); no figure of its own.
 */
import { phaseChangeReleased } from "./disclosure";
import type { RoomGap, RoundTally } from "./workshop-view";
import type { Round } from "./workshop-stages";

/** A phase of a role-play workshop with the swap, and the round that measures it. */
export interface Phase {
  key: "before" | "after-role-play" | "after-swap";
  round: Round;
  /** "Before the role-play", "After the role-play", "After the swap". */
  label: string;
}

/** The three phases in order: rounds 1, 2 and 3 of a role-play workshop with the swap. */
export const PHASES: readonly Phase[] = [
  { key: "before", round: 1, label: "Before the role-play" },
  { key: "after-role-play", round: 2, label: "After the role-play" },
  { key: "after-swap", round: 3, label: "After the swap" },
];

/** The changes shown: with the role-play (1 → 2), with the swap (2 → 3), and in all (1 → 3). */
export const PHASE_CHANGES: readonly { from: Round; to: Round; label: string }[] = [
  { from: 1, to: 2, label: "Change with the role-play" },
  { from: 2, to: 3, label: "Change with the swap" },
  { from: 1, to: 3, label: "Change in all" },
];

/** One figure in one phase: the average and how many people it counts, or withheld (the k it waits for). */
export type PhaseFigure = { released: true; value: number; people: number } | { released: false; k: number };

/** One row of the comparison: a perspective's average judgement, or the empathy gap. */
export interface PhaseRow {
  /** The perspective's key, or "gap" for the empathy gap (employee judgement minus employer judgement). */
  figure: string;
  /** One per phase, in PHASES' order. */
  phases: PhaseFigure[];
  /** One per PHASE_CHANGES entry: the later figure minus the earlier, or null when either is withheld. */
  changes: (number | null)[];
}

/**
 * The comparison table: a row per polled perspective (its average judgement per phase), then the
 * empathy gap when both the employee and the employer are polled, each with the changes between
 * phases.
 *
 * @param tallies the room's released or withheld tallies of rounds 1–3 (`roundTallies`)
 * @param gaps the room's gap per round as `roomGap` gives it (null: withheld), e.g. `{ 1: {…}, 2: null, 3: {…} }`
 * @param perspectives the polled perspectives' keys, in the case's order
 * @param k the k-threshold, which a withheld figure names
 */
export function phaseComparison(tallies: readonly RoundTally[], gaps: Partial<Record<Round, RoomGap | null>>, perspectives: readonly string[], k: number): PhaseRow[] {
  const row = (figure: string, phases: PhaseFigure[]): PhaseRow => ({
    figure,
    phases,
    changes: PHASE_CHANGES.map(({ from, to }) => {
      const a = phases[from - 1]!;
      const b = phases[to - 1]!;
      return phaseChangeReleased(a.released, b.released) && a.released && b.released ? b.value - a.value : null;
    }),
  });
  const rows = perspectives.map((perspective) =>
    row(
      perspective,
      PHASES.map(({ round }): PhaseFigure => {
        const tally = tallies.find((t) => t.round === round && t.perspective === perspective);
        return tally?.released ? { released: true, value: tally.meanJudgement, people: tally.respondents } : { released: false, k };
      }),
    ),
  );
  const gapRow: PhaseRow = row(
    "gap",
    PHASES.map(({ round }): PhaseFigure => {
      const gap = gaps[round];
      return gap ? { released: true, value: gap.meanGap, people: gap.people } : { released: false, k };
    }),
  );
  return perspectives.includes("employee") && perspectives.includes("employer") ? [...rows, gapRow] : rows;
}
