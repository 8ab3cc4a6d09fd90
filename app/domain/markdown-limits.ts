/**
 * Bounds on what Markdown may ask of the renderer. marked parses nested constructs by recursion
 * (a block quote lexes its content again, an emphasis or link its text), so about 2,000 `>` in a
 * row overflow the stack, and its emphasis matching is quadratic in the delimiter runs of one
 * paragraph. Text is checked here, before it is stored and again before it is rendered.
 *
 * The check is one pass over the characters with counters (no recursion, no backtracking
 * regular expressions), so it is linear in the text and cannot overflow itself. It is an upper
 * bound: it counts markers, not what marked would finally make of them, so text inside code is
 * counted too. Pure.
 */

export const MARKDOWN_LIMITS = {
  /** Block quotes and list items around one line, counting markers and indentation (2 columns a level). */
  blockNesting: 16,
  /** `[` (links, images) open at once in one paragraph. */
  bracketNesting: 16,
  /** Emphasis and strikethrough marker characters (`*`, `_`, `~`) open at once in one paragraph. */
  emphasisNesting: 16,
  /** HTML tags open at once in one paragraph. */
  htmlNesting: 16,
  /** Emphasis marker runs in one paragraph: marked's matching of them takes time quadratic in their number. */
  emphasisRunsPerParagraph: 1000,
} as const;

export type MarkdownConstruct = "blocks" | "brackets" | "emphasis" | "html" | "emphasis-runs";

/** The first place where a text goes past one of MARKDOWN_LIMITS. `line` is 1-based in the text checked. */
export interface MarkdownNestingProblem {
  line: number;
  construct: MarkdownConstruct;
  /** How deep (or, for emphasis-runs, how many) the text goes at that line. */
  found: number;
  limit: number;
}

const VOID_HTML_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

const isSpace = (c: string | undefined) => c === " " || c === "\t";
const isWhitespaceOrEnd = (c: string | undefined) => c === undefined || c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isLetter = (c: string | undefined) => c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
const isAsciiPunctuation = (c: string | undefined) => c !== undefined && /[!-/:-@[-`{-~]/.test(c);

/** Counters of one paragraph (text between blank lines), where inline constructs can nest. */
interface ParagraphCounters {
  brackets: number;
  emphasis: number;
  html: number;
  emphasisRuns: number;
}

const freshCounters = (): ParagraphCounters => ({ brackets: 0, emphasis: 0, html: 0, emphasisRuns: 0 });

/**
 * Reads a line's container prefix: block quote markers (`>`), list markers (`-`, `+`, `*`,
 * `1.`, `1)`) and the whitespace between them. Returns where the content starts and how deep
 * the line may be nested: each marker is a level, and whitespace beyond one separator per marker
 * is indentation, which can nest list items 2 columns a level.
 */
function readContainerPrefix(line: string): { contentStart: number; depth: number; listMarkers: number } {
  let i = 0;
  let markers = 0;
  let listMarkers = 0;
  let whitespaceColumns = 0;
  for (;;) {
    const c = line[i];
    if (c === " ") {
      whitespaceColumns += 1;
      i += 1;
    } else if (c === "\t") {
      whitespaceColumns += 4;
      i += 1;
    } else if (c === ">") {
      markers += 1;
      i += 1;
    } else if ((c === "-" || c === "+" || c === "*") && isWhitespaceOrEnd(line[i + 1])) {
      markers += 1;
      listMarkers += 1;
      i += 1;
    } else if (isDigit(c)) {
      let j = i;
      while (j - i < 9 && isDigit(line[j])) j += 1;
      if ((line[j] === "." || line[j] === ")") && isWhitespaceOrEnd(line[j + 1])) {
        markers += 1;
        listMarkers += 1;
        i = j + 1;
      } else {
        break;
      }
    } else {
      break;
    }
  }
  return { contentStart: i, depth: markers + Math.ceil(Math.max(0, whitespaceColumns - markers) / 2), listMarkers };
}

/**
 * Finds the first place where `markdown` nests a Markdown construct deeper than MARKDOWN_LIMITS
 * (block quotes, lists and indentation per line; brackets, emphasis and HTML tags per paragraph)
 * or has more emphasis runs in one paragraph than allowed. Returns null when the text is within
 * every limit. Linear time; never throws.
 */
export function findMarkdownNestingProblem(markdown: string): MarkdownNestingProblem | null {
  // Line ends and blank lines as marked reads them: a lone CR ends a line too, and a blank line
  // holds only spaces and tabs (a line of NBSP or other Unicode space continues the paragraph).
  const lines = markdown.split(/\r\n|\r|\n/);
  let counters = freshCounters();
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const lineNumber = index + 1;
    const { contentStart, depth, listMarkers } = readContainerPrefix(line);
    if (depth > MARKDOWN_LIMITS.blockNesting) return { line: lineNumber, construct: "blocks", found: depth, limit: MARKDOWN_LIMITS.blockNesting };
    if (/^[ \t]*$/.test(line.slice(contentStart))) {
      // A blank line (also ">" alone) ends the paragraph. An empty list item ("-") does not: it
      // cannot interrupt a paragraph, so the text goes on around it.
      if (listMarkers === 0) counters = freshCounters();
      continue;
    }
    const problem = scanInline(line, contentStart, lineNumber, counters);
    if (problem) return problem;
  }
  return null;
}

/** Updates the paragraph's counters with one line's content; returns a problem when a limit is passed. */
function scanInline(line: string, start: number, lineNumber: number, counters: ParagraphCounters): MarkdownNestingProblem | null {
  const over = (construct: MarkdownConstruct, found: number, limit: number): MarkdownNestingProblem | null => (found > limit ? { line: lineNumber, construct, found, limit } : null);
  let i = start;
  while (i < line.length) {
    const c = line[i];
    if (c === "\\" && isAsciiPunctuation(line[i + 1])) {
      i += 2;
      continue;
    }
    if (c === "[") {
      counters.brackets += 1;
      const problem = over("brackets", counters.brackets, MARKDOWN_LIMITS.bracketNesting);
      if (problem) return problem;
    } else if (c === "]") {
      counters.brackets = Math.max(0, counters.brackets - 1);
    } else if (c === "*" || c === "_" || c === "~") {
      let end = i;
      while (line[end] === c) end += 1;
      const runLength = end - i;
      // Flanking as CommonMark defines it, simplified to whitespace: a run can open when text
      // follows it and close when text precedes it.
      const canOpen = !isWhitespaceOrEnd(line[end]);
      const canClose = i > start && !isSpace(line[i - 1]);
      if (canOpen || canClose) {
        counters.emphasisRuns += 1;
        const runs = over("emphasis-runs", counters.emphasisRuns, MARKDOWN_LIMITS.emphasisRunsPerParagraph);
        if (runs) return runs;
      }
      if (canOpen && !canClose) {
        counters.emphasis += runLength;
        const problem = over("emphasis", counters.emphasis, MARKDOWN_LIMITS.emphasisNesting);
        if (problem) return problem;
      } else if (canClose && !canOpen) {
        counters.emphasis = Math.max(0, counters.emphasis - runLength);
      }
      i = end;
      continue;
    } else if (c === "<") {
      const closing = line[i + 1] === "/";
      let end = closing ? i + 2 : i + 1;
      if (isLetter(line[end])) {
        const nameStart = end;
        while (isLetter(line[end]) || isDigit(line[end]) || line[end] === "-") end += 1;
        const name = line.slice(nameStart, end).toLowerCase();
        const after = line[end];
        // "<https:" and "<a@b" are autolinks, not tags.
        const isTag = after === undefined || after === ">" || after === "/" || isSpace(after);
        if (isTag && !VOID_HTML_ELEMENTS.has(name)) {
          if (closing) {
            counters.html = Math.max(0, counters.html - 1);
          } else {
            counters.html += 1;
            const problem = over("html", counters.html, MARKDOWN_LIMITS.htmlNesting);
            if (problem) return problem;
          }
        }
        i = end;
        continue;
      }
    }
    i += 1;
  }
  return null;
}

const CONSTRUCT_NAMES: Record<Exclude<MarkdownConstruct, "emphasis-runs">, string> = {
  blocks: "block quotes (>), lists or indentation",
  brackets: "brackets ([ ])",
  emphasis: "emphasis markers (* _ ~)",
  html: "HTML tags",
};

/**
 * The problem as the end of a sentence whose subject is the text, e.g. "nests block quotes (>),
 * lists or indentation 1990 levels deep at line 1; at most 16 levels are allowed". Leave the
 * line out where the caller reports it already (case file problems carry the file's line).
 */
export function describeMarkdownNestingProblem(problem: MarkdownNestingProblem, { withLine = true } = {}): string {
  const at = withLine ? ` at line ${problem.line}` : "";
  if (problem.construct === "emphasis-runs") {
    return `has more than ${problem.limit} emphasis markers (* _ ~) in one paragraph${at}; split it into shorter paragraphs`;
  }
  // Block depth is counted in full; inline counting stops at the first level past the limit.
  const depth = problem.construct === "blocks" ? String(problem.found) : `more than ${problem.limit}`;
  return `nests ${CONSTRUCT_NAMES[problem.construct]} ${depth} levels deep${at}; at most ${problem.limit} levels are allowed`;
}
