import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  findDuplicateSlugs,
  formatCaseFileProblem,
  LENS_LABELS,
  LENSES,
  parseCaseFile,
  serializeCaseFile,
  withoutRoleSections,
  type CaseDraft,
  type CaseFileProblem,
} from "../../app/domain/case-file";

const fixturesDirectory = fileURLToPath(new URL("../fixtures/cases/", import.meta.url));
const casesDirectory = fileURLToPath(new URL("../../cases/", import.meta.url));

function fixture(name: string): string {
  return readFileSync(`${fixturesDirectory}${name}`, "utf8");
}

function parseOk(source: string): CaseDraft {
  const result = parseCaseFile(source);
  if (!result.ok) throw new Error(`expected a valid file, got:\n${result.problems.map((p) => formatCaseFileProblem("file", p)).join("\n")}`);
  return result.doc;
}

/** Options as a file writes them plainly: wordings with no ids (ADR 017). */
const plain = (...texts: string[]) => texts.map((text) => ({ text }));

function problemsOf(source: string): CaseFileProblem[] {
  const result = parseCaseFile(source);
  if (result.ok) throw new Error("expected problems, but the file parsed");
  return result.problems;
}

const lateInvoice: CaseDraft = {
  slug: "the-late-invoice",
  title: "The late invoice",
  summary: "On the last day of the quarter, a bookkeeper is asked to date an invoice a week early.",
  tags: ["finance", "honesty", "deadlines"],
  perspectives: [
    {
      key: "employer",
      prompt: "You run the firm and hear about it the next morning. What do you do?",
      options: plain("Back the bookkeeper", "Overrule the bookkeeper", "Ask both of them: what happened?"),
    },
    {
      key: "employee",
      prompt: "You are the bookkeeper. What do you do?",
      options: plain("Date it as asked", "Refuse and explain why", "Ask the finance director"),
    },
    {
      key: "client",
      prompt: "You are the client and notice the date. What do you do?",
      options: plain("Pay it and say nothing", "Ask for a corrected invoice"),
    },
  ],
  judgement: "Should the bookkeeper have refused?",
  lenses: ["law", "virtue", "outcomes"],
  discussion: ["Who is harmed by a misdated invoice?", "Is a week early a lie, or a rounding error?"],
  stages: [
    {
      title: "The request",
      markdown: [
        "On the last day of the quarter, the sales manager asks Priya to date a new invoice",
        'a week earlier, "so it lands in the right quarter".',
        "",
        "### What the policy says",
        "",
        "Invoices are dated on the day they are issued.",
      ].join("\n"),
    },
    {
      title: "What she did",
      markdown: ["Priya dates the invoice correctly and writes to the finance director.", "", "```markdown", "## This is inside a code block, not a section", "```"].join("\n"),
    },
  ],
  roles: [
    { perspective: "employee", markdown: "You know the sales manager moved two other invoices last quarter, and **nobody** noticed." },
    { perspective: "employer", markdown: "Your bank covenant is tested on this quarter's revenue." },
  ],
  rehearsals: [
    {
      perspective: "employee",
      prompt: "The sales manager is at your desk, waiting. What do you say?",
      modelAnswers: "- \"I can see the quarter matters to you. I can't put a date on it that isn't true; I can ask finance today whether it can count.\"",
    },
    { perspective: "employer", prompt: "Priya has come to you with the request. What do you say to her?", modelAnswers: null },
  ],
  facilitatorNotes: "Start with the employer vote; people are gentler as owners than they expect.",
  sources: "Written for Casebook; no real firm is described.",
};

describe("parseCaseFile with valid files", () => {
  it("reads a complete case file into the expected document", () => {
    expect(parseOk(fixture("good/the-late-invoice.md"))).toEqual(lateInvoice);
  });

  it("keeps perspectives in file order, not in vocabulary order", () => {
    const doc = parseOk(fixture("good/the-late-invoice.md"));
    expect(doc.perspectives.map((p) => p.key)).toEqual(["employer", "employee", "client"]);
  });

  it("ignores ## lines inside fenced code blocks and keeps ### headings inside a stage", () => {
    const doc = parseOk(fixture("good/the-late-invoice.md"));
    expect(doc.stages).toHaveLength(2);
    expect(doc.stages[0]?.markdown).toContain("### What the policy says");
    expect(doc.stages[1]?.markdown).toContain("## This is inside a code block, not a section");
  });

  it("defaults missing tags and lenses to empty lists and missing notes and sources to null", () => {
    const doc = parseOk(fixture("good/minimal-case.md"));
    expect(doc).toMatchObject({ tags: [], lenses: [], facilitatorNotes: null, sources: null });
    expect(doc.stages).toEqual([{ title: "The only stage", markdown: "Something happened." }]);
  });

  it("reads a CRLF file exactly as the same file with LF line endings", () => {
    const lf = fixture("good/the-late-invoice.md");
    expect(parseOk(lf.replace(/\n/g, "\r\n"))).toEqual(parseOk(lf));
  });

  it("trims surrounding spaces from text fields", () => {
    const source = fixture("good/minimal-case.md").replace("title: A minimal case", 'title: "  A minimal case  "');
    expect(parseOk(source).title).toBe("A minimal case");
  });
});

interface BrokenFixtureExpectation {
  behaviour: string;
  fixture: string;
  problems: { line: number; field: string; message: string }[];
}

/** `message` is a fragment the real message must contain. */
const brokenFixtures: BrokenFixtureExpectation[] = [
  {
    behaviour: "reports an unknown perspective at its line, naming the allowed ones",
    fixture: "unknown-perspective.md",
    problems: [
      {
        line: 18,
        field: "perspectives.boss",
        message: 'unknown perspective "boss"; use one of employee, employer, customer, client, applicant, colleague, public',
      },
    ],
  },
  {
    behaviour: "reports a perspective with a single option at its options line",
    fixture: "one-option.md",
    problems: [{ line: 15, field: "perspectives.employer.options", message: "needs at least 2 options, found 1" }],
  },
  {
    behaviour: "reports a perspective with seven options at its options line",
    fixture: "seven-options.md",
    problems: [{ line: 9, field: "perspectives.employee.options", message: "at most 6 options, found 7" }],
  },
  {
    behaviour: "reports a duplicate option, ignoring case and spaces, at the later copy",
    fixture: "duplicate-options.md",
    problems: [{ line: 17, field: "perspectives.employer.options.1", message: 'duplicate option "back the bookkeeper" (same as option 1)' }],
  },
  {
    behaviour: "reports a missing title at line 1",
    fixture: "missing-title.md",
    problems: [{ line: 1, field: "title", message: "is required" }],
  },
  {
    behaviour: "reports a YAML syntax error at its line in the whole file",
    fixture: "yaml-syntax-error.md",
    problems: [{ line: 14, field: "front matter", message: "Nested mappings are not allowed" }],
  },
  {
    behaviour: "reports an empty stage at its heading",
    fixture: "empty-stage.md",
    problems: [{ line: 28, field: "stage 2", message: "stage is empty" }],
  },
  {
    behaviour: "reports an unknown section heading, naming the allowed ones",
    fixture: "unknown-section.md",
    problems: [
      {
        line: 28,
        field: "body",
        message:
          'unknown section "## Background"; use "## Stage: <title>", "## Role: <perspective>", "## Rehearsal: <perspective>", "## Model answers: <perspective>", "## Facilitator notes" or "## Sources"',
      },
    ],
  },
  {
    behaviour: "reports a missing employer perspective at the perspectives line",
    fixture: "missing-employer.md",
    problems: [{ line: 6, field: "perspectives.employer", message: "missing the employer perspective" }],
  },
  {
    behaviour: "reports an unknown lens at its line, naming the allowed ones",
    fixture: "unknown-lens.md",
    problems: [
      {
        line: 19,
        field: "lenses.1",
        message: 'unknown lens "ethics"; use one of rights, justice, outcomes, common-good, virtue, care, law',
      },
    ],
  },
  {
    behaviour: "reports text before the first stage at the first line of that text",
    fixture: "text-before-first-stage.md",
    problems: [{ line: 24, field: "body", message: "text before the first section" }],
  },
  {
    behaviour: "reports a body without any stage",
    fixture: "no-stages.md",
    problems: [{ line: 24, field: "body", message: "needs at least 1 '## Stage: <title>' section" }],
  },
  {
    behaviour: "reports missing front matter at line 1",
    fixture: "missing-front-matter.md",
    problems: [{ line: 1, field: "front matter", message: "must start with a '---' line" }],
  },
  {
    behaviour: "reports unterminated front matter at line 1",
    fixture: "unterminated-front-matter.md",
    problems: [{ line: 1, field: "front matter", message: "is not closed" }],
  },
  {
    behaviour: "reports a billion-laughs alias bomb as one clean problem at the first alias",
    fixture: "alias-bomb.md",
    problems: [{ line: 4, field: "front matter", message: "Excessive alias count" }],
  },
  {
    behaviour: "reports an unknown front matter field at its line",
    fixture: "unknown-field.md",
    problems: [{ line: 4, field: "author", message: 'unknown field "author"; use one of slug, title, summary' }],
  },
  {
    behaviour: "reports every problem in a file, in line order, not just the first",
    fixture: "many-problems.md",
    problems: [
      { line: 2, field: "slug", message: "must be lowercase letters and digits joined by single hyphens" },
      { line: 3, field: "title", message: "must not be empty" },
      { line: 5, field: "tags.1", message: 'duplicate tag "ok"' },
      { line: 6, field: "perspectives.employer", message: "missing the employer perspective" },
      { line: 9, field: "perspectives.employee.options", message: "needs at least 2 options, found 1" },
      { line: 10, field: "perspectives.boss", message: 'unknown perspective "boss"' },
      { line: 14, field: "lenses", message: "must be a list, found text" },
      { line: 15, field: "discussion", message: "needs at least 1 question, found 0" },
      { line: 18, field: "body", message: "text before the first section" },
      { line: 20, field: "stage 1", message: "stage title is required" },
      { line: 20, field: "stage 1", message: "stage is empty" },
      { line: 26, field: "stage 2", message: "stages must come before Facilitator notes and Sources" },
      { line: 30, field: "sources", message: "appears twice; the first is at line 22" },
    ],
  },
];

describe("parseCaseFile with broken files", () => {
  it.each(brokenFixtures)("$behaviour ($fixture)", ({ fixture: name, problems: expected }) => {
    const problems = problemsOf(fixture(`broken/${name}`));
    expect(problems.map(({ line, field }) => ({ line, field }))).toEqual(expected.map(({ line, field }) => ({ line, field })));
    problems.forEach((problem, index) => expect(problem.message).toContain(expected[index]?.message));
  });

  it("reports a YAML error at the same line in a CRLF file", () => {
    const problems = problemsOf(fixture("broken/yaml-syntax-error.md").replace(/\n/g, "\r\n"));
    expect(problems.map(({ line, field }) => ({ line, field }))).toEqual([{ line: 14, field: "front matter" }]);
  });

  it("reports a repeated front matter field as a YAML error at the repeat", () => {
    const source = fixture("good/minimal-case.md").replace("judgement:", "title: Again\njudgement:");
    expect(problemsOf(source)).toEqual([{ line: 12, field: "front matter", message: expect.stringContaining("Map keys must be unique") }]);
  });

  it("reports a file over 200 KB with one clear problem instead of parsing it", () => {
    const source = fixture("good/minimal-case.md") + "x".repeat(201 * 1024);
    expect(problemsOf(source)).toEqual([{ line: 1, field: "file", message: expect.stringContaining("at most 200 KB") }]);
  });

  it("reports more than 8 stages at the ninth stage heading", () => {
    const stages = Array.from({ length: 9 }, (_, index) => `## Stage: Part ${index + 1}\n\nText.\n`).join("\n");
    const source = fixture("good/minimal-case.md").replace(/---\n## Stage[\s\S]*$/, `---\n${stages}`);
    const ninthHeadingLine = source.split("\n").indexOf("## Stage: Part 9") + 1;
    expect(problemsOf(source)).toEqual([{ line: ninthHeadingLine, field: "stage 9", message: "at most 8 stages, found 9" }]);
  });

  it("reports a text field over its length limit with the length found", () => {
    const source = fixture("good/minimal-case.md").replace("title: A minimal case", `title: ${"a".repeat(121)}`);
    expect(problemsOf(source)).toEqual([{ line: 3, field: "title", message: "must be at most 120 characters, found 121" }]);
  });

  it("reports a deeply nested YAML document as a problem instead of overflowing the stack", () => {
    const source = `---\nslug: ${"[".repeat(150_000)}\n---\n## Stage: A\nB\n`;
    const problems = problemsOf(source);
    expect(problems[0]).toMatchObject({ line: 2, field: "front matter" });
  });
});

/** A small deterministic generator so that failures can be replayed. */
function pseudoRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe("parseCaseFile robustness", () => {
  const hostileInputs: { label: string; input: string }[] = [
    { label: "an empty string", input: "" },
    { label: "a lone opening line", input: "---" },
    { label: "empty front matter and no body", input: "---\n---" },
    { label: "a byte-order mark and empty front matter", input: "\uFEFF---\n---\n## Stage: A\nB" },
    { label: "front matter that is a list", input: "---\n- a list\n---\n## Stage: A\nB" },
    { label: "front matter that is a number", input: "---\n42\n---\n" },
    { label: "a complex mapping key", input: "---\n? [complex, key]\n: value\n---\n" },
    { label: "an empty key", input: '---\n"": x\nperspectives: {"": {prompt: x, options: [a, b]}}\n---\n' },
    { label: "an undefined alias", input: "---\nslug: *undefined-alias\n---\n" },
    { label: "prototype keys", input: "---\n__proto__: {polluted: true}\nconstructor: 1\n---\n" },
    { label: "a __proto__ perspective", input: "---\nperspectives: {__proto__: {prompt: x, options: [a, b]}}\n---\n" },
    { label: "a binary tag", input: "---\ntitle: !!binary aGVsbG8=\n---\n" },
    { label: "an unclosed code fence", input: "---\r\n\r\n---\r\n## Stage: A\r\n```\r\n## unclosed fence" },
    { label: "control characters", input: "\u0000\u0001\u0002" },
    { label: "a body without front matter", input: "## Stage: no front matter\ntext" },
    { label: "thousands of YAML errors", input: `---\n${"a: b: c\n".repeat(5000)}---\n` },
    { label: "thousands of empty stages", input: `---\n---\n${"## Stage: s\n".repeat(2000)}` },
  ];

  it.each(hostileInputs)("returns problems, never throws, for $label", ({ input }) => {
    expect(parseCaseFile(input).ok).toBe(false);
  });

  it("returns a result whose problem lines lie inside the file for randomly damaged files", () => {
    const random = pseudoRandom(20240611);
    const original = fixture("good/the-late-invoice.md");
    for (let round = 0; round < 300; round++) {
      const lines = original.split("\n");
      for (let edit = 0; edit < 3; edit++) {
        const at = Math.floor(random() * lines.length);
        const choice = random();
        if (choice < 0.3) lines.splice(at, 1);
        else if (choice < 0.6) lines.splice(at, 0, lines[Math.floor(random() * lines.length)] ?? "");
        else if (choice < 0.8) lines[at] = (lines[at] ?? "").slice(0, Math.floor(random() * 20));
        else lines[at] = `${lines[at] ?? ""}${[":", "[", "- ", "&a", "*a", "'", "## ", "```"][Math.floor(random() * 8)]}`;
      }
      const damaged = lines.join("\n");
      const result = parseCaseFile(damaged);
      if (!result.ok) {
        const lineCount = damaged.split("\n").length;
        for (const problem of result.problems) {
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.line).toBeLessThanOrEqual(lineCount);
          expect(problem.field).not.toBe("");
        }
      }
    }
  }, 60_000); // a few hundred damaged files: seconds on a loaded machine; not a speed target

  it("does not throw for input that is not a string at all", () => {
    expect(parseCaseFile(undefined as unknown as string)).toEqual({
      ok: false,
      problems: [{ line: 1, field: "file", message: "is not text" }],
    });
  });
});

describe("serializeCaseFile", () => {
  it("writes a file that parses back to the same document for the good fixtures", () => {
    for (const name of ["good/the-late-invoice.md", "good/minimal-case.md"]) {
      const doc = parseOk(fixture(name));
      expect(parseOk(serializeCaseFile(doc))).toEqual(doc);
    }
  });

  it("round-trips text that YAML would otherwise misread", () => {
    const awkward: CaseDraft = {
      ...lateInvoice,
      title: "yes",
      summary: "Note: a summary with a colon, # a hash, 'quotes' and \"double quotes\"",
      perspectives: [
        { key: "employee", prompt: "- starts like a list item", options: plain("123", "null", "[not, a, list]", "{ nor: a map }", "*alias", "&anchor") },
        { key: "employer", prompt: "Ends with a colon:", options: plain("true", "~") }, // one line: a line break is refused
      ],
      judgement: "@ and ` start nothing good",
      discussion: ["Is it: right?", "  - no"],
      stages: [{ title: "Indented code", markdown: "    code block first\n\nthen text" }],
      facilitatorNotes: null,
      sources: "> a quotation\n\n---\n\nafter a rule",
    };
    const expected = { ...awkward, discussion: ["Is it: right?", "- no"] }; // text fields are trimmed
    expect(parseOk(serializeCaseFile(awkward))).toEqual(expected);
  });

  it("writes tags and lenses as one-line lists and leaves empty ones out", () => {
    const text = serializeCaseFile(lateInvoice);
    expect(text).toContain('tags: ["finance", "honesty", "deadlines"]\n');
    expect(text).toContain('lenses: ["law", "virtue", "outcomes"]\n');
    const bare = serializeCaseFile({ ...lateInvoice, tags: [], lenses: [] });
    expect(bare).not.toContain("tags:");
    expect(bare).not.toContain("lenses:");
  });

  it("writes no YAML anchors when two perspectives share one options list", () => {
    const shared = plain("Yes", "No");
    const doc: CaseDraft = {
      ...lateInvoice,
      perspectives: [
        { key: "employee", prompt: "A?", options: shared },
        { key: "employer", prompt: "B?", options: shared },
      ],
    };
    const text = serializeCaseFile(doc);
    expect(text).not.toMatch(/[&*]a1/);
    expect(parseOk(text)).toEqual(doc);
  });

  // Cases that do not parse are the CLI's business (npm run cases:check); here we only round-trip.
  const libraryDocs = new Map<string, CaseDraft>();
  if (existsSync(casesDirectory)) {
    for (const name of readdirSync(casesDirectory)
      .filter((entry) => entry.endsWith(".md"))
      .sort()) {
      const result = parseCaseFile(readFileSync(`${casesDirectory}${name}`, "utf8"));
      if (result.ok) libraryDocs.set(name, result.doc);
    }
  }

  it.skipIf(libraryDocs.size === 0).each([...libraryDocs.keys()])("round-trips the library case cases/%s", (name) => {
    const doc = libraryDocs.get(name);
    expect(doc).toBeDefined();
    if (doc) expect(parseOk(serializeCaseFile(doc))).toEqual(doc);
  });
});

describe("findDuplicateSlugs", () => {
  const first = { file: "cases/first.md", source: fixture("duplicate-slug/first.md") };
  const second = { file: "cases/second.md", source: fixture("duplicate-slug/second.md") };

  it("reports a duplicate slug on the later file at its slug line, naming the earlier file", () => {
    const files = [first, second].map((entry) => ({ ...entry, doc: parseOk(entry.source) }));
    expect(findDuplicateSlugs(files)).toEqual([
      {
        file: "cases/second.md",
        problem: { line: 4, field: "slug", message: 'slug "the-late-invoice" is already used by cases/first.md' },
      },
    ]);
  });

  it("reports nothing when every slug is different", () => {
    const files = [first, { file: "cases/minimal.md", source: fixture("good/minimal-case.md") }].map((entry) => ({
      ...entry,
      doc: parseOk(entry.source),
    }));
    expect(findDuplicateSlugs(files)).toEqual([]);
  });
});

describe("formatCaseFileProblem", () => {
  it("formats a problem as file:line: field: message", () => {
    expect(formatCaseFileProblem("cases/a.md", { line: 7, field: "perspectives.boss", message: "unknown perspective" })).toBe("cases/a.md:7: perspectives.boss: unknown perspective");
  });
});

describe("LENS_LABELS", () => {
  it("labels every lens", () => {
    expect(Object.keys(LENS_LABELS).sort()).toEqual([...LENSES].sort());
    expect(LENS_LABELS.justice).toBe("Justice / fairness");
  });
});

describe("problem lists", () => {
  it("stop after the first 50 problems of a hostile file and say how many more there are", () => {
    const emptyStages = Array.from({ length: 500 }, (_, i) => `## Stage: Empty ${i}\n`).join("\n");
    const result = parseCaseFile(`---\nslug: many\n---\n\n${emptyStages}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(51);
    expect(result.problems.at(-1)?.message).toMatch(/^and \d+ more problems not listed$/);
  });
});

describe("reserved slugs", () => {
  it("refuses a slug that would hide one of the app's own pages", () => {
    const source = readFileSync("cases/background-check.md", "utf8").replace("slug: background-check", "slug: new");
    const result = parseCaseFile(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([[2, "slug"]]);
    expect(result.problems[0]!.message).toMatch(/reserved/);
  });
});

/** The minimal fixture with its body replaced; the body starts at `bodyLine` in the file. */
function withBody(body: string): { source: string; bodyLine: number } {
  const front = fixture("good/minimal-case.md").replace(/\n## Stage[\s\S]*$/, "\n");
  return { source: front + body, bodyLine: front.split("\n").length };
}

describe("Markdown the renderer cannot render", () => {
  it("refuses a stage with 2,000 nested block quotes at its line, before lexing it", () => {
    const { source, bodyLine } = withBody(`## Stage: Deep\n\nFine text.\n\n${">".repeat(2000)} too deep\n`);
    expect(problemsOf(source)).toEqual([{ line: bodyLine + 4, field: "body", message: "nests block quotes (>), lists or indentation 2000 levels deep; at most 16 levels are allowed" }]);
  });

  it("refuses lists nested by indentation in the facilitator notes at the first line too deep", () => {
    const list = Array.from({ length: 30 }, (_, i) => `${"  ".repeat(i)}- point ${i + 1}`).join("\n");
    const { source, bodyLine } = withBody(`## Stage: One\n\nText.\n\n## Facilitator notes\n\n${list}\n`);
    expect(problemsOf(source)).toEqual([{ line: bodyLine + 6 + 16, field: "body", message: expect.stringContaining("17 levels deep") }]);
  });

  it("refuses deep emphasis in the sources", () => {
    const { source, bodyLine } = withBody(`## Stage: One\n\nText.\n\n## Sources\n\n${"*".repeat(40)}x${"*".repeat(40)}\n`);
    expect(problemsOf(source)).toEqual([{ line: bodyLine + 6, field: "body", message: expect.stringContaining("emphasis markers (* _ ~) more than 16 levels deep") }]);
  });

  it("accepts quotes and lists nested to the limit", () => {
    const { source } = withBody(`## Stage: One\n\n${"> ".repeat(8)}${"- ".repeat(8)}Text.\n`);
    expect(parseOk(source).stages[0]?.markdown).toBe(`${"> ".repeat(8)}${"- ".repeat(8)}Text.`);
  });
});

describe("reserved section headings, however they are written", () => {
  const stage = "## Stage: One\n\nThe public story.\n\n";

  it("reads a level-2 setext heading (underlined with ---) as the section it names", () => {
    const doc = parseOk(withBody(`${stage}Facilitator notes\n-----------------\n\nAsk the quiet ones first.\n`).source);
    expect(doc.stages).toEqual([{ title: "One", markdown: "The public story." }]);
    expect(doc.facilitatorNotes).toBe("Ask the quiet ones first.");
  });

  it("reads a setext stage heading as a stage", () => {
    const doc = parseOk(withBody(`${stage}Stage: Two\n---\n\nWhat happened next.\n`).source);
    expect(doc.stages.map((s) => s.title)).toEqual(["One", "Two"]);
  });

  it("reads ## headings with closing #s, emphasis or other capitals as the section they name", () => {
    const doc = parseOk(withBody(`${stage}## **Facilitator Notes** ##\n\nNotes.\n\n## SOURCES\n\nA book.\n`).source);
    expect(doc).toMatchObject({ facilitatorNotes: "Notes.", sources: "A book." });
  });

  const misplaced: { how: string; body: string; offset: number; heading: string; field: string }[] = [
    { how: "as a level-1 heading (#)", body: `${stage}# Facilitator notes\n\nSecret.\n`, offset: 4, heading: "Facilitator notes", field: "stage 1" },
    { how: "as a level-4 heading (####)", body: `${stage}#### Facilitator notes\n\nSecret.\n`, offset: 4, heading: "Facilitator notes", field: "stage 1" },
    { how: "as a level-6 heading", body: `${stage}###### Sources\n\nSecret.\n`, offset: 4, heading: "Sources", field: "stage 1" },
    { how: "as a level-1 setext heading (===)", body: `${stage}Facilitator notes\n=================\n\nSecret.\n`, offset: 4, heading: "Facilitator notes", field: "stage 1" },
    { how: "as a level-3 stage heading", body: `${stage}### Stage: Two\n\nMore.\n`, offset: 4, heading: "Stage: Two", field: "stage 1" },
    { how: "as a heading inside a block quote", body: `${stage}> ## Facilitator notes\n>\n> Secret.\n`, offset: 4, heading: "Facilitator notes", field: "stage 1" },
    { how: "as a heading inside a list", body: `${stage}- first point\n- ### Facilitator notes\n`, offset: 5, heading: "Facilitator notes", field: "stage 1" },
    { how: "as an HTML heading inside a block quote", body: `${stage}> Quoted.\n>\n> <h4>Sources</h4>\n`, offset: 6, heading: "Sources", field: "stage 1" },
    { how: "as an HTML heading", body: `${stage}<h2>Facilitator notes</h2>\n\nSecret.\n`, offset: 4, heading: "Facilitator notes", field: "stage 1" },
    { how: "as a role section (a later feature's) at level 3", body: `${stage}### Role: HR\n\nSecret.\n`, offset: 4, heading: "Role: HR", field: "stage 1" },
    {
      how: "in the facilitator notes, as a level-4 sources heading",
      body: `${stage}## Facilitator notes\n\nNotes.\n\n#### Sources\n\nA book.\n`,
      offset: 8,
      heading: "Sources",
      field: "facilitator notes",
    },
  ];
  for (const { how, body, offset, heading, field } of misplaced) {
    it(`refuses "${heading}" written ${how}, at its line`, () => {
      const { source, bodyLine } = withBody(body);
      const problems = problemsOf(source);
      expect(problems).toEqual([{ line: bodyLine + offset, field, message: expect.stringContaining(`"${heading}" is `) }]);
      expect(problems[0]?.message).toContain(`write the section as a level-2 heading, "## ${heading}", or rename the heading`);
    });
  }

  it("refuses a level-2 role section for a perspective that does not exist, at its line", () => {
    const { source, bodyLine } = withBody(`${stage}## Role: HR\n\nSecret.\n`);
    expect(problemsOf(source)).toEqual([{ line: bodyLine + 4, field: "role hr", message: expect.stringContaining('unknown perspective "HR"') }]);
  });

  it("reads a hostile body of unfinished HTML headings and thousands of misplaced ones in good time", () => {
    const started = performance.now();
    // Tags that never close: a pattern that scanned past "<" to find ">" would take seconds here.
    expect(parseOk(withBody(`${stage}${"<h1 a</h1 a".repeat(15_000)}\n`).source).stages).toHaveLength(1);
    const problems = problemsOf(withBody(`${stage}${"> #### Sources\n".repeat(10_000)}`).source);
    expect(problems.length).toBeLessThanOrEqual(51);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it("leaves headings inside fenced and indented code blocks alone", () => {
    const code = "```\n# Facilitator notes\nFacilitator notes\n---\n```\n\n    #### Sources\n";
    const doc = parseOk(withBody(`${stage}${code}`).source);
    expect(doc.stages[0]?.markdown).toBe(`The public story.\n\n${code.trimEnd()}`);
    expect(doc.facilitatorNotes).toBeNull();
  });

  it("keeps other headings at other levels as part of the stage", () => {
    const doc = parseOk(withBody(`${stage}### What the policy says\n\n# Notes from the room\n\nText.\n`).source);
    expect(doc.stages[0]?.markdown).toBe("The public story.\n\n### What the policy says\n\n# Notes from the room\n\nText.");
  });

  it("reads every case in cases/ and every good fixture with the sections they had", () => {
    const files = [...readdirSync(casesDirectory).map((name) => `${casesDirectory}${name}`), ...readdirSync(`${fixturesDirectory}good`).map((name) => `${fixturesDirectory}good/${name}`)];
    for (const file of files.filter((name) => name.endsWith(".md"))) {
      const source = readFileSync(file, "utf8");
      const doc = parseOk(source);
      // The sections by the old rule: lines starting with "## " outside fences.
      const headings = source.split("\n").filter((line) => /^## /.test(line) && !line.includes("inside a code block"));
      expect(
        [
          ...doc.stages.map((s) => `## Stage: ${s.title}`),
          ...doc.roles.map((r) => `## Role: ${r.perspective}`),
          ...doc.rehearsals.flatMap((r) => [`## Rehearsal: ${r.perspective}`, ...(r.modelAnswers ? [`## Model answers: ${r.perspective}`] : [])]),
          ...(doc.facilitatorNotes ? ["## Facilitator notes"] : []),
          ...(doc.sources ? ["## Sources"] : []),
        ],
        file,
      ).toEqual(headings);
    }
  });
});

describe("a reserved heading however it is spelled is refused, by what the page would show", () => {
  const stage = "## Stage: One\n\nThe public story.\n\n";
  const spelled: { how: string; written: string; heading: string; offset?: number }[] = [
    { how: "as an HTML heading around emphasis", written: "<h2><em>Facilitator notes</em></h2>", heading: "Facilitator notes" },
    { how: "as inline HTML in a paragraph", written: "Intro <h2>Facilitator notes</h2>", heading: "Facilitator notes" },
    { how: "with a numeric entity for its space", written: "### Facilitator&#32;notes", heading: "Facilitator notes" },
    { how: "with &nbsp; for its space in an HTML heading", written: "<h2>Facilitator&nbsp;notes</h2>", heading: "Facilitator notes" },
    { how: "with a trailing <br> in an HTML heading", written: "<h2>Facilitator notes<br></h2>", heading: "Facilitator notes" },
    { how: "with an HTML comment inside", written: "<h2>Facilitator <!-- x --> notes</h2>", heading: "Facilitator notes" },
    { how: "with a <span> around a word", written: "### Facilitator <span>notes</span>", heading: "Facilitator notes" },
    { how: "as a link", written: "### [Facilitator notes](http://x)", heading: "Facilitator notes" },
    { how: "as an HTML heading in a table cell", written: "| Column |\n|---|\n| <h3>Sources</h3> |", heading: "Sources", offset: 2 },
    { how: "as an HTML heading in a list item", written: "- Intro <h4>Role: boss</h4>", heading: "Role: boss" },
  ];
  for (const { how, written, heading, offset = 0 } of spelled) {
    it(`refuses "${heading}" written ${how}, at its line`, () => {
      const { source, bodyLine } = withBody(`${stage}${written}\n\nThe secret the facilitator keeps.\n`);
      const problems = problemsOf(source);
      expect(problems).toContainEqual({ line: bodyLine + 4 + offset, field: "stage 1", message: expect.stringContaining(`"${heading}" is `) });
      expect(problems.every((problem) => problem.message.includes(`"## ${heading}", or rename the heading`))).toBe(true);
      // One problem per line: the lexer's check and the rendered one do not both report it.
      expect(new Set(problems.map((problem) => problem.line)).size).toBe(problems.length);
    });
  }

  it("refuses one in the sources or the facilitator notes too, in that section's field", () => {
    const { source, bodyLine } = withBody(`${stage}## Facilitator notes\n\nNotes.\n\n## Sources\n\nA book.\n\n### Facilitator&#32;notes\n`);
    expect(problemsOf(source)).toEqual([{ line: bodyLine + 12, field: "sources", message: expect.stringContaining('"Facilitator notes" is ') }]);
  });

  it("reports a second, differently spelled heading in the same stage at its own line", () => {
    const { source, bodyLine } = withBody(`${stage}### Facilitator notes\n\nOne.\n\n<h2>Facilitator&nbsp;notes</h2>\n\nTwo.\n`);
    expect(problemsOf(source).map((problem) => problem.line)).toEqual([bodyLine + 4, bodyLine + 8]);
  });

  it("finds the line of a heading whose words are themselves spelled with entities or wide letters", () => {
    const { source, bodyLine } = withBody(`${stage}The sources come last.\n\n### S&#111;urces\n\n### \uFF33\uFF4F\uFF55\uFF52\uFF43\uFF45\uFF53\n`);
    expect(problemsOf(source).map((problem) => problem.line)).toEqual([bodyLine + 6, bodyLine + 8]);
  });

  it('accepts ordinary headings and the words "facilitator notes" in running text', () => {
    const text = "The public story.\n\n### What happened next\n\nThe facilitator notes that nobody spoke. See the sources, stage by stage.";
    const doc = parseOk(withBody(`## Stage: One\n\n${text}\n`).source);
    expect(doc.stages).toEqual([{ title: "One", markdown: text }]);
  });
});

describe("role briefs, rehearsal prompts and model answers (ADR 027)", () => {
  const stage = "## Stage: One\n\nThe public story.\n\n";

  it("reads each role's brief and rehearsal with its model answers, apart from the perspectives", () => {
    const doc = parseOk(
      withBody(
        `${stage}## Role: employer\n\nThe owner's secret.\n\n## Role: Employee\n\nThe worker's secret.\n\n## Rehearsal: employee\n\nWhat do you say?\n\n## Model answers: employee\n\n- "I hear you."\n`,
      ).source,
    );
    expect(doc.roles).toEqual([
      { perspective: "employer", markdown: "The owner's secret." },
      { perspective: "employee", markdown: "The worker's secret." },
    ]);
    expect(doc.rehearsals).toEqual([{ perspective: "employee", prompt: "What do you say?", modelAnswers: '- "I hear you."' }]);
    expect(JSON.stringify(doc.perspectives)).not.toContain("secret");
  });

  it("gives a case without them no roles and no rehearsals", () => {
    expect(parseOk(fixture("good/minimal-case.md"))).toMatchObject({ roles: [], rehearsals: [] });
  });

  const refused: { how: string; body: string; offset: number; field: string; message: string }[] = [
    {
      how: "a role for a perspective that does not exist",
      body: `${stage}## Role: manager\n\nX.\n`,
      offset: 4,
      field: "role manager",
      message: 'unknown perspective "manager"; use one of employee, employer',
    },
    {
      how: "a role for a perspective the case does not ask for",
      body: `${stage}## Role: customer\n\nX.\n`,
      offset: 4,
      field: "role customer",
      message: "the case asks for no customer perspective; write sections only for employee and employer",
    },
    { how: "a role without a perspective", body: `${stage}## Role\n\nX.\n`, offset: 4, field: "role", message: 'needs the perspective it is for, e.g. "## Role: employee"' },
    {
      how: "a second role for one perspective",
      body: `${stage}## Role: employee\n\nX.\n\n## Role: employee\n\nY.\n`,
      offset: 8,
      field: "role employee",
      message: "appears twice; the first is at line",
    },
    { how: "an empty role", body: `${stage}## Role: employee\n\n## Role: employer\n\nY.\n`, offset: 4, field: "role employee", message: "section is empty; add text or remove the heading" },
    { how: "a role before the stages", body: `## Role: employee\n\nX.\n\n${stage}`, offset: 4, field: "stage 1", message: '"## Role: …" sections; the order is stages, roles' },
    {
      how: "a role after the facilitator notes",
      body: `${stage}## Facilitator notes\n\nN.\n\n## Role: employee\n\nX.\n`,
      offset: 8,
      field: "role employee",
      message: '"## Role: …" sections must come before Facilitator notes',
    },
    {
      how: "a rehearsal before a role",
      body: `${stage}## Rehearsal: employee\n\nSay?\n\n## Role: employee\n\nX.\n`,
      offset: 8,
      field: "role employee",
      message: 'must come before "## Rehearsal: …" sections',
    },
    {
      how: "model answers before their rehearsal",
      body: `${stage}## Model answers: employee\n\n- A.\n\n## Rehearsal: employee\n\nSay?\n`,
      offset: 4,
      field: "model answers employee",
      message: 'must come after the "## Rehearsal: employee" section they answer',
    },
    {
      how: "a rehearsal after the sources",
      body: `${stage}## Sources\n\nS.\n\n## Rehearsal: employee\n\nSay?\n`,
      offset: 8,
      field: "rehearsal employee",
      message: '"## Rehearsal: …" sections must come before Sources',
    },
    {
      how: "model answers without a rehearsal",
      body: `${stage}## Model answers: employer\n\n- A.\n`,
      offset: 4,
      field: "model answers employer",
      message: 'add a "## Rehearsal: employer" section before them',
    },
    { how: "an empty rehearsal", body: `${stage}## Rehearsal: employer\n`, offset: 4, field: "rehearsal employer", message: "section is empty" },
  ];
  for (const { how, body, offset, field, message } of refused) {
    it(`refuses ${how} at its heading's line`, () => {
      const { source, bodyLine } = withBody(body);
      expect(problemsOf(source)).toEqual([{ line: bodyLine + offset, field, message: expect.stringContaining(message) }]);
    });
  }

  it("refuses a role heading at another level inside a stage, and a reserved heading inside a role brief", () => {
    const nested = withBody(`${stage}### Role: employee\n\nX.\n`);
    expect(problemsOf(nested.source)).toEqual([{ line: nested.bodyLine + 4, field: "stage 1", message: expect.stringContaining('"Role: employee" is a level-3 heading') }]);
    const inBrief = withBody(`${stage}## Role: employee\n\nX.\n\n<h3>Facilitator&nbsp;notes</h3>\n`);
    expect(problemsOf(inBrief.source)).toEqual([{ line: inBrief.bodyLine + 8, field: "role employee", message: expect.stringContaining('"Facilitator notes" is ') }]);
  });

  it("parses any arrangement of sections exactly when they come in order without repeats, and round-trips it", () => {
    const sections = [
      { kind: "stage", rank: 0, text: "## Stage: Two\n\nMore story." },
      { kind: "role employee", rank: 1, text: "## Role: employee\n\nThe rep's brief." },
      { kind: "role employer", rank: 1, text: "## Role: employer\n\nThe manager's brief." },
      { kind: "rehearsal employee", rank: 2, text: "## Rehearsal: employee\n\nWhat do you say?" },
      { kind: "model answers employee", rank: 2, text: "## Model answers: employee\n\n- This." },
      { kind: "rehearsal employer", rank: 2, text: "## Rehearsal: employer\n\nWhat do you tell the rep?" },
      { kind: "facilitator notes", rank: 3, text: "## Facilitator notes\n\nNotes." },
      { kind: "sources", rank: 3, text: "## Sources\n\nWritten for Casebook." },
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...sections), { maxLength: 8 }), (chosen) => {
        const { source } = withBody(`${stage}${chosen.map((section) => section.text).join("\n\n")}\n`);
        const result = parseCaseFile(source);
        const inOrder = chosen.every((section, i) => i === 0 || chosen[i - 1]!.rank <= section.rank);
        const answersAt = chosen.findIndex((s) => s.kind === "model answers employee");
        const promptAt = chosen.findIndex((s) => s.kind === "rehearsal employee");
        const answersHavePrompt = answersAt === -1 || (promptAt !== -1 && promptAt < answersAt);
        const unique = chosen.every((s) => s.kind === "stage" || chosen.filter((t) => t.kind === s.kind).length === 1);
        expect(result.ok, source).toBe(inOrder && unique && answersHavePrompt);
        if (result.ok) {
          expect(parseOk(serializeCaseFile(result.doc))).toEqual(result.doc);
          const without = parseOk(withoutRoleSections(source));
          expect(without).toEqual({ ...result.doc, roles: [], rehearsals: [] });
        }
      }),
      { numRuns: 150 },
    );
  });

  it("cuts only the role, rehearsal and model answers sections out of a file, keeping the rest byte for byte", () => {
    const original = fixture("good/the-late-invoice.md");
    const cut = withoutRoleSections(original);
    expect(cut).not.toMatch(/Role:|Rehearsal:|Model answers:|covenant|nobody|What do you say/);
    expect(cut).toBe(original.replace(/## Role: employee[\s\S]*?(?=## Facilitator notes)/, ""));
    expect(withoutRoleSections(original.replace(/\n/g, "\r\n"))).toBe(cut);
  });
});
