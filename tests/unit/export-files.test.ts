/**
 * The generated downloads other than the debrief's Markdown: the positions CSV against
 * spreadsheet formula injection (OWASP "CSV Injection") for any text at all, and the
 * Content-Disposition of every download.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attachment, buildPositionsCsv, exportFileName, type CsvVote } from "../../app/domain/workshop-exports";
import { CORPUS, EXPORT_MARKDOWN } from "../security/hostile-inputs";
import { parseCsv } from "../support/csv-reader";


/** What a spreadsheet runs as a formula when a cell starts with it (OWASP), and line feed as carriage return's twin. */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const keepOrder = <T,>(items: T[]): T[] => [...items];

/** Two people (k = 1, so standings are shown), every text cell holding `text`. */
function csvOf(text: string): string[][] {
  const votes: CsvVote[] = [
    { respondentKey: 1, round: 1, perspective: text, option: text, judgement: -2, standing: text },
    { respondentKey: 2, round: 1, perspective: text, option: text, judgement: 3, standing: "manager" },
  ];
  return parseCsv(buildPositionsCsv(votes, 1, keepOrder));
}

describe("buildPositionsCsv against formula injection", () => {
  it("keeps any text in its cell, with a leading apostrophe exactly when it starts like a formula", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", ";", "a", " ") })), (text) => {
        const rows = csvOf(text);
        expect(rows).toHaveLength(3);
        for (const row of rows) expect(row).toHaveLength(7);
        const expected = FORMULA_START.test(text) ? `'${text}` : text;
        expect(rows[1]!.slice(2, 4)).toEqual([expected, expected]);
        expect(rows[1]![6]).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it.each([...CORPUS.filter((c) => c.kind !== "oversized").map((c) => c.value), ...EXPORT_MARKDOWN].map((v) => [JSON.stringify(v.slice(0, 50)), v]))(
    "starts no text cell like a formula with %s in it",
    (_, value) => {
      for (const row of csvOf(value).slice(1)) for (const cell of [row[2]!, row[3]!, row[6]!]) expect(cell).not.toMatch(FORMULA_START);
    },
  );

  it("neutralises a cell that starts with a line feed", () => {
    expect(csvOf("\n=HYPERLINK(\"https://evil.example\")")[1]![3]).toBe("'\n=HYPERLINK(\"https://evil.example\")");
  });

  it("keeps numbers, including negative judgements, as plain numbers", () => {
    expect(csvOf("A")[1]![4]).toBe("-2");
  });
});

describe("buildPositionsCsv for spreadsheets", () => {
  it("starts with a UTF-8 byte-order mark, so Excel reads accents and emoji as UTF-8", () => {
    const csv = buildPositionsCsv([{ respondentKey: 1, round: 1, perspective: "employee", option: "Émoji 👩‍👩‍👧 ok", judgement: 1, standing: null }], 1, keepOrder);
    expect([...new TextEncoder().encode(csv).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.slice(1).startsWith("respondent,round,")).toBe(true);
    expect(csv.match(/\uFEFF/g)).toHaveLength(1);
  });
});

describe("download file names", () => {
  it("are the workshop title as lowercase words joined by hyphens, then the join code", () => {
    expect(exportFileName("Tuesday ethics lab", "K7M2QP", "md")).toBe("tuesday-ethics-lab-K7M2QP.md");
  });

  it.each([
    ['"; filename=evil.exe; x="', "filename-evil-exe-x-K7M2QP.csv"],
    ["../../etc/passwd", "etc-passwd-K7M2QP.csv"],
    ["Line\r\nContent-Type: text/html", "line-content-type-text-html-K7M2QP.csv"],
    ["Zoë's café ☕", "zo-s-caf-K7M2QP.csv"],
    ["<script>", "script-K7M2QP.csv"],
    ["", "workshop-K7M2QP.csv"],
    ["!!!", "workshop-K7M2QP.csv"],
  ])("stay safe for the title %j", (title, name) => {
    expect(exportFileName(title, "K7M2QP", "csv")).toBe(name);
  });

  it("keep only letters and digits of a code that is not a join code", () => {
    expect(exportFileName("Lab", 'AB"\r\nCD', "csv")).toBe("lab-ABCD.csv");
  });

  it("go into an attachment header that quotes them and holds nothing else", () => {
    expect(attachment("tuesday-ethics-lab-K7M2QP.md")).toBe('attachment; filename="tuesday-ethics-lab-K7M2QP.md"');
    expect(attachment('x"; y=1\r\n.md')).toBe('attachment; filename="x-y-1-.md"');
  });
});
