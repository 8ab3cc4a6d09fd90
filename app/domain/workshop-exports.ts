/**
 * The facilitator's downloads: a Markdown debrief and a CSV of anonymous positions. Both release
 * only what `disclosure.ts` releases (ADR 009): tallies of at least k counted voters, the
 * workshop's one grouping by standing in every table and column, and no name, token or account.
 */
import { cellReleased, groupOfStanding, movedByShown, resultsAppearAt, STANDINGS_AT_END, UNDECLARED_STANDING, workshopCellKey, workshopGrouping } from "./disclosure";
import { OTHER_GROUP, type Breakdown, type RatingsByStanding } from "./disclosure";
import { judgementLabel } from "./scales";
import { mean } from "./stats";
import type { RoomGap, RoundTally, ShiftRow } from "./workshop-view";
import type { Round } from "./workshop-stages";
import { PHASE_CHANGES, PHASES, type PhaseFigure, type PhaseRow } from "./role-play-phases";
import { countOf, formatPercent, formatSigned, formatUtc } from "./format";
import { blockquote, emphasis, heading, lines, list, oneLine, paragraph, strong, table, writeMarkdown } from "./markdown-writer";
import type { BlockContent } from "mdast";
import { visibleCharacters } from "./visible-length";

export interface DebriefInput {
  title: string;
  code: string;
  startedAt: string;
  endedAt: string | null;
  caseTitle: string;
  caseSummary: string;
  judgementQuestion: string;
  discussion: string[];
  participants: number;
  k: number;
  rounds: Round[];
  /** Released or withheld per (round, perspective), by roundTallies. */
  tallies: RoundTally[];
  /** Counted votes by declared standing, for the standing tables. */
  byStanding: { round: number; perspective: string; standing: string | null; optionId: string; judgement: number; count: number }[];
  /** The workshop's one grouping by standing (disclosure.ts `workshopGrouping`), used by every table. */
  grouping: Breakdown;
  /** Whether breakdowns by standing may be shown yet (disclosure.ts `standingBreakdownReleased`: once the workshop has ended). */
  standingsReleased: boolean;
  gaps: RoomGap[];
  shift: ShiftRow[] | null;
  /** Role-play with the swap (ADR 032): the phase comparison (`phaseComparison`); null otherwise. */
  phases?: PhaseRow[] | null;
  spotlight: { kind: string; body: string; upvotes: number } | null;
  topSubmissions: { kind: string; body: string; upvotes: number; movedPeople: number }[];
  standingLabels: Record<string, string>;
  /**
   * Role-play's written steps (ADR 034): each step's best texts with their released scores (no
   * author, no count) and its ratings by standing (`ratingsByStanding`); none outside role-play.
   */
  textSteps?: { kind: "steelman" | "rehearsal"; best: { body: string; side: string; score: string }[]; byStanding: RatingsByStanding }[];
  /** The case author's model answers per role (ADR 034), the author's Markdown kept as text; null when none are shown. */
  modelAnswers?: { name: string; prompt: string; markdown: string }[] | null;
}

const UNDECLARED = UNDECLARED_STANDING;

function standingName(key: string, labels: Record<string, string>): string {
  if (key === OTHER_GROUP) return "Other standings (merged)";
  if (key === UNDECLARED) return "Not declared";
  return labels[key] ?? key;
}

/** A phone's submission: a quoted paragraph whose text keeps its line breaks. */
function quote(body: string): BlockContent {
  return blockquote(paragraph(lines(body)));
}

/**
 * A released tally's breakdown by standing, in the workshop's one grouping (never regrouped per
 * round or perspective, so the tables and the CSV never differ by a small group).
 */
function standingTable(input: DebriefInput, tally: Extract<RoundTally, { released: true }>): BlockContent {
  if (!input.standingsReleased) return paragraph(`By standing: ${STANDINGS_AT_END}.`);
  if (input.grouping.suppressed) return paragraph(`By standing: not shown (${input.grouping.reason}; groups under ${input.k} are never broken down).`);
  const rows = input.byStanding.filter((r) => r.round === tally.round && r.perspective === tally.perspective);
  return table(
    ["Standing", "People", ...tally.options.map((o) => oneLine(o.label)), "Average judgement"],
    input.grouping.shown.map((group) => {
      const cells = rows.filter((r) => groupOfStanding(input.grouping, r.standing) === group.key);
      const people = cells.reduce((s, c) => s + c.count, 0);
      const counts = tally.options.map((o) => cells.filter((c) => c.optionId === o.id).reduce((s, c) => s + c.count, 0));
      return [
        oneLine(standingName(group.key, input.standingLabels)),
        String(people),
        ...counts.map(String),
        people > 0
          ? formatSigned(
              mean(
                cells,
                (c) => c.judgement,
                (c) => c.count,
              ),
            )
          : "none",
      ];
    }),
  );
}

/** What a round's heading says of it: "(before discussion)", or in a role-play with the swap its phase ("(before the role-play)"). */
function roundNote(round: Round, input: DebriefInput): string {
  if (input.phases) return ` (${PHASES.find((p) => p.round === round)!.label.toLowerCase()})`;
  if (input.rounds.length === 1) return "";
  return round === 1 ? " (before discussion)" : " (after discussion)";
}

/** One phase's figure in the comparison table: "+1.2 (6 people)", or the k it waits for. */
function phaseCell(figure: PhaseFigure, gap: boolean): string {
  if (!figure.released) return gap ? `not shown (fewer than ${figure.k} answered both perspectives)` : `${resultsAppearAt(figure.k)}`;
  return `${formatSigned(figure.value)} (${countOf(figure.people, "person", "people")})`;
}

/**
 * "Did the empathy gap move?": per perspective the average judgement and then the empathy gap,
 * before the role-play, after it and after the swap, with the changes (ADR 032). Every figure is
 * one the room's tallies and gaps release; a change only where both phases are released.
 */
function phaseSection(rows: PhaseRow[], k: number): BlockContent[] {
  const name = (figure: string) => (figure === "gap" ? "Empathy gap (employee minus employer)" : `Judgement as the ${oneLine(figure)}`);
  return [
    heading(2, "Did the empathy gap move?"),
    paragraph(
      `Averages of everyone who answered in each phase (round 1 before the role-play, round 2 after it, round 3 after the roles swapped); people who joined late or left count only where they answered. A figure appears once at least ${k} people answered it; a change, once both its phases appear.`,
    ),
    table(
      ["Figure", ...PHASES.map((p) => p.label), ...PHASE_CHANGES.map((c) => c.label)],
      rows.map((r) => [name(r.figure), ...r.phases.map((p) => phaseCell(p, r.figure === "gap")), ...r.changes.map((c) => (c === null ? "—" : formatSigned(c)))]),
    ),
  ];
}

/** A role-play step's section: the best texts (scores released when rating closed, at k raters) and the ratings by standing. */
function textStepSection(step: NonNullable<DebriefInput["textSteps"]>[number], input: DebriefInput): BlockContent[] {
  const steelman = step.kind === "steelman";
  const out: BlockContent[] = [heading(2, steelman ? "Steelmen: the other side's best case, rated by that side" : "Rehearsal: the best lines, rated by the other side")];
  if (step.best.length === 0) out.push(paragraph(`None scored: a score appears when rating closes, once at least ${input.k} people rated.`));
  for (const text of step.best) out.push(list(false, [[`${oneLine(text.side)}, ${text.score}:`]]), quote(text.body));
  const by = step.byStanding;
  out.push(heading(3, steelman ? "How fair raters found them, by standing" : "Criteria met, by raters' standing"));
  out.push(
    by.released
      ? table(
          ["Raters' standing", steelman ? "Average “fair to us” (1–5)" : "Average criteria met (0–3)"],
          by.rows.map((row) => [standingName(row.group, input.standingLabels), row.halfPoints === null ? "no ratings" : String(row.halfPoints / 2)]),
        )
      : paragraph(`By standing: ${by.reason}.`),
  );
  return out;
}

/**
 * The debrief as GFM Markdown, built as a syntax tree and written by `writeMarkdown`, so every
 * text from the room and from the case (titles, options, questions, submissions) stays text.
 * Times are shown in UTC to the minute.
 */
export function buildDebrief(input: DebriefInput): string {
  const out: BlockContent[] = [];
  out.push(heading(1, `Debrief: ${oneLine(input.title)}`));
  out.push(
    list(false, [
      ["Case: ", strong(oneLine(input.caseTitle))],
      [`Join code: ${input.code}`],
      [`Started: ${formatUtc(input.startedAt)} UTC${input.endedAt ? `; ended ${formatUtc(input.endedAt)} UTC` : " (still running when exported)"}`],
      [`Participants: ${input.participants}`],
      [`Breakdowns by standing show only groups of at least ${input.k} people.`],
    ]),
  );
  out.push(heading(2, "The case"), paragraph(oneLine(input.caseSummary)), paragraph("Judgement question: ", emphasis(oneLine(input.judgementQuestion))));

  if (input.phases) out.push(...phaseSection(input.phases, input.k));

  for (const round of input.rounds) {
    out.push(heading(2, `Round ${round}${roundNote(round, input)}`));
    for (const tally of input.tallies.filter((t) => t.round === round)) {
      if (!tally.released) {
        out.push(heading(3, `As the ${oneLine(tally.perspective)}`), paragraph(`${resultsAppearAt(tally.k)}.`));
        continue;
      }
      out.push(heading(3, `As the ${oneLine(tally.perspective)}: ${tally.respondents} answered`));
      out.push(
        table(
          ["What they would do", "People", "Share"],
          tally.options.map((option) => [oneLine(option.label), String(option.count), formatPercent(option.count, tally.respondents)]),
        ),
      );
      out.push(paragraph(`Judgement: average ${formatSigned(tally.meanJudgement)} (${judgementLabel(Math.round(tally.meanJudgement)).toLowerCase()}).`));
      out.push(
        table(
          ["Judgement", "People"],
          tally.judgements.map((j) => [j.label, String(j.count)]),
        ),
      );
      out.push(standingTable(input, tally));
    }
    const gap = input.gaps.find((g) => g.round === round);
    out.push(
      paragraph(
        gap
          ? `Empathy gap (employee judgement minus employer judgement): average ${formatSigned(gap.meanGap)} across ${countOf(gap.people, "person", "people")}.`
          : `Empathy gap: not shown (fewer than ${input.k} people answered both as employee and as employer).`,
      ),
    );
  }

  if (input.shift) {
    out.push(heading(2, "How the room moved (round 1 to round 2)"));
    out.push(
      input.shift.some((s) => s.released)
        ? table(
            ["Perspective", "Answered both rounds", "Moved", "More right", "More wrong", "Changed action"],
            input.shift.map((s) =>
              s.released
                ? [oneLine(s.perspective), ...[s.people, s.moved, s.towardRight, s.towardWrong, s.changedOption].map(String)]
                : [oneLine(s.perspective), `not shown (fewer than ${s.k} people answered both rounds)`, "—", "—", "—", "—"],
            ),
          )
        : paragraph(`Not shown: fewer than ${input.k} people answered both rounds from any perspective.`),
    );
  }

  out.push(heading(2, "Arguments and questions from the room"));
  if (input.spotlight) out.push(paragraph(`Spotlighted (${oneLine(input.spotlight.kind)}, ${countOf(input.spotlight.upvotes, "upvote", "upvotes")}):`), quote(input.spotlight.body));
  if (input.topSubmissions.length === 0) out.push(paragraph("None were submitted."));
  for (const s of input.topSubmissions) {
    // A change of mind is a protected answer: how many named it only once at least k did.
    const moved = movedByShown(s.movedPeople, input.k) ? `, named by ${s.movedPeople} as what moved them` : "";
    out.push(list(false, [[`${s.kind === "question" ? "Question" : "Argument"} (${countOf(s.upvotes, "upvote", "upvotes")}${moved}):`]]), quote(s.body));
  }

  for (const step of input.textSteps ?? []) out.push(...textStepSection(step, input));
  if (input.modelAnswers && input.modelAnswers.length > 0) {
    out.push(heading(2, "Model answers from the case's author"));
    for (const answer of input.modelAnswers) out.push(heading(3, `${oneLine(answer.name)}: ${oneLine(answer.prompt)}`), quote(answer.markdown));
  }

  out.push(heading(2, "Questions for discussion"));
  out.push(
    list(
      true,
      input.discussion.map((q) => [oneLine(q)]),
    ),
  );
  return writeMarkdown(out);
}

export interface CsvVote {
  respondentKey: number;
  round: number;
  perspective: string;
  option: string;
  judgement: number;
  standing: string | null;
}

/**
 * One CSV field (RFC 4180: quoted when it holds a quote, comma or line break, quotes doubled).
 * Text that starts like a formula (=, +, -, @, tab, CR: OWASP "CSV Injection"; and LF, CR's
 * twin) gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
 */
function csvCell(value: string | number): string {
  let text = String(value);
  // Only text can be a formula; our own numbers (a judgement of -2) must stay numbers.
  if (typeof value === "string" && /^[=+\-@\t\r\n]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The workshop grouping of the people who cast these votes: one standing per person, counted per cell too. */
function groupingOfVotes(votes: CsvVote[], k: number): Breakdown {
  const standingOf = new Map<number, string | null>();
  for (const v of votes) standingOf.set(v.respondentKey, v.standing);
  const byStanding = new Map<string | null, { people: number; cells: Record<string, number> }>();
  for (const standing of standingOf.values()) {
    const entry = byStanding.get(standing) ?? { people: 0, cells: {} };
    entry.people += 1;
    byStanding.set(standing, entry);
  }
  for (const v of votes) {
    const cells = byStanding.get(v.standing)!.cells;
    const key = workshopCellKey(v.round, v.perspective);
    cells[key] = (cells[key] ?? 0) + 1;
  }
  return workshopGrouping(
    [...byStanding].map(([standing, entry]) => ({ standing, ...entry })),
    k,
  );
}

const UTF8_BOM = "\uFEFF";

/**
 * One row per counted vote in a released (round, perspective) cell (at least k counted voters:
 * disclosure.ts `cellReleased`). Respondents are numbered per round ("r2-7": respondent 7 of
 * round 2) in a shuffled order: the rows of one round say which answers came from one person
 * (their employee and employer answers) without saying who or in what order people joined, and
 * rows of two rounds are never linked, because who took part in which round (a late joiner, an
 * early leaver) would single a known person out. The standing column is the workshop's one
 * grouping (a standing, "merged small groups", or "not shown" when the grouping is suppressed),
 * and only once the workshop has ended (disclosure.ts `standingBreakdownReleased`).
 *
 * @param votes the workshop's counted votes (withdrawn participants already left out)
 * @param shuffle orders each round's respondents before they are numbered 1..n
 * @param options.grouping the workshop grouping (disclosure.ts `workshopGrouping`), the debrief's
 *   too; by default built by the same rule from the people these votes hold, which are the same
 *   people (everyone with at least one counted vote)
 * @param options.standingsReleased false while the workshop runs (default true)
 * @returns the file's text, starting with a UTF-8 byte-order mark (for Excel)
 */
export function buildPositionsCsv(votes: CsvVote[], k: number, shuffle: <T>(items: T[]) => T[], options: { grouping?: Breakdown; standingsReleased?: boolean } = {}): string {
  const grouping = options.grouping ?? groupingOfVotes(votes, k);
  const standingsReleased = options.standingsReleased ?? true;
  const cellSizes = new Map<string, number>();
  const cellOf = (v: CsvVote) => workshopCellKey(v.round, v.perspective);
  for (const v of votes) cellSizes.set(cellOf(v), (cellSizes.get(cellOf(v)) ?? 0) + 1);
  const released = votes.filter((v) => cellReleased(cellSizes.get(cellOf(v)) ?? 0, k));
  const rounds = [...new Set(released.map((v) => v.round))].sort((a, b) => a - b);
  const numbers = new Map<string, number>();
  for (const round of rounds) {
    const people = [...new Set(released.filter((v) => v.round === round).map((v) => v.respondentKey))];
    for (const [index, key] of shuffle(people).entries()) numbers.set(`${round}:${key}`, index + 1);
  }
  const standingColumn = (standing: string | null) => {
    if (!standingsReleased) return STANDINGS_AT_END;
    const group = groupOfStanding(grouping, standing);
    return group === null ? "not shown" : group === OTHER_GROUP ? "merged small groups" : group;
  };

  const header = ["respondent", "round", "perspective", "option", "judgement", "judgement_label", "standing"];
  const rows = released
    .map((v) => ({ round: v.round, number: numbers.get(`${v.round}:${v.respondentKey}`)!, v }))
    .sort((a, b) => a.round - b.round || a.number - b.number || a.v.perspective.localeCompare(b.v.perspective))
    .map(({ round, number, v }) => [`r${round}-${number}`, v.round, v.perspective, v.option, v.judgement, judgementLabel(v.judgement), standingColumn(v.standing)]);
  // A UTF-8 byte-order mark first: Excel reads a CSV without one in the computer's legacy code
  // page, so accents and emoji in options come out garbled; with it, Excel and other spreadsheet
  // programs read UTF-8 (RFC 4180 readers and our own tests skip it).
  return UTF8_BOM + [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/**
 * A download's file name: the workshop title's words (letters, marks and digits of any script)
 * in lower case joined by hyphens, at most 40 characters ("workshop" when nothing is left), then
 * the join code's letters and digits, then the extension: "Émoji CSV" → `émoji-csv-K7M2QP.csv`.
 * `contentDisposition` puts it in the header, with an ASCII twin.
 */
export function exportFileName(title: string, code: string, extension: string): string {
  const words = title
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== "");
  const slug = visibleCharacters(words.join("-")).slice(0, 40).join("").replace(/-$/, "") || "workshop";
  return `${slug}-${code.replace(/[^A-Za-z0-9]/g, "")}.${extension.replace(/[^a-z0-9]/g, "")}`;
}
