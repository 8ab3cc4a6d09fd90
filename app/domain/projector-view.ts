/**
 * The pictures the projector draws from released figures: the 7-point judgement as a diverging
 * bar, and round 1 beside round 2 ("how the room moved"). Pure geometry and pairing over what
 * `workshop-view.ts` released through `disclosure.ts` (ADR 009, ADR 021): these functions take
 * only released tallies and shift rows, decide nothing about k, and add no figure of their own:
 * every number they return is a released count, or a share of one released cell.
 */
import type { RoundTally, ShiftRow, TallyFigures } from "./workshop-view";

/** A (round, perspective) tally that the release rule let out, with its figures. */
export type ReleasedTally = Extract<RoundTally, { released: true }>;
/** A perspective's shift that the release rule let out. */
export type ReleasedShift = Extract<ShiftRow, { released: true }>;

/** One judgement level's piece of a diverging bar; `start` and `width` in percent of the bar (0 to 100). */
export interface DivergingSegment {
  /** The level, −3 (clearly wrong) to +3 (clearly right). */
  value: number;
  label: string;
  count: number;
  /** Where the piece begins, from the bar's left edge, in percent; the centre line is at 50. */
  start: number;
  width: number;
}

/**
 * Lays out one released tally's judgement distribution as a diverging bar on a fixed scale:
 * "wrong" levels grow left from the centre (somewhat, then mostly, then clearly wrong outward),
 * "right" levels grow right, and "torn" sits across the centre, half on each side. Everyone in
 * the cell together spans 50 percent of the bar, so a room that is all wrong fills the left half
 * exactly, and bars of different cells (employee and employer, round 1 and round 2) share one
 * scale and can be compared by eye. A cell with no respondents gives pieces of width 0.
 *
 * @param judgements the tally's counts per level, in any order (levels −3 … +3)
 * @returns one piece per level, clearly wrong first, each with the level's exact count
 */
export function divergingSegments(judgements: TallyFigures["judgements"]): DivergingSegment[] {
  const ordered = [...judgements].sort((a, b) => a.value - b.value);
  const total = ordered.reduce((sum, level) => sum + level.count, 0);
  const width = (count: number) => (total === 0 ? 0 : (count / total) * 50);
  const leftOfCentre = ordered.reduce((sum, level) => sum + (level.value < 0 ? width(level.count) : level.value === 0 ? width(level.count) / 2 : 0), 0);
  let cursor = 50 - leftOfCentre;
  return ordered.map((level) => {
    const piece = { value: level.value, label: level.label, count: level.count, start: cursor, width: width(level.count) };
    cursor += piece.width;
    return piece;
  });
}

/** One option in round 1 and in round 2, as counts of the two released cells and shares of each. */
export interface OptionMovement {
  id: string;
  label: string;
  before: number;
  after: number;
  /** Shares of the round's respondents, 0 to 1. */
  beforeShare: number;
  afterShare: number;
}

/** One perspective's round 1 beside its round 2, with the shift the release rule let out. */
export interface PerspectiveMovement {
  perspective: string;
  /** Round 1's tally, or null while withheld (or not visible to this audience). */
  before: ReleasedTally | null;
  after: ReleasedTally | null;
  /** Each option's counts in both rounds: only when both cells are released, else null. */
  options: OptionMovement[] | null;
  /** The released shift (who moved and which way), or null while `shiftReleased` withholds it. */
  shift: ReleasedShift | null;
  /** The k a withheld cell or shift waits for. */
  k: number | null;
}

/**
 * Pairs, per perspective, the released round 1 and round 2 tallies and the released shift, for
 * "how the room moved". Nothing is derived from people: the option rows are the two cells'
 * released counts side by side, and who moved (and which way) is the shift row exactly as
 * released; a withheld cell or shift stays withheld (null), never filled in from the other
 * outputs.
 *
 * @param tallies the audience's tallies (any rounds; rounds other than 1 and 2 are ignored)
 * @param shift the audience's shift rows, or null when it sees none
 * @param perspectives the perspective keys, in the order to show them
 */
export function roomMovement(tallies: readonly RoundTally[], shift: readonly ShiftRow[] | null, perspectives: readonly string[]): PerspectiveMovement[] {
  return perspectives.map((perspective) => {
    const find = (round: number) => tallies.find((t) => t.round === round && t.perspective === perspective);
    const [one, two] = [find(1), find(2)];
    const before = one?.released ? one : null;
    const after = two?.released ? two : null;
    const shiftRow = shift?.find((s) => s.perspective === perspective);
    const withheld = [one, two, shiftRow].find((item) => item !== undefined && !item.released);
    return {
      perspective,
      before,
      after,
      options: before && after ? pairOptions(before, after) : null,
      shift: shiftRow?.released ? shiftRow : null,
      k: withheld && !withheld.released ? withheld.k : null,
    };
  });
}

/** Round 1's options in order, then any only round 2 lists, each with both rounds' counts (0 where absent). */
function pairOptions(before: ReleasedTally, after: ReleasedTally): OptionMovement[] {
  const labels = new Map<string, string>();
  for (const option of [...before.options, ...after.options]) if (!labels.has(option.id)) labels.set(option.id, option.label);
  const count = (tally: ReleasedTally, id: string) => tally.options.find((o) => o.id === id)?.count ?? 0;
  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  return [...labels].map(([id, label]) => {
    const [b, a] = [count(before, id), count(after, id)];
    return { id, label, before: b, after: a, beforeShare: share(b, before.respondents), afterShare: share(a, after.respondents) };
  });
}

/**
 * The round whose results the end of a workshop shows: round 2 when the room's tallies hold it
 * (released or withheld: a withheld cell still says when it appears), else round 1. The
 * projector and the phones both show it, so they show the same round.
 */
export function lastTalliedRound(tallies: readonly RoundTally[]): 1 | 2 {
  return tallies.some((t) => t.round === 2) ? 2 : 1;
}
