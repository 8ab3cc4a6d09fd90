/**
 * The debrief is a generated Markdown document: whatever text users and authors typed, its
 * structure (headings, tables and their sizes, blockquotes, lists, links, emphasis, HTML) is
 * the one the builder made, and the text comes back out as text. The document is parsed back
 * with `marked.lexer`, the Markdown parser the app itself uses.
 */
import { marked, type Token, type Tokens } from "marked";
import { describe, expect, it } from "vitest";
import { buildDebrief, type DebriefInput } from "../../app/domain/workshop-exports";
import { roundTallies } from "../../app/domain/workshop-view";
import { CORPUS, EXPORT_MARKDOWN, MARKDOWN_XSS } from "../security/hostile-inputs";

/** Every payload: the corpus (bar the megabyte-sized ones, which say nothing new here) and the ones above. */
const PAYLOADS = [...new Set([...CORPUS.filter((c) => c.kind !== "oversized").map((c) => c.value), MARKDOWN_XSS, ...EXPORT_MARKDOWN])].filter((p) => p.trim() !== "");

const PERSPECTIVES = (options: string[]) => [
  { key: "employee", options },
  { key: "employer", options: options.map((o) => `${o}`) },
];

/** A two-round workshop with every section present, every text field set to `say(field)`. */
function input(say: (field: string) => string): DebriefInput {
  const options = [say("option"), `${say("option")} `, ` ${say("option")}`];
  const byStanding = [1, 2].flatMap((round) =>
    ["employee", "employer"].flatMap((perspective) => [
      { round, perspective, standing: "frontline", option: options[0], judgement: 1, count: 6 },
      { round, perspective, standing: "manager", option: options[1], judgement: -2, count: 5 },
      { round, perspective, standing: "hr", option: options[2], judgement: 3, count: 2 },
    ]),
  );
  return {
    title: say("title"),
    code: "K7M2QP",
    startedAt: "2025-03-04T09:30:41.000Z",
    endedAt: null,
    caseTitle: say("caseTitle"),
    caseSummary: say("caseSummary"),
    judgementQuestion: say("judgementQuestion"),
    discussion: [say("discussion"), say("discussion")],
    participants: 13,
    k: 5,
    rounds: [1, 2],
    tallies: roundTallies(
      byStanding.map(({ round, perspective, option, judgement, count }) => ({ round, perspective, option, judgement, count })),
      PERSPECTIVES(options),
      [1, 2],
    ),
    byStanding,
    gaps: [{ round: 1, people: 13, meanGap: 0.5 }],
    shift: [{ perspective: "employee", people: 13, moved: 4, towardRight: 3, towardWrong: 1, changedOption: 2 }],
    spotlight: { kind: "argument", body: say("spotlight"), upvotes: 7 },
    topSubmissions: [
      { kind: "question", body: say("submission"), upvotes: 5, movedPeople: 2 },
      { kind: "argument", body: say("submission"), upvotes: 3, movedPeople: 0 },
    ],
    standingLabels: { frontline: "Frontline staff", manager: "Manager", hr: "HR" },
  };
}

const BENIGN = (field: string) => `Benign ${field} text`;

/**
 * The document's structure: every block and inline token but plain text, with a heading's
 * level, a list's kind and items, a table's columns and rows. Text and escapes are left out,
 * since a payload adds escapes where benign text has none.
 */
type Shape = string | [string, Shape[]];
function shape(tokens: Token[]): Shape[] {
  const out: Shape[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case "space":
      case "escape":
        break;
      case "text": {
        const inner = (token as Tokens.Text).tokens;
        if (inner) out.push(...shape(inner));
        break;
      }
      case "heading":
        out.push([`h${(token as Tokens.Heading).depth}`, shape((token as Tokens.Heading).tokens)]);
        break;
      case "list": {
        const l = token as Tokens.List;
        out.push([`${l.ordered ? "ol" : "ul"} of ${l.items.length}`, l.items.map((item) => ["li", shape(item.tokens)] as Shape)]);
        break;
      }
      case "table": {
        const t = token as Tokens.Table;
        const cells = [...t.header, ...t.rows.flat()].map((cell) => ["cell", shape(cell.tokens)] as Shape);
        out.push([`table ${t.header.length} columns × ${t.rows.length} rows`, cells]);
        break;
      }
      default: {
        const inner = "tokens" in token && Array.isArray(token.tokens) ? shape(token.tokens) : [];
        out.push([token.type, inner]);
      }
    }
  }
  return out;
}

/** What a reader sees as text: text tokens with character references decoded, and escaped characters. */
function plainText(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) {
    if (token.type === "escape") out += (token as Tokens.Escape).text;
    else if (token.type === "text" && !(token as Tokens.Text).tokens) out += decode((token as Tokens.Text).text);
    else if (token.type === "table") {
      const t = token as Tokens.Table;
      for (const cell of [...t.header, ...t.rows.flat()]) out += ` ${plainText(cell.tokens)} `;
    } else if (token.type === "list") for (const item of (token as Tokens.List).items) out += ` ${plainText(item.tokens)} `;
    else if ("tokens" in token && Array.isArray(token.tokens)) out += ` ${plainText(token.tokens)} `;
    else if (token.type === "codespan" || token.type === "html" || token.type === "code") out += ` ${(token as Tokens.Codespan).text} `;
  }
  return out;
}

function decode(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)));
}

/**
 * Markdown does not keep white space (line breaks in a paragraph, runs of spaces); the parser
 * turns NUL into U+FFFD, and so does the debrief with control characters in one-line places.
 */
function words(value: string): string {
  return value
    .replace(/\s+/g, " ")
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, "\uFFFD")
    .trim();
}

describe("buildDebrief with hostile text in every field", () => {
  const benign = shape(marked.lexer(buildDebrief(input(BENIGN))));

  it("has the structure the builder made for benign text: headings, tables, quotes, lists, emphasis, no links or HTML", () => {
    const types = JSON.stringify(benign);
    for (const present of ['"h1"', '"h2"', '"h3"', "table 3 columns × 3 rows", "table 6 columns × 2 rows", '"blockquote"', "ul of 5", "ol of 2", '"strong"', '"em"']) {
      expect(types).toContain(present);
    }
    for (const absent of ["link", "html", "image", "code", "del", "hr", "br", "def"]) expect(types).not.toContain(`"${absent}"`);
  });

  it.each(PAYLOADS.map((payload) => [JSON.stringify(payload.length > 60 ? `${payload.slice(0, 60)}…` : payload), payload]))(
    "keeps the structure and the text when every field holds %s",
    (_, payload) => {
      // As the whole field (so it starts the line it is on), then after the field's name (so each field's text can be found).
      const asIs = marked.lexer(buildDebrief(input(() => payload)));
      expect(shape(asIs)).toEqual(benign);
      expect(words(plainText(asIs))).toContain(words(payload));

      const say = (field: string) => `${field}: ${payload}`;
      const named = marked.lexer(buildDebrief(input(say)));
      expect(shape(named)).toEqual(benign);
      const seen = words(plainText(named));
      for (const field of ["title", "caseTitle", "caseSummary", "judgementQuestion", "discussion", "option", "spotlight", "submission"]) {
        expect(seen, field).toContain(words(say(field)));
      }
    },
  );
});
