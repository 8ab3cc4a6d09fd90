/**
 * Case files the editor writes are read the same by other YAML parsers (issue 15, item 7): a YAML
 * 1.1 parser (PyYAML, Ruby's Psych, many editors' plugins) reads plain `Yes`/`No`/`on`/`off` as
 * booleans, `2024-04-01` as a date and `1:20` as the number 80, so a case saved in the editor
 * came back changed, or was refused, after a round trip through them. Every text value is written
 * so that both YAML 1.1 and YAML 1.2 read it as the same text.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkCaseFiles, formatCaseFileWarning, parseCaseFile, serializeCaseFile, type CaseDraft } from "../../app/domain/case-file";
import { splitCaseFile } from "../../app/domain/case-file-front-matter";
import { findSingleLineProblem } from "../../app/domain/single-line";

/** Text that YAML 1.1 or 1.2 reads as something else when written plain, or cannot write plain at all. */
const TRICKY = [
  "Yes",
  "No",
  "yes",
  "no",
  "Y",
  "n",
  "On",
  "off",
  "True",
  "FALSE",
  "null",
  "Null",
  "~",
  "2024-04-01",
  "2024-04-01 12:30:00",
  "12",
  "-7",
  "3.14",
  "1e3",
  ".inf",
  "-.Inf",
  ".NaN",
  "0x1F",
  "0o17",
  "017",
  "0b101",
  "1_000",
  "1:20",
  "190:20:30",
  "<<",
  "=",
  "!important",
  "&anchor",
  "*alias",
  "%TAG",
  "@handle",
  "`tick",
  "|",
  ">",
  "- dash",
  "? question",
  ": colon",
  "#hash",
  "a #comment",
  "key: value",
  "[list]",
  "{map}",
  "'single'",
  '"double"',
  "a, b",
  "back\\slash",
  "Émoji 👩‍👩‍👧 ok",
  "مرحبا",
  "---",
  "...",
];

/** Slug-shaped text (slugs and tags) that YAML reads as something else written plain. */
const TRICKY_SLUGS = ["yes", "no", "on", "off", "null", "true", "y", "2024", "1e3", "0x1f", "0o17", "2024-04-01", "1-20", "nan", "inf"];

/**
 * A valid case document whose every text value is taken from `texts` (and slugs from `slugs`),
 * one option naming its id (ADR 017), which is written as a mapping.
 */
function caseOf(texts: string[], slugs: string[]): CaseDraft {
  const at = (i: number) => texts[i % texts.length]!;
  const distinct = (i: number, n: number) => Array.from({ length: n }, (_, j) => `${at(i + j)} ${j + 1}`);
  return {
    slug: slugs[0]!,
    title: at(0),
    summary: at(1),
    tags: [...new Set(slugs.slice(1))].filter((tag) => tag !== slugs[0]).slice(0, 10),
    perspectives: [
      { key: "employee", prompt: at(2), options: [{ text: at(3) }, { id: `${slugs[0]!}-kept`, text: `${at(4)} (other)` }] },
      { key: "employer", prompt: at(5), options: distinct(6, 3).map((text) => ({ text })) },
    ],
    judgement: at(7),
    lenses: ["rights", "care"],
    discussion: distinct(8, 3),
    stages: [{ title: "The request", markdown: "Ana is asked to date an invoice early." }],
    roles: [],
    rehearsals: [],
    facilitatorNotes: null,
    sources: null,
  };
}

/** The front matter as a YAML 1.1 parser reads it. */
function readAsYaml11(source: string): unknown {
  const split = splitCaseFile(source);
  if (!split.ok) throw new Error(split.problem.message);
  return parse(split.parts.yamlText, { version: "1.1" });
}

/** Every leaf of a parsed YAML value, with its path. */
function leaves(value: unknown, path = ""): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return Object.entries(value).flatMap(([key, item]) => leaves(item, `${path}.${key}`));
  return [[path, value]];
}

/** The document's text values at the paths a YAML reading of its front matter has them. */
function frontMatterOf(doc: CaseDraft): unknown {
  return {
    slug: doc.slug,
    title: doc.title,
    summary: doc.summary,
    ...(doc.tags.length > 0 ? { tags: doc.tags } : {}),
    perspectives: Object.fromEntries(doc.perspectives.map((p) => [p.key, { prompt: p.prompt, options: p.options.map((o) => (o.id === undefined ? o.text : { id: o.id, text: o.text })) }])),
    judgement: doc.judgement,
    ...(doc.lenses.length > 0 ? { lenses: doc.lenses } : {}),
    discussion: doc.discussion,
  };
}

function expectReadAsTextEverywhere(doc: CaseDraft): void {
  const source = serializeCaseFile(doc);
  const reread = parseCaseFile(source);
  expect(reread.ok ? reread.doc : reread.problems).toEqual(doc);
  const yaml11 = readAsYaml11(source);
  for (const [path, value] of leaves(yaml11)) expect(typeof value, `${path} read by YAML 1.1 as ${String(value)}`).toBe("string");
  expect(yaml11).toEqual(frontMatterOf(doc));
}

describe("serializeCaseFile writes text that every YAML parser reads as text", () => {
  it.each(TRICKY.map((text) => [text]))("%j in every text field", (text) => {
    expectReadAsTextEverywhere(caseOf([text], ["the-late-invoice", "finance"]));
  });

  it.each(TRICKY_SLUGS.map((slug) => [slug]))("%j as the slug and as a tag", (slug) => {
    expectReadAsTextEverywhere(caseOf(["The late invoice"], [slug, slug === "no" ? "yes" : "no", "on", "2024"]));
  });

  it("keeps any single-line text a string through YAML 1.1 and the app's own reading", () => {
    // Printable text of any kind, trimmed and non-empty, as the schema keeps it.
    const text = fc
      .string({ unit: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 })), minLength: 1, maxLength: 4 })
      .map((s) => s.trim())
      .filter((s) => s !== "" && s.length <= 100 && findSingleLineProblem(s) === null && !/[\p{Cs}\p{Co}\p{Cn}]/u.test(s));
    fc.assert(
      fc.property(fc.array(text, { minLength: 9, maxLength: 9 }), fc.constantFrom(...TRICKY_SLUGS), (texts, slug) => {
        expectReadAsTextEverywhere(caseOf(texts, [slug, "finance"]));
      }),
      { numRuns: 200 },
    );
  });

  it("still writes field names plain, so the file stays easy to read", () => {
    const source = serializeCaseFile(caseOf(["Yes"], ["the-late-invoice", "finance"]));
    expect(source).toContain('\ntitle: "Yes"\n');
    expect(source).toContain("\nperspectives:\n  employee:\n");
  });
});

/** A hand-written case file, its front matter as people type it (plain values). */
const HAND_WRITTEN = [
  "---", // 1
  "slug: the-late-invoice", // 2
  "title: 2024-04-01", // 3
  "summary: An invoice arrives a day after the budget closes.", // 4
  "tags: [finance, on]", // 5
  "perspectives:", // 6
  "  employee:", // 7
  "    prompt: You are Dana. Do you pay it?", // 8
  "    options: [Yes, 'No', \"Off\"]", // 9
  "  employer:", // 10
  "    prompt: You run finance. What do you do?", // 11
  "    options:", // 12
  "      - Back Dana", // 13
  "      - 1:20", // 14
  "      - <<", // 15
  "judgement: Was Dana right?", // 16
  "discussion:", // 17
  "  - Who is hurt by a late payment?", // 18
  "  - 1_000", // 19
  "---",
  "",
  "## Stage: The invoice",
  "",
  "Dana finds the invoice on Friday.",
  "",
].join("\n");

describe("cases:check warns of hand-written values YAML 1.1 tools read as something else than text (ADR 015)", () => {
  const checked = checkCaseFiles([{ file: "cases/the-late-invoice.md", source: HAND_WRITTEN }]);

  it("keeps the file valid: the app reads every one of them as text", () => {
    expect(checked.problems).toEqual([]);
    expect(checked.valid.map((c) => c.doc.perspectives[0]!.options.map((o) => o.text))).toEqual([["Yes", "No", "Off"]]);
  });

  it("names each plain value a YAML 1.1 tool reads otherwise, at its line and field, with what it becomes and how to quote it", () => {
    expect(checked.warnings.map(({ file, warning }) => formatCaseFileWarning(file, warning))).toEqual([
      'cases/the-late-invoice.md:3: warning: title: 2024-04-01 is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as a date (2024-04-01); write it in quotes: "2024-04-01"',
      'cases/the-late-invoice.md:5: warning: tags.1: on is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as the boolean true; write it in quotes: "on"',
      'cases/the-late-invoice.md:9: warning: perspectives.employee.options.0: Yes is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as the boolean true; write it in quotes: "Yes"',
      'cases/the-late-invoice.md:14: warning: perspectives.employer.options.1: 1:20 is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as the number 80; write it in quotes: "1:20"',
      'cases/the-late-invoice.md:15: warning: perspectives.employer.options.2: << is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as a merge key, which they refuse as a value; write it in quotes: "<<"',
      'cases/the-late-invoice.md:19: warning: discussion.1: 1_000 is text to Casebook, but YAML 1.1 tools (PyYAML, Ruby, many editors) read it as the number 1000; write it in quotes: "1_000"',
    ]);
  });

  it("has nothing to say about what the editor writes", () => {
    const written = serializeCaseFile(caseOf(TRICKY, ["the-late-invoice", "yes", "2024"]));
    expect(checkCaseFiles([{ file: "cases/the-late-invoice.md", source: written }]).warnings).toEqual([]);
  });
});
