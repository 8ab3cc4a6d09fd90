import { describe, expect, it } from "vitest";
import { buildDebrief, buildPositionsCsv, type CsvVote, type DebriefInput } from "../../app/domain/workshop-exports";
import { roundTallies } from "../../app/domain/workshop-view";
import { workshopGrouping } from "../../app/domain/disclosure";
import { parseCsv } from "../support/csv-reader";

const EMPLOYEE_OPTIONS = ["Report the record", "Delay and help", "Ask your manager"];
const EMPLOYER_OPTIONS = ["Fire", "Warn and retrain", "Back the screener"];
// Ids as wordings: exports show wordings, whatever the ids (ADR 017).
const PERSPECTIVES = [
  { key: "employee", options: EMPLOYEE_OPTIONS.map((text) => ({ id: text, text })) },
  { key: "employer", options: EMPLOYER_OPTIONS.map((text) => ({ id: text, text })) },
];

/** Names that exist in the database beside the answers; none may reach an export. */
const NAMES = ["Priya Raman", "Jonas Berg", "Ana Souza"];

type StandingRow = DebriefInput["byStanding"][number];

/** `people` people of one standing who all gave the same answer; rows carry a name as a careless query might. */
function answers(round: number, perspective: string, standing: string | null, optionId: string, judgement: number, count: number): StandingRow {
  const fromDatabase = { round, perspective, standing, optionId, judgement, count, displayName: NAMES[count % NAMES.length] };
  return fromDatabase;
}

/*
 * Round 1, as the employee: 18 people.
 *   frontline 7: 4 "Report the record" at -1, 3 "Delay and help" at +2
 *   manager   6: 2 "Report the record" at -2, 4 "Ask your manager" at +1
 *   hr        3: 3 "Delay and help" at +3            (below k = 5)
 *   undeclared 2: 2 "Report the record" at 0         (below k; with hr the merged group has 5)
 */
const ROUND_1_EMPLOYEE: StandingRow[] = [
  answers(1, "employee", "frontline", "Report the record", -1, 4),
  answers(1, "employee", "frontline", "Delay and help", 2, 3),
  answers(1, "employee", "manager", "Report the record", -2, 2),
  answers(1, "employee", "manager", "Ask your manager", 1, 4),
  answers(1, "employee", "hr", "Delay and help", 3, 3),
  answers(1, "employee", null, "Report the record", 0, 2),
];
const ROUND_1_EMPLOYER: StandingRow[] = [
  answers(1, "employer", "frontline", "Warn and retrain", 1, 7),
  answers(1, "employer", "manager", "Fire", -1, 6),
  answers(1, "employer", "hr", "Back the screener", 2, 3),
  answers(1, "employer", null, "Warn and retrain", 0, 2),
];
const ROUND_2: StandingRow[] = [
  answers(2, "employee", "frontline", "Delay and help", 2, 7),
  answers(2, "employee", "manager", "Ask your manager", 2, 6),
  answers(2, "employee", "hr", "Delay and help", 3, 3),
  answers(2, "employee", null, "Report the record", 1, 2),
  answers(2, "employer", "frontline", "Warn and retrain", 2, 7),
  answers(2, "employer", "manager", "Warn and retrain", 0, 6),
  answers(2, "employer", "hr", "Back the screener", 2, 3),
  answers(2, "employer", null, "Warn and retrain", 1, 2),
];

const HOSTILE = ["# heading", "| table | x |", "|---|---|", "<script>alert('x')</script>", "- a list item", "> a nested quote", "", "```", "a code fence", "```"].join("\n");

/**
 * The workshop grouping of the people behind these rows: everyone here answered the cell in
 * which their standing has the most people, so that is how many people hold the standing.
 */
function groupingOf(byStanding: StandingRow[], k: number) {
  const cells = new Map<string, number>();
  for (const r of byStanding) {
    const key = `${r.round}/${r.perspective}/${r.standing}`;
    cells.set(key, (cells.get(key) ?? 0) + r.count);
  }
  const people = new Map<string | null, number>();
  for (const r of byStanding) people.set(r.standing, Math.max(people.get(r.standing) ?? 0, cells.get(`${r.round}/${r.perspective}/${r.standing}`)!));
  return workshopGrouping(
    [...people].map(([standing, count]) => ({ standing, people: count })),
    k,
  );
}

function debriefInput(overrides: Partial<DebriefInput> = {}): DebriefInput {
  const byStanding = overrides.byStanding ?? [...ROUND_1_EMPLOYEE, ...ROUND_1_EMPLOYER, ...ROUND_2];
  const spotlight = { kind: "argument", body: HOSTILE, upvotes: 12, authorName: NAMES[1] };
  const topSubmissions = [
    { kind: "argument", body: "Compassion is not a policy.", upvotes: 9, movedPeople: 6, authorName: NAMES[0] },
    { kind: "question", body: "What would the client want?\r\n# Not a heading\r| not a table |", upvotes: 4, movedPeople: 0, authorName: NAMES[2] },
  ];
  return {
    title: "Tuesday ethics lab",
    code: "K7M2QP",
    startedAt: "2025-03-04T09:30:41.000Z",
    endedAt: "2025-03-04T10:45:12.000Z",
    caseTitle: "The background check",
    caseSummary: "A screener finds an old record that could cost an applicant the job.",
    judgementQuestion: "Was the screener right?",
    discussion: ["Where does compassion end and duty to a client begin?", "Would you want to be told?"],
    participants: 18,
    k: 5,
    rounds: [1, 2],
    tallies: roundTallies(
      byStanding.map(({ round, perspective, optionId, judgement, count }) => ({ round, perspective, optionId, judgement, count })),
      PERSPECTIVES,
      overrides.rounds ?? [1, 2],
      overrides.k ?? 5,
    ),
    byStanding,
    grouping: groupingOf(byStanding, overrides.k ?? 5),
    standingsReleased: true,
    gaps: [{ round: 1, people: 18, meanGap: 1.25 }],
    shift: [
      { perspective: "employee", people: 18, moved: 11, towardRight: 9, towardWrong: 0, changedOption: 4, released: true },
      { perspective: "employer", people: 18, moved: 16, towardRight: 9, towardWrong: 0, changedOption: 6, released: true },
    ],
    spotlight,
    topSubmissions,
    standingLabels: { frontline: "Frontline staff", manager: "Manager", hr: "HR" },
    ...overrides,
  };
}

function lines(text: string): string[] {
  return text.split("\n");
}

/** The lines of one section: from its heading up to the next heading of the same or a higher level. */
function section(text: string, heading: string): string[] {
  const all = lines(text);
  const start = all.indexOf(heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const level = heading.indexOf(" ");
  const end = all.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(" ") <= level);
  return all.slice(start, end === -1 ? undefined : end);
}

describe("buildDebrief", () => {
  it("opens with the workshop, its case, times in UTC, participants and the k rule", () => {
    const debrief = buildDebrief(debriefInput());
    expect(lines(debrief).slice(0, 7)).toEqual([
      "# Debrief: Tuesday ethics lab",
      "",
      "- Case: **The background check**",
      "- Join code: K7M2QP",
      "- Started: 2025-03-04 09:30 UTC; ended 2025-03-04 10:45 UTC",
      "- Participants: 18",
      "- Breakdowns by standing show only groups of at least 5 people.",
    ]);
  });

  it("says a workshop was still running when it was exported", () => {
    expect(buildDebrief(debriefInput({ endedAt: null }))).toContain("- Started: 2025-03-04 09:30 UTC (still running when exported)");
  });

  it("contains the case summary and the judgement question", () => {
    expect(section(buildDebrief(debriefInput()), "## The case")).toEqual([
      "## The case",
      "",
      "A screener finds an old record that could cost an applicant the job.",
      "",
      "Judgement question: *Was the screener right?*",
      "",
    ]);
  });

  it("has a section per round, named before and after discussion when there are two", () => {
    const debrief = buildDebrief(debriefInput());
    const headings = lines(debrief).filter((l) => /^##? /.test(l));
    expect(headings).toEqual([
      "# Debrief: Tuesday ethics lab",
      "## The case",
      "## Round 1 (before discussion)",
      "## Round 2 (after discussion)",
      "## How the room moved (round 1 to round 2)",
      "## Arguments and questions from the room",
      "## Questions for discussion",
    ]);
    const oneRound = buildDebrief(debriefInput({ rounds: [1], byStanding: [...ROUND_1_EMPLOYEE, ...ROUND_1_EMPLOYER], shift: null }));
    expect(lines(oneRound)).toContain("## Round 1");
    expect(oneRound).not.toContain("## Round 2");
  });

  it("tallies each perspective in each round: what people would do with counts and shares, and the judgement scale", () => {
    const employee = section(buildDebrief(debriefInput()), "### As the employee: 18 answered");
    expect(employee.slice(0, 19)).toEqual([
      "### As the employee: 18 answered",
      "",
      "| What they would do | People | Share |",
      "| - | - | - |",
      "| Report the record | 8 | 44% |",
      "| Delay and help | 6 | 33% |",
      "| Ask your manager | 4 | 22% |",
      "",
      // (-2·2 - 1·4 + 0·2 + 1·4 + 2·3 + 3·3) / 18 = 11/18 ≈ 0.61
      "Judgement: average +0.6 (somewhat right).",
      "",
      "| Judgement | People |",
      "| - | - |",
      "| Clearly wrong | 0 |",
      "| Mostly wrong | 2 |",
      "| Somewhat wrong | 4 |",
      "| Torn / neither | 2 |",
      "| Somewhat right | 4 |",
      "| Mostly right | 3 |",
      "| Clearly right | 3 |",
    ]);
  });

  it("tallies the second round separately from the first", () => {
    const round2 = section(buildDebrief(debriefInput()), "## Round 2 (after discussion)");
    expect(round2).toContain("### As the employer: 18 answered");
    expect(round2).toContain("| Warn and retrain | 15 | 83% |");
    expect(round2).toContain("| Fire | 0 | 0% |");
    expect(round2).not.toContain("| Fire | 6 | 33% |");
  });

  it("breaks each tally down by standing, showing groups of at least k and merging the smaller ones", () => {
    const employee = section(buildDebrief(debriefInput()), "### As the employee: 18 answered");
    const table = employee.slice(employee.findIndex((l) => l.startsWith("| Standing |")));
    expect(table.slice(0, 6)).toEqual([
      "| Standing | People | Report the record | Delay and help | Ask your manager | Average judgement |",
      "| - | - | - | - | - | - |",
      // frontline: (-1·4 + 2·3) / 7 ≈ 0.29; manager: (-2·2 + 1·4) / 6 = 0; hr and undeclared merged: (3·3 + 0·2) / 5 = 1.8
      "| Frontline staff | 7 | 4 | 3 | 0 | +0.3 |",
      "| Manager | 6 | 2 | 0 | 4 | 0 |",
      "| Other standings (merged) | 5 | 2 | 3 | 0 | +1.8 |",
      "",
    ]);
    const debrief = buildDebrief(debriefInput());
    expect(debrief).not.toMatch(/^\| HR \|/m);
    expect(debrief).not.toMatch(/^\| Not declared \|/m);
  });

  it("also merges the smallest shown group when the small ones together are still below k", () => {
    const byStanding = [
      answers(1, "employee", "frontline", "Report the record", 1, 8),
      answers(1, "employee", "manager", "Delay and help", -1, 5),
      answers(1, "employee", "hr", "Ask your manager", 2, 2),
    ];
    const debrief = buildDebrief(debriefInput({ rounds: [1], byStanding, shift: null }));
    const employee = section(debrief, "### As the employee: 15 answered");
    expect(employee).toContain("| Frontline staff | 8 | 8 | 0 | 0 | +1 |");
    expect(employee).toContain("| Other standings (merged) | 7 | 0 | 5 | 2 | -0.1 |");
    expect(debrief).not.toMatch(/^\| (Manager|HR) \|/m);
  });

  it("shows a standing nobody labelled under its key, and people without a standing as not declared", () => {
    const byStanding = [answers(1, "employee", "contractor", "Report the record", 1, 5), answers(1, "employee", null, "Delay and help", -1, 6)];
    const employee = section(buildDebrief(debriefInput({ rounds: [1], byStanding, shift: null })), "### As the employee: 11 answered");
    expect(employee).toContain("| Not declared | 6 | 0 | 6 | 0 | -1 |");
    expect(employee).toContain("| contractor | 5 | 5 | 0 | 0 | +1 |");
  });

  it("replaces the by-standing table with a not-shown line when everyone is in one standing", () => {
    const byStanding = [answers(1, "employee", "frontline", "Report the record", 1, 9), answers(1, "employee", "frontline", "Delay and help", 0, 3)];
    const debrief = buildDebrief(debriefInput({ rounds: [1], byStanding, shift: null }));
    const employee = section(debrief, "### As the employee: 12 answered");
    expect(employee).toContain("By standing: not shown (everyone who answered is in the same group; groups under 5 are never broken down).");
    expect(debrief).not.toContain("| Standing |");
  });

  it("says results appear when k people have voted, with no count, mean or table, when fewer than k answered", () => {
    const byStanding = [answers(1, "employee", "frontline", "Report the record", 1, 2), answers(1, "employee", "manager", "Delay and help", 0, 2)];
    const debrief = buildDebrief(debriefInput({ rounds: [1], byStanding, shift: null, participants: 4, gaps: [] }));
    expect(section(debrief, "### As the employee")).toEqual(["### As the employee", "", "Results appear when 5 people have voted.", ""]);
    const round = section(debrief, "## Round 1").join("\n");
    for (const absent of ["| Standing |", "| What they would do |", "| Judgement |", "4 answered", "average"]) expect(round, absent).not.toContain(absent);
  });

  it("breaks every round down by the one workshop grouping it is given, even where a round alone would group differently", () => {
    // Round 2 alone has five managers and five front-line staff; the workshop merged managers with the HR pair.
    const round1 = [answers(1, "employee", "frontline", "Report the record", 1, 5), answers(1, "employee", "manager", "Delay and help", -1, 5), answers(1, "employee", "hr", "Ask your manager", 2, 2)];
    const round2 = [answers(2, "employee", "frontline", "Report the record", 2, 5), answers(2, "employee", "manager", "Delay and help", 0, 5)];
    const debrief = buildDebrief(debriefInput({ byStanding: [...round1, ...round2], shift: null }));
    const round2Table = section(debrief, "### As the employee: 10 answered").filter((l) => /^\| (Frontline|Manager|Other)/.test(l));
    expect(round2Table).toEqual(["| Frontline staff | 5 | 5 | 0 | 0 | +2 |", "| Other standings (merged) | 5 | 0 | 5 | 0 | 0 |"]);
  });

  it("replaces the by-standing table with a not-shown line when no standing has k people", () => {
    const byStanding = ["frontline", "manager", "hr"].map((standing) => answers(1, "employee", standing, "Report the record", 1, 3));
    const debrief = buildDebrief(debriefInput({ rounds: [1], byStanding, shift: null }));
    expect(debrief).toContain("By standing: not shown (any breakdown would single out a group of fewer than 5 people; groups under 5 are never broken down).");
    expect(debrief).not.toContain("| Standing |");
  });

  it("gives the empathy gap for a round with enough people and a not-shown line for one without", () => {
    const debrief = buildDebrief(debriefInput());
    expect(section(debrief, "## Round 1 (before discussion)")).toContain("Empathy gap (employee judgement minus employer judgement): average +1.3 across 18 people.");
    expect(section(debrief, "## Round 2 (after discussion)")).toContain("Empathy gap: not shown (fewer than 5 people answered both as employee and as employer).");
  });

  it("writes a negative empathy gap with its minus sign", () => {
    const debrief = buildDebrief(debriefInput({ gaps: [{ round: 2, people: 7, meanGap: -0.84 }] }));
    expect(section(debrief, "## Round 2 (after discussion)")).toContain("Empathy gap (employee judgement minus employer judgement): average -0.8 across 7 people.");
  });

  it("has a table of how the room moved when there is a shift, and no such section without one", () => {
    const debrief = buildDebrief(debriefInput());
    expect(section(debrief, "## How the room moved (round 1 to round 2)")).toEqual([
      "## How the room moved (round 1 to round 2)",
      "",
      "| Perspective | Answered both rounds | Moved | More right | More wrong | Changed action |",
      "| - | - | - | - | - | - |",
      "| employee | 18 | 11 | 9 | 0 | 4 |",
      "| employer | 18 | 16 | 9 | 0 | 6 |",
      "",
    ]);
    expect(buildDebrief(debriefInput({ shift: null }))).not.toContain("How the room moved");
  });

  it("quotes the spotlighted submission and the top submissions, with upvotes and how many they moved", () => {
    const room = section(buildDebrief(debriefInput()), "## Arguments and questions from the room");
    expect(room).toContain("Spotlighted (argument, 12 upvotes):");
    const argument = room.indexOf("- Argument (9 upvotes, named by 6 as what moved them):");
    expect(room.slice(argument, argument + 4)).toEqual(["- Argument (9 upvotes, named by 6 as what moved them):", "", "> Compassion is not a policy.", ""]);
    const question = room.indexOf("- Question (4 upvotes):");
    expect(room.slice(question, question + 6)).toEqual(["- Question (4 upvotes):", "", "> What would the client want?", "> \\# Not a heading", "> \\| not a table |", ""]);
  });

  it("says how many named an argument as what moved them only when at least k did (a change of mind is an answer)", () => {
    const topSubmissions = [4, 5].map((movedPeople) => ({ kind: "argument", body: `Moved ${movedPeople}`, upvotes: 1, movedPeople }));
    const room = section(buildDebrief(debriefInput({ topSubmissions })), "## Arguments and questions from the room");
    expect(room).toContain("- Argument (1 upvote):");
    expect(room).toContain("- Argument (1 upvote, named by 5 as what moved them):");
    expect(room.join("\n")).not.toContain("named by 4");
  });

  it("withholds a perspective's shift that fewer than k people answered in both rounds, and says so", () => {
    const shift = [
      { perspective: "employee", people: 18, moved: 11, towardRight: 9, towardWrong: 0, changedOption: 4, released: true as const },
      { perspective: "employer", released: false as const, k: 5 },
    ];
    expect(section(buildDebrief(debriefInput({ shift })), "## How the room moved (round 1 to round 2)")).toContain(
      "| employer | not shown (fewer than 5 people answered both rounds) | — | — | — | — |",
    );
    const none = buildDebrief(debriefInput({ shift: [{ perspective: "employee", released: false, k: 5 }] }));
    expect(section(none, "## How the room moved (round 1 to round 2)")).toContain("Not shown: fewer than 5 people answered both rounds from any perspective.");
    expect(none).not.toContain("| Answered both rounds |");
  });

  it("keeps every line of a hostile submission inside the blockquote, so it cannot add headings, tables or HTML", () => {
    const debrief = buildDebrief(debriefInput());
    const all = lines(debrief);
    const start = all.indexOf("Spotlighted (argument, 12 upvotes):") + 2;
    const quoted = all.slice(start, all.indexOf("", start));
    // One quoted paragraph: syntax at a line's start is escaped, and the blank line is written as
    // line feeds (&#xA;) inside the paragraph, since a real blank line would end it.
    expect(quoted).toEqual([
      "> \\# heading",
      "> \\| table | x |",
      "> \\|---|---|",
      "> \\<script>alert('x')\\</script>",
      "> \\- a list item",
      "> \\> a nested quote&#xA;&#xA;\\`\\`\\`",
      "> a code fence",
      "> \\`\\`\\`",
    ]);
    // Outside the quote nothing of the body appears.
    for (const line of all) {
      if (line.includes("<script>") || line.includes("heading") || line.includes("| table |") || line.includes("code fence")) {
        expect(line.startsWith("> "), line).toBe(true);
      }
    }
  });

  it("says when nobody submitted anything", () => {
    const room = section(buildDebrief(debriefInput({ spotlight: null, topSubmissions: [] })), "## Arguments and questions from the room");
    expect(room).toEqual(["## Arguments and questions from the room", "", "None were submitted.", ""]);
  });

  it("ends with the case's discussion questions, numbered", () => {
    const debrief = buildDebrief(debriefInput());
    expect(section(debrief, "## Questions for discussion")).toEqual([
      "## Questions for discussion",
      "",
      "1. Where does compassion end and duty to a client begin?",
      "2. Would you want to be told?",
      "",
    ]);
  });

  it("never contains a participant's name, even when the rows it is given carry one", () => {
    const debrief = buildDebrief(debriefInput());
    for (const name of NAMES) expect(debrief).not.toContain(name);
  });
});

const HEADER = ["respondent", "round", "perspective", "option", "judgement", "judgement_label", "standing"];
const reverse = <T>(items: T[]): T[] => [...items].reverse();
const keepOrder = <T>(items: T[]): T[] => [...items];

function vote(respondentKey: number, round: number, perspective: string, option: string, judgement: number, standing: string | null): CsvVote {
  return { respondentKey, round, perspective, option, judgement, standing };
}

function standingsOf(csv: string): Record<string, string> {
  return Object.fromEntries(
    parseCsv(csv)
      .slice(1)
      .map((cells) => [cells[0], cells[6]]),
  );
}

describe("buildPositionsCsv", () => {
  it("writes a header and one CRLF-terminated row per vote, numbering each round's respondents 1..n in the shuffled order", () => {
    const votes = [
      vote(501, 1, "employee", "Report the record", 2, "frontline"),
      vote(502, 1, "employee", "Delay and help", -3, "manager"),
      vote(501, 1, "employer", "Fire", 0, "frontline"),
      vote(503, 2, "employee", "Ask your manager", 1, "frontline"),
    ];
    const csv = buildPositionsCsv(votes, 1, reverse);
    expect(csv).toBe(
      [
        "\uFEFFrespondent,round,perspective,option,judgement,judgement_label,standing",
        "r1-1,1,employee,Delay and help,-3,Clearly wrong,manager",
        "r1-2,1,employee,Report the record,2,Mostly right,frontline",
        "r1-2,1,employer,Fire,0,Torn / neither,frontline",
        "r2-1,2,employee,Ask your manager,1,Somewhat right,frontline",
        "",
      ].join("\r\n"),
    );
  });

  it("hands the shuffle each round's respondents exactly once, round by round", () => {
    const seen: unknown[][] = [];
    const votes = [vote(7, 1, "employee", "A", 0, null), vote(9, 1, "employee", "B", 0, null), vote(7, 2, "employee", "A", 1, null)];
    buildPositionsCsv(votes, 1, (items) => {
      seen.push([...items]);
      return items;
    });
    expect(seen).toEqual([[7, 9], [7]]);
  });

  it("orders one person's rows by round, then perspective", () => {
    const votes = [vote(1, 2, "employer", "Fire", 1, null), vote(1, 1, "employer", "Fire", 1, null), vote(1, 2, "employee", "A", 1, null), vote(1, 1, "employee", "A", 1, null)];
    const rows = parseCsv(buildPositionsCsv(votes, 1, keepOrder)).slice(1);
    expect(rows.map((r) => `${r[1]} ${r[2]}`)).toEqual(["1 employee", "1 employer", "2 employee", "2 employer"]);
  });

  it("writes negative judgements as plain numbers", () => {
    const rows = parseCsv(buildPositionsCsv([vote(1, 1, "employee", "A", -2, null), vote(2, 1, "employee", "A", -3, null)], 1, keepOrder));
    expect(rows.slice(1).map((r) => [r[4], r[5]])).toEqual([
      ["-2", "Mostly wrong"],
      ["-3", "Clearly wrong"],
    ]);
  });

  it("writes standings of at least k people as they are and smaller ones as merged small groups", () => {
    // k = 2: frontline 3 and manager 2 are shown; hr 1 and undeclared 1 are merged (together 2).
    const votes = [
      vote(1, 1, "employee", "A", 0, "frontline"),
      vote(2, 1, "employee", "A", 0, "frontline"),
      vote(3, 1, "employee", "A", 0, "frontline"),
      vote(4, 1, "employee", "A", 0, "manager"),
      vote(5, 1, "employee", "A", 0, "manager"),
      vote(6, 1, "employee", "A", 0, "hr"),
      vote(7, 1, "employee", "A", 0, null),
    ];
    expect(standingsOf(buildPositionsCsv(votes, 2, keepOrder))).toEqual({
      "r1-1": "frontline",
      "r1-2": "frontline",
      "r1-3": "frontline",
      "r1-4": "manager",
      "r1-5": "manager",
      "r1-6": "merged small groups",
      "r1-7": "merged small groups",
    });
  });

  it("counts people, not votes, when deciding whether a standing is large enough", () => {
    // One hr person with four votes is still one person.
    const votes = [
      vote(1, 1, "employee", "A", 0, "frontline"),
      vote(2, 1, "employee", "A", 0, "frontline"),
      vote(3, 1, "employee", "A", 0, "manager"),
      vote(4, 1, "employee", "A", 0, "manager"),
      vote(5, 1, "employee", "A", 0, "hr"),
      vote(5, 1, "employer", "A", 0, "hr"),
      vote(5, 2, "employee", "A", 0, "hr"),
      vote(5, 2, "employer", "A", 0, "hr"),
      vote(6, 1, "employee", "A", 0, "legal"),
    ];
    const rows = parseCsv(buildPositionsCsv(votes, 2, keepOrder)).slice(1);
    // Only round 1 as the employee has k voters; the hr person's other votes are in cells of one.
    expect(rows.filter((r) => r[0] === "r1-5").map((r) => r[6])).toEqual(["merged small groups"]);
  });

  it("also merges the smallest shown standing when the small ones together are still below k", () => {
    // k = 2: hr alone (1) is below k, so manager (2) joins it; otherwise total minus shown would reveal hr.
    const votes = [
      vote(1, 1, "employee", "A", 0, "frontline"),
      vote(2, 1, "employee", "A", 0, "frontline"),
      vote(3, 1, "employee", "A", 0, "frontline"),
      vote(4, 1, "employee", "A", 0, "manager"),
      vote(5, 1, "employee", "A", 0, "manager"),
      vote(6, 1, "employee", "A", 0, "hr"),
    ];
    expect(standingsOf(buildPositionsCsv(votes, 2, keepOrder))).toEqual({
      "r1-1": "frontline",
      "r1-2": "frontline",
      "r1-3": "frontline",
      "r1-4": "merged small groups",
      "r1-5": "merged small groups",
      "r1-6": "merged small groups",
    });
  });

  it("writes people without a standing as undeclared when there are at least k of them", () => {
    const votes = [vote(1, 1, "employee", "A", 0, null), vote(2, 1, "employee", "A", 0, null), vote(3, 1, "employee", "A", 0, "manager"), vote(4, 1, "employee", "A", 0, "manager")];
    expect(standingsOf(buildPositionsCsv(votes, 2, keepOrder))).toEqual({ "r1-1": "undeclared", "r1-2": "undeclared", "r1-3": "manager", "r1-4": "manager" });
  });

  it("writes no row of a (round, perspective) that fewer than k people answered", () => {
    const votes = [
      ...[1, 2, 3].map((key) => vote(key, 1, "employee", "A", 0, "manager")),
      ...[1, 2].map((key) => vote(key, 1, "employer", "B", 1, "manager")),
      ...[1, 2, 3].map((key) => vote(key, 2, "employee", "A", 2, "manager")),
    ];
    expect(
      parseCsv(buildPositionsCsv(votes, 3, keepOrder))
        .slice(1)
        .map((r) => `${r[1]} ${r[2]}`),
    ).toEqual(["1 employee", "1 employee", "1 employee", "2 employee", "2 employee", "2 employee"]);
    expect(buildPositionsCsv(votes.slice(0, 2), 3, keepOrder)).toBe(`\uFEFF${HEADER.join(",")}\r\n`);
  });

  it("writes the standing column from the workshop grouping it is given, the debrief's", () => {
    const votes = [1, 2, 3, 4].map((key) => vote(key, 1, "employee", "A", 0, key <= 2 ? "manager" : "frontline"));
    const grouping = workshopGrouping(
      [
        { standing: "manager", people: 2 },
        { standing: "frontline", people: 2 },
        { standing: "hr", people: 1 },
      ],
      2,
    );
    expect(standingsOf(buildPositionsCsv(votes, 2, keepOrder, { grouping }))).toEqual({ "r1-1": "merged small groups", "r1-2": "merged small groups", "r1-3": "frontline", "r1-4": "frontline" });
  });

  it("writes every standing as not shown when everyone is in one standing", () => {
    const votes = [1, 2, 3, 4, 5, 6].map((key) => vote(key, 1, "employee", "A", 0, "frontline"));
    expect(new Set(Object.values(standingsOf(buildPositionsCsv(votes, 5, keepOrder))))).toEqual(new Set(["not shown"]));
  });

  it("quotes cells with commas, quotes or line breaks, doubling the quotes inside", () => {
    const votes = [
      vote(1, 1, "employee", "Warn, then retrain", 0, null),
      vote(2, 1, "employee", 'Say "no"', 0, null),
      vote(3, 1, "employee", "Line one\nLine two", 0, null),
      vote(4, 1, "employee", "Carriage\rreturn", 0, null),
    ];
    const csv = buildPositionsCsv(votes, 1, keepOrder);
    expect(csv).toContain(',"Warn, then retrain",');
    expect(csv).toContain(',"Say ""no""",');
    expect(csv).toContain(',"Line one\nLine two",');
    expect(
      parseCsv(csv)
        .slice(1)
        .map((r) => r[3]),
    ).toEqual(["Warn, then retrain", 'Say "no"', "Line one\nLine two", "Carriage\rreturn"]);
    expect(parseCsv(csv).every((r) => r.length === HEADER.length)).toBe(true);
  });

  it("neutralises cells a spreadsheet would run as a formula with a leading apostrophe", () => {
    const votes = [
      vote(1, 1, "employee", "=SUM(1)", 0, null),
      vote(2, 1, "employee", "+1", 0, null),
      vote(3, 1, "employee", "-1", 0, null),
      vote(4, 1, "employee", "@x", 0, null),
      vote(5, 1, "employee", "\tcmd", 0, null),
      vote(6, 1, "employee", "=1,2", 0, null),
      vote(7, 1, "employee", "1+1", 0, null),
    ];
    const csv = buildPositionsCsv(votes, 5, keepOrder);
    expect(
      parseCsv(csv)
        .slice(1)
        .map((r) => r[3]),
    ).toEqual(["'=SUM(1)", "'+1", "'-1", "'@x", "'\tcmd", "'=1,2", "1+1"]);
    expect(csv).toContain(`,"'=1,2",`);
  });

  it("neutralises a formula in a standing or perspective too", () => {
    const votes = [1, 2].map((key) => vote(key, 1, "=HYPERLINK(1)", "A", 0, "@evil"));
    const votesWithOther = [...votes, ...[3, 4].map((key) => vote(key, 1, "=HYPERLINK(1)", "A", 0, "manager"))];
    const rows = parseCsv(buildPositionsCsv(votesWithOther, 2, keepOrder)).slice(1);
    expect(rows.map((r) => [r[2], r[6]])).toEqual([
      ["'=HYPERLINK(1)", "'@evil"],
      ["'=HYPERLINK(1)", "'@evil"],
      ["'=HYPERLINK(1)", "manager"],
      ["'=HYPERLINK(1)", "manager"],
    ]);
  });

  it("carries no name, account or database key, even when the votes it is given do", () => {
    const fromDatabase = [
      { ...vote(90210, 1, "employee", "A", 1, null), displayName: NAMES[0], accountId: 4242, token: "tok_4f9a" },
      { ...vote(31337, 1, "employee", "B", 2, null), displayName: NAMES[1], accountId: 4343, token: "tok_77c1" },
    ];
    const csv = buildPositionsCsv(fromDatabase, 1, keepOrder);
    for (const secret of [...NAMES, "90210", "31337", "4242", "4343", "tok_"]) expect(csv).not.toContain(secret);
    expect(parseCsv(csv)[0]).toEqual(HEADER);
    expect(
      parseCsv(csv)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(["r1-1", "r1-2"]);
  });

  it("never links one person's rows across rounds: each round numbers its own respondents", () => {
    const votes = [1, 2, 3].flatMap((key) => [vote(key, 1, "employee", "A", 0, null), vote(key, 2, "employee", "B", 1, null)]);
    const rows = parseCsv(buildPositionsCsv([...votes, vote(4, 2, "employee", "B", 1, null)], 3, keepOrder)).slice(1);
    const roundOne = new Set(rows.filter((r) => r[1] === "1").map((r) => r[0]));
    expect(rows.filter((r) => r[1] === "2").some((r) => roundOne.has(r[0]))).toBe(false);
    expect(rows.map((r) => r[0])).toEqual(["r1-1", "r1-2", "r1-3", "r2-1", "r2-2", "r2-3", "r2-4"]);
  });

  it("writes the standing column only once the workshop has ended", () => {
    const votes = [1, 2, 3, 4].map((key) => vote(key, 1, "employee", "A", 0, key <= 2 ? "manager" : "frontline"));
    expect(new Set(Object.values(standingsOf(buildPositionsCsv(votes, 2, keepOrder, { standingsReleased: false }))))).toEqual(new Set(["shown when the workshop has ended"]));
    expect(new Set(Object.values(standingsOf(buildPositionsCsv(votes, 2, keepOrder, { standingsReleased: true }))))).toEqual(new Set(["manager", "frontline"]));
  });

  it("writes only the header for a workshop nobody voted in", () => {
    expect(buildPositionsCsv([], 5, keepOrder)).toBe(`\uFEFF${HEADER.join(",")}\r\n`);
  });
});
