/**
 * The generated downloads other than the debrief's Markdown: the positions CSV against
 * spreadsheet formula injection (OWASP "CSV Injection") for any text at all, and the
 * Content-Disposition of every download.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentDisposition } from "../../app/domain/content-disposition";
import { buildPositionsCsv, exportFileName, type CsvVote } from "../../app/domain/workshop-exports";
import { CORPUS, EXPORT_MARKDOWN } from "../security/hostile-inputs";
import { parseCsv } from "../support/csv-reader";

/** What a spreadsheet runs as a formula when a cell starts with it (OWASP), and line feed as carriage return's twin. */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const keepOrder = <T>(items: T[]): T[] => [...items];

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
    expect(csvOf('\n=HYPERLINK("https://evil.example")')[1]![3]).toBe('\'\n=HYPERLINK("https://evil.example")');
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
    ["Émoji CSV", "émoji-csv-K7M2QP.csv"],
    ["Zoë's café ☕", "zoë-s-café-K7M2QP.csv"],
    ["会議 Tuesday", "会議-tuesday-K7M2QP.csv"],
    ["مرحبا بكم", "مرحبا-بكم-K7M2QP.csv"],
  ])("keep the letters of any script in the title %j", (title, name) => {
    expect(exportFileName(title, "K7M2QP", "csv")).toBe(name);
  });

  it.each([
    ['"; filename=evil.exe; x="', "filename-evil-exe-x-K7M2QP.csv"],
    ["../../etc/passwd", "etc-passwd-K7M2QP.csv"],
    ["Line\r\nContent-Type: text/html", "line-content-type-text-html-K7M2QP.csv"],
    ["Tuesday\u202Egnp.exe", "tuesday-gnp-exe-K7M2QP.csv"],
    ["<script>", "script-K7M2QP.csv"],
    ["", "workshop-K7M2QP.csv"],
    ["!!!", "workshop-K7M2QP.csv"],
  ])("stay safe for the title %j", (title, name) => {
    expect(exportFileName(title, "K7M2QP", "csv")).toBe(name);
  });

  it("keep at most 40 characters of the title, never splitting one", () => {
    expect(exportFileName("é".repeat(50), "K7M2QP", "md")).toBe(`${"é".repeat(40)}-K7M2QP.md`);
    expect(exportFileName("👩‍👩‍👧 Lab ".repeat(10), "K7M2QP", "md")).toBe("lab-lab-lab-lab-lab-lab-lab-lab-lab-lab-K7M2QP.md");
  });

  it("keep only letters and digits of a code that is not a join code", () => {
    expect(exportFileName("Lab", 'AB"\r\nCD', "csv")).toBe("lab-ABCD.csv");
  });
});

describe("contentDisposition (RFC 6266, RFC 8187)", () => {
  it("gives the name as UTF-8 in filename*, after a plain ASCII filename for older clients", () => {
    expect(contentDisposition("attachment", "émoji-csv-K7M2QP.csv")).toBe(`attachment; filename="emoji-csv-K7M2QP.csv"; filename*=UTF-8''%C3%A9moji-csv-K7M2QP.csv`);
    expect(contentDisposition("attachment", "会議-tuesday-K7M2QP.csv")).toBe(`attachment; filename="tuesday-K7M2QP.csv"; filename*=UTF-8''%E4%BC%9A%E8%AD%B0-tuesday-K7M2QP.csv`);
    expect(contentDisposition("inline", "background-check.md")).toBe(`inline; filename="background-check.md"; filename*=UTF-8''background-check.md`);
  });

  it("falls back to a generic ASCII name when nothing of the name is ASCII", () => {
    expect(contentDisposition("attachment", "مرحبا.md")).toBe(`attachment; filename="download.md"; filename*=UTF-8''%D9%85%D8%B1%D8%AD%D8%A8%D8%A7.md`);
  });

  it("holds nothing but the name, whatever the name is: printable ASCII, one parameter each, and filename* decodes to the name", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('"', ";", "\\", "\r", "\n", "%", "'", "*", "=", " ", ".", "\u202E", "é", "👩‍👩‍👧"), fc.string({ unit: "grapheme" })) }), (name) => {
        const header = contentDisposition("attachment", name);
        expect(header).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/);
        const encoded = header.slice(header.indexOf("filename*=UTF-8''") + "filename*=UTF-8''".length);
        const decoded = decodeURIComponent(encoded);
        expect(decoded).not.toMatch(/["\\/;:*?<>|\p{Cc}\p{Cf}]/u);
      }),
      { numRuns: 500 },
    );
  });
});
