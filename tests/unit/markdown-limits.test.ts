import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderMarkdown, tryRenderMarkdown, UNRENDERABLE_NOTICE } from "../../app/domain/markdown";
import { describeMarkdownNestingProblem, findMarkdownNestingProblem, MARKDOWN_LIMITS } from "../../app/domain/markdown-limits";

const LIMIT = MARKDOWN_LIMITS.blockNesting;
const count = (html: string, tag: string) => html.split(`<${tag}`).length - 1;

/**
 * Each construct written `levels` deep, and the tag that shows each level in the HTML. Every
 * limit is 16, so one table serves them all.
 */
const NESTED: { name: string; construct: string; write: (levels: number) => string; tag: string; line: (levels: number) => number }[] = [
  { name: "block quotes (>>>)", construct: "blocks", write: (n) => `${">".repeat(n)} deep`, tag: "blockquote", line: () => 1 },
  { name: "block quotes (> > >)", construct: "blocks", write: (n) => `${"> ".repeat(n)}deep`, tag: "blockquote", line: () => 1 },
  { name: "bullet lists on one line", construct: "blocks", write: (n) => `${"- ".repeat(n)}deep`, tag: "ul", line: () => 1 },
  { name: "numbered lists on one line", construct: "blocks", write: (n) => `${"1. ".repeat(n)}deep`, tag: "ol", line: () => 1 },
  {
    name: "lists nested by indentation",
    construct: "blocks",
    write: (n) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}- ${i === n - 1 ? "deep" : `level ${i + 1}`}`).join("\n"),
    tag: "ul",
    line: (n) => n,
  },
  { name: "block quotes and lists alternating", construct: "blocks", write: (n) => `${"> - ".repeat(n / 2)}deep`, tag: "blockquote", line: () => 1 },
  {
    name: "a table inside block quotes",
    construct: "blocks",
    write: (n) => `${">".repeat(n)} | a | b |\n${">".repeat(n)} |---|---|\n${">".repeat(n)} | 1 | deep |`,
    tag: "table",
    line: () => 1,
  },
  { name: "emphasis (*)", construct: "emphasis", write: (n) => `${"*".repeat(n)}deep${"*".repeat(n)}`, tag: "strong", line: () => 1 },
  { name: "emphasis (_) word by word", construct: "emphasis", write: (n) => `${"_a ".repeat(n)}deep${" a_".repeat(n)}`, tag: "em", line: () => 1 },
  { name: "strikethrough (~~)", construct: "emphasis", write: (n) => `${"~~a ".repeat(n / 2)}deep${" a~~".repeat(n / 2)}`, tag: "del", line: () => 1 },
  { name: "links in brackets", construct: "brackets", write: (n) => `${"[a ".repeat(n)}deep${"](https://example.com)".repeat(n)}`, tag: "a", line: () => 1 },
  { name: "images in brackets", construct: "brackets", write: (n) => `${"![".repeat(n)}x${"](x.png)".repeat(n)} deep`, tag: "p", line: () => 1 },
  { name: "inline HTML", construct: "html", write: (n) => `${"<span>".repeat(n)}deep${"</span>".repeat(n)}`, tag: "p", line: () => 1 },
  {
    name: "emphasis spread over lines of one paragraph",
    construct: "emphasis",
    write: (n) => `${Array.from({ length: n }, () => "*a").join("\n")}\ndeep${" a*".repeat(n)}`,
    tag: "em",
    line: (n) => n,
  },
];

describe("findMarkdownNestingProblem", () => {
  for (const { name, construct, write, tag, line } of NESTED) {
    it(`refuses ${name} nested one level past the limit, at the line where it goes too deep`, () => {
      const text = write(LIMIT + 2);
      const problem = findMarkdownNestingProblem(text);
      expect(problem).toMatchObject({ construct, limit: LIMIT });
      expect(problem!.found).toBeGreaterThan(LIMIT);
      expect(problem!.line).toBeLessThanOrEqual(line(LIMIT + 2));
    });

    it(`renders ${name} nested to the limit`, () => {
      const text = write(LIMIT);
      expect(findMarkdownNestingProblem(text)).toBeNull();
      const rendering = tryRenderMarkdown(text);
      expect(rendering.ok).toBe(true);
      if (rendering.ok) {
        expect(rendering.html).toContain("deep");
        expect(count(rendering.html, tag)).toBeGreaterThanOrEqual(1);
      }
    });
  }

  it("counts every level of 2,000 block quotes, so the message says how deep the text went", () => {
    expect(findMarkdownNestingProblem(`${">".repeat(2000)} hello`)).toEqual({ line: 1, construct: "blocks", found: 2000, limit: LIMIT });
  });

  it("names the line of the first line that goes too deep", () => {
    const text = `Fine.\n\n> quoted\n\n${">".repeat(40)} too deep\n\n${">".repeat(50)} deeper`;
    expect(findMarkdownNestingProblem(text)).toMatchObject({ line: 5, construct: "blocks", found: 40 });
  });

  it("renders the limit's worth of block quotes as that many nested quotes", () => {
    expect(count(renderMarkdown(`${">".repeat(LIMIT)} deep`), "blockquote")).toBe(LIMIT);
  });

  it("starts counting inline nesting afresh after a blank line, also one inside a block quote", () => {
    const paragraph = "[a ".repeat(LIMIT);
    expect(findMarkdownNestingProblem(`${paragraph}\n\n${paragraph}`)).toBeNull();
    expect(findMarkdownNestingProblem(`> ${paragraph}\n>\n> ${paragraph}`)).toBeNull();
    expect(findMarkdownNestingProblem(`${paragraph}\n${paragraph}`)).toMatchObject({ construct: "brackets", line: 2 });
  });

  it("keeps counting across an empty list item, which continues the paragraph rather than ending it", () => {
    const runs = MARKDOWN_LIMITS.emphasisRunsPerParagraph;
    for (const separator of ["\n- \n", "\n-\n", "\n1.\n", "\n* \n"]) {
      expect(findMarkdownNestingProblem(["**a".repeat(runs / 2), "**a".repeat(runs / 2 + 1)].join(separator)), JSON.stringify(separator)).toMatchObject({ construct: "emphasis-runs", line: 3 });
    }
  });

  it("reads line ends and blank lines as marked does: a lone CR ends a line, a line of Unicode spaces is no blank line", () => {
    expect(findMarkdownNestingProblem(`a\r${">".repeat(1900)} x`)).toMatchObject({ line: 2, construct: "blocks" });
    const emphasis = (open: boolean) => (open ? "*a " : "a* ").repeat(15);
    const acrossNbspLines = [emphasis(true), "\u00a0", emphasis(true), "\u2003", emphasis(false), "\u00a0", emphasis(false)].join("\n");
    expect(findMarkdownNestingProblem(acrossNbspLines)).toMatchObject({ construct: "emphasis" });
    expect(renderMarkdown(acrossNbspLines)).toContain(UNRENDERABLE_NOTICE);
  });

  it("does not count closed constructs, escaped markers, void HTML elements or autolinks", () => {
    const many = (s: string) => s.repeat(40);
    for (const text of [many("[link](https://example.com) "), many("**bold** _soft_ "), many("\\[ \\* \\> "), many("<br> "), many("<https://example.com> "), many("<b>x</b> ")]) {
      expect(findMarkdownNestingProblem(text), text.slice(0, 30)).toBeNull();
    }
  });

  it("refuses more emphasis runs in one paragraph than the renderer matches in good time, and allows them spread over paragraphs", () => {
    const runs = MARKDOWN_LIMITS.emphasisRunsPerParagraph;
    expect(findMarkdownNestingProblem("**a".repeat(runs + 1))).toMatchObject({ construct: "emphasis-runs", line: 1 });
    expect(findMarkdownNestingProblem("**a".repeat(runs))).toBeNull();
    expect(findMarkdownNestingProblem(`${"**a".repeat(runs / 2 + 1)}\n\n${"**a".repeat(runs / 2 + 1)}`)).toBeNull();
  });

  it("checks a million markers of every kind without overflowing, in linear time", () => {
    for (const marker of [">", "> ", "- ", "1. ", "[", "*a ", "<i>", " "]) {
      const text = marker.repeat(1_000_000 / marker.length) + "x";
      const started = performance.now();
      expect(findMarkdownNestingProblem(text), JSON.stringify(marker)).not.toBeNull();
      // Generous: a linear scan takes a few milliseconds; a quadratic one would take minutes.
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it("passes nothing that marked then fails on (property: any mix of Markdown markers)", () => {
    const piece = fc.constantFrom(">", "> ", "- ", "* ", "1. ", "  ", "\t", "\n", "\n\n", "[", "]", "(u)", "![", "*", "**", "_", "~~", "`", "<span>", "</span>", "|", "---", "#", "a", " ");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }), (pieces) => {
        const text = pieces.join("");
        if (findMarkdownNestingProblem(text) === null) expect(tryRenderMarkdown(text).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("describeMarkdownNestingProblem", () => {
  it("says what is nested, how deep, where, and the limit", () => {
    expect(describeMarkdownNestingProblem({ line: 1, construct: "blocks", found: 2000, limit: 16 })).toBe(
      "nests block quotes (>), lists or indentation 2000 levels deep at line 1; at most 16 levels are allowed",
    );
    expect(describeMarkdownNestingProblem({ line: 3, construct: "brackets", found: 17, limit: 16 }, { withLine: false })).toBe(
      "nests brackets ([ ]) more than 16 levels deep; at most 16 levels are allowed",
    );
  });
});

describe("rendering is isolated", () => {
  it("turns the 2,000-quote argument into a short notice instead of overflowing the stack", () => {
    const reasons: string[] = [];
    const html = renderMarkdown(`${">".repeat(2000)} hello`, (reason) => reasons.push(reason));
    expect(html).toBe(`<p class="markdown-unrenderable">${UNRENDERABLE_NOTICE}</p>`);
    expect(reasons).toEqual(["the text nests block quotes (>), lists or indentation 2000 levels deep at line 1; at most 16 levels are allowed"]);
  });

  it("renders the quadratic emphasis pattern as a notice too, quickly", () => {
    const started = performance.now();
    expect(renderMarkdown("**a".repeat(60_000))).toContain(UNRENDERABLE_NOTICE);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
