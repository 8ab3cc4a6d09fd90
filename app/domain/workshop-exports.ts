/**
 * The facilitator's downloads: a Markdown debrief and a CSV of anonymous positions. Both apply
 * the k-threshold to every breakdown by standing and carry no name, token or account.
 */
import { groupLookup, mergeSmallGroups, OTHER_GROUP } from "./k-threshold";
import { judgementLabel } from "./scales";
import { mean } from "./stats";
import type { RoomGap, RoundTally, ShiftRow } from "./workshop-view";
import type { Round } from "./workshop-stages";
import { formatPercent, formatSigned } from "./format";

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
  tallies: RoundTally[];
  byStanding: { round: number; perspective: string; standing: string | null; option: string; judgement: number; count: number }[];
  gaps: RoomGap[];
  shift: ShiftRow[] | null;
  spotlight: { kind: string; body: string; upvotes: number } | null;
  topSubmissions: { kind: string; body: string; upvotes: number; movedPeople: number }[];
  standingLabels: Record<string, string>;
}

const UNDECLARED = "undeclared";

/** User text inside the debrief: one quoted paragraph, so it cannot add headings or tables. */
function quote(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => `> ${line.replace(/^([#>|-])/, "\\$1")}`)
    .join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function standingName(key: string, labels: Record<string, string>): string {
  if (key === OTHER_GROUP) return "Other standings (merged)";
  if (key === UNDECLARED) return "Not declared";
  return labels[key] ?? key;
}

function standingTable(input: DebriefInput, tally: RoundTally): string[] {
  const rows = input.byStanding.filter((r) => r.round === tally.round && r.perspective === tally.perspective);
  const sizes = new Map<string, number>();
  for (const r of rows) sizes.set(r.standing ?? UNDECLARED, (sizes.get(r.standing ?? UNDECLARED) ?? 0) + r.count);
  const breakdown = mergeSmallGroups([...sizes].map(([key, count]) => ({ key, count })), input.k);
  if (breakdown.suppressed) return [`By standing: not shown (${breakdown.reason}; groups under ${input.k} are never broken down).`, ""];
  const lookup = groupLookup(breakdown);
  const lines = [
    `| Standing | People | ${tally.options.map((o) => cell(o.label)).join(" | ")} | Average judgement |`,
    `|---|---|${tally.options.map(() => "---").join("|")}|---|`,
  ];
  for (const group of breakdown.shown) {
    const cells = rows.filter((r) => lookup.get(r.standing ?? UNDECLARED) === group.key);
    const counts = tally.options.map((o) => cells.filter((c) => c.option === o.label).reduce((s, c) => s + c.count, 0));
    lines.push(`| ${standingName(group.key, input.standingLabels)} | ${group.count} | ${counts.join(" | ")} | ${formatSigned(mean(cells, (c) => c.judgement, (c) => c.count))} |`);
  }
  return [...lines, ""];
}

export function buildDebrief(input: DebriefInput): string {
  const out: string[] = [];
  out.push(`# Debrief: ${input.title}`, "");
  out.push(`- Case: **${input.caseTitle}**`);
  out.push(`- Join code: ${input.code}`);
  out.push(`- Started: ${input.startedAt.replace("T", " ").slice(0, 16)} UTC${input.endedAt ? `; ended ${input.endedAt.replace("T", " ").slice(0, 16)} UTC` : " (still running when exported)"}`);
  out.push(`- Participants: ${input.participants}`);
  out.push(`- Breakdowns by standing show only groups of at least ${input.k} people.`, "");
  out.push("## The case", "", input.caseSummary, "", `Judgement question: *${input.judgementQuestion}*`, "");

  for (const round of input.rounds) {
    out.push(`## Round ${round}${input.rounds.length > 1 ? (round === 1 ? " (before discussion)" : " (after discussion)") : ""}`, "");
    for (const tally of input.tallies.filter((t) => t.round === round)) {
      out.push(`### As the ${tally.perspective}: ${tally.respondents} answered`, "");
      out.push("| What they would do | People | Share |", "|---|---|---|");
      for (const option of tally.options) out.push(`| ${cell(option.label)} | ${option.count} | ${formatPercent(option.count, tally.respondents)} |`);
      out.push("");
      out.push(`Judgement: average ${formatSigned(tally.meanJudgement)} (${judgementLabel(Math.round(tally.meanJudgement)).toLowerCase()}).`, "");
      out.push("| Judgement | People |", "|---|---|");
      for (const j of tally.judgements) out.push(`| ${j.label} | ${j.count} |`);
      out.push("");
      out.push(...standingTable(input, tally));
    }
    const gap = input.gaps.find((g) => g.round === round);
    out.push(
      gap
        ? `Empathy gap (employee judgement minus employer judgement): average ${formatSigned(gap.meanGap)} across ${gap.people} people.`
        : `Empathy gap: not shown (fewer than ${input.k} people answered both as employee and as employer).`,
      "",
    );
  }

  if (input.shift) {
    out.push("## How the room moved (round 1 to round 2)", "");
    out.push("| Perspective | Answered both rounds | Moved | More right | More wrong | Changed action |", "|---|---|---|---|---|---|");
    for (const s of input.shift) out.push(`| ${s.perspective} | ${s.people} | ${s.moved} | ${s.towardRight} | ${s.towardWrong} | ${s.changedOption} |`);
    out.push("");
  }

  out.push("## Arguments and questions from the room", "");
  if (input.spotlight) out.push(`Spotlighted (${input.spotlight.kind}, ${input.spotlight.upvotes} upvotes):`, "", quote(input.spotlight.body), "");
  if (input.topSubmissions.length === 0) out.push("None were submitted.", "");
  for (const s of input.topSubmissions) {
    const moved = s.movedPeople > 0 ? `, named by ${s.movedPeople} as what moved them` : "";
    out.push(`- ${s.kind === "question" ? "Question" : "Argument"} (${s.upvotes} upvotes${moved}):`, "", quote(s.body), "");
  }

  out.push("## Questions for discussion", "");
  input.discussion.forEach((q, i) => out.push(`${i + 1}. ${q}`));
  out.push("");
  return out.join("\n");
}

export interface CsvVote {
  respondentKey: number;
  round: number;
  perspective: string;
  option: string;
  judgement: number;
  standing: string | null;
}

/** A spreadsheet will not run a cell that starts like a formula. */
function csvCell(value: string | number): string {
  let text = String(value);
  // Only text can be a formula; our own numbers (a judgement of -2) must stay numbers.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per vote. Respondents are renumbered in a shuffled order, so the numbers say which
 * answers came from one person without saying who, or in what order people joined; standings
 * below k are reported as merged.
 */
export function buildPositionsCsv(votes: CsvVote[], k: number, shuffle: <T>(items: T[]) => T[]): string {
  const people = new Map<number, string | null>();
  for (const v of votes) people.set(v.respondentKey, v.standing);
  const sizes = new Map<string, number>();
  for (const standing of people.values()) sizes.set(standing ?? UNDECLARED, (sizes.get(standing ?? UNDECLARED) ?? 0) + 1);
  const breakdown = mergeSmallGroups([...sizes].map(([key, count]) => ({ key, count })), k);
  const lookup = groupLookup(breakdown);
  const numbers = new Map(shuffle([...people.keys()]).map((key, index) => [key, index + 1]));

  const header = ["respondent", "round", "perspective", "option", "judgement", "judgement_label", "standing"];
  const rows = votes
    .map((v) => [
      numbers.get(v.respondentKey)!,
      v.round,
      v.perspective,
      v.option,
      v.judgement,
      judgementLabel(v.judgement),
      breakdown.suppressed ? "not shown" : (lookup.get(v.standing ?? UNDECLARED) ?? OTHER_GROUP) === OTHER_GROUP ? "merged small groups" : (v.standing ?? UNDECLARED),
    ])
    .sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]) || String(a[2]).localeCompare(String(b[2])));
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
