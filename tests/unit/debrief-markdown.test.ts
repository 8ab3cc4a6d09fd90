/**
 * The debrief is a generated Markdown document: whatever text users and authors typed, its
 * structure (headings, tables and their sizes, blockquotes, lists, links, emphasis, HTML) is
 * the one the builder made, and the text comes back out as text. The document is parsed back
 * with `marked.lexer`, the Markdown parser the app itself uses.
 */
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { buildDebrief, type DebriefInput } from "../../app/domain/workshop-exports";
import { roundTallies } from "../../app/domain/workshop-view";
import { workshopGrouping } from "../../app/domain/disclosure";
import { CORPUS, EXPORT_MARKDOWN, MARKDOWN_XSS } from "../security/hostile-inputs";
import { plainText, shape, words } from "../security/markdown-structure";

/** Every payload: the corpus (bar the megabyte-sized ones, which say nothing new here) and the ones above. */
const PAYLOADS = [...new Set([...CORPUS.filter((c) => c.kind !== "oversized").map((c) => c.value), MARKDOWN_XSS, ...EXPORT_MARKDOWN])].filter((p) => p.trim() !== "");

// Ids as wordings: the debrief shows wordings, whatever the ids (ADR 017).
const PERSPECTIVES = (options: string[]) => [
  { key: "employee", options: options.map((o) => ({ id: o, text: o })) },
  { key: "employer", options: options.map((o) => ({ id: o, text: `${o}` })) },
];

/** A two-round workshop with every section present, every text field set to `say(field)`. */
function input(say: (field: string) => string): DebriefInput {
  const options = [say("option"), `${say("option")} `, ` ${say("option")}`];
  const byStanding = [1, 2].flatMap((round) =>
    ["employee", "employer"].flatMap((perspective) => [
      { round, perspective, standing: "frontline", optionId: options[0], judgement: 1, count: 6 },
      { round, perspective, standing: "manager", optionId: options[1], judgement: -2, count: 5 },
      { round, perspective, standing: "hr", optionId: options[2], judgement: 3, count: 2 },
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
      byStanding.map(({ round, perspective, optionId, judgement, count }) => ({ round, perspective, optionId, judgement, count })),
      PERSPECTIVES(options),
      [1, 2],
      5,
    ),
    byStanding,
    grouping: workshopGrouping(
      [
        { standing: "frontline", people: 6 },
        { standing: "manager", people: 5 },
        { standing: "hr", people: 2 },
      ],
      5,
    ),
    standingsReleased: true,
    gaps: [{ round: 1, people: 13, meanGap: 0.5 }],
    shift: [{ perspective: "employee", people: 13, moved: 4, towardRight: 3, towardWrong: 1, changedOption: 2, released: true }],
    spotlight: { kind: "argument", body: say("spotlight"), upvotes: 7 },
    topSubmissions: [
      { kind: "question", body: say("submission"), upvotes: 5, movedPeople: 6 },
      { kind: "argument", body: say("submission"), upvotes: 3, movedPeople: 0 },
    ],
    standingLabels: { frontline: "Frontline staff", manager: "Manager", hr: "HR" },
  };
}

const BENIGN = (field: string) => `Benign ${field} text`;

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
