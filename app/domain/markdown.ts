import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";
import { describeMarkdownNestingProblem, findMarkdownNestingProblem, MARKDOWN_LIMITS } from "./markdown-limits";

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Allow-list: formatting and links only. Anything else an author or user writes is dropped. */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"],
  allowedAttributes: { a: ["href", "title", "rel"], th: ["align"], td: ["align"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // The checked text nests at most this deep; quotes, lists and emphasis together stay far below it.
  nestingLimit: 4 * MARKDOWN_LIMITS.blockNesting + MARKDOWN_LIMITS.bracketNesting + MARKDOWN_LIMITS.emphasisNesting + MARKDOWN_LIMITS.htmlNesting,
  // Headings 1-2 would compete with the page's own; they are shown as level 3.
  transformTags: {
    h1: "h3",
    h2: "h3",
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer" }),
  },
};

/** Shown in place of a text that cannot be rendered, so the rest of its page still can be. */
export const UNRENDERABLE_NOTICE = "This text cannot be shown: its formatting is nested too deeply or is too complex to display.";
const UNRENDERABLE_HTML = `<p class="markdown-unrenderable">${UNRENDERABLE_NOTICE}</p>`;

export type MarkdownRendering = { ok: true; html: string } | { ok: false; reason: string };

/**
 * Markdown to safe HTML: the nesting check (markdown-limits.ts), marked, then the allow-list
 * sanitizer on its output. Never throws: text past the limits, or anything marked or the
 * sanitizer throws on, comes back as `ok: false` with the reason.
 */
export function tryRenderMarkdown(markdown: string): MarkdownRendering {
  const problem = findMarkdownNestingProblem(markdown);
  if (problem) return { ok: false, reason: `the text ${describeMarkdownNestingProblem(problem)}` };
  try {
    const html = marked.parse(markdown) as string;
    return { ok: true, html: sanitizeHtml(html, SANITIZE_OPTIONS) };
  } catch (error) {
    return { ok: false, reason: `the renderer failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
  }
}

/**
 * Markdown to safe HTML for a page. A text that cannot be rendered (see tryRenderMarkdown)
 * becomes a short plain notice, UNRENDERABLE_NOTICE, so one item never breaks the page it is on;
 * `onUnrenderable` hears why (the server logs it).
 */
export function renderMarkdown(markdown: string, onUnrenderable?: (reason: string) => void): string {
  const rendering = tryRenderMarkdown(markdown);
  if (rendering.ok) return rendering.html;
  onUnrenderable?.(rendering.reason);
  return UNRENDERABLE_HTML;
}

/**
 * Why a text about to be stored could not be rendered, as the end of a sentence about it
 * (e.g. "nests block quotes (>), lists or indentation 1990 levels deep at line 1; at most 16
 * levels are allowed"), or null when it renders. Validators use this so that nothing is stored
 * that the renderer would refuse.
 */
export function markdownRenderProblem(markdown: string): string | null {
  const problem = findMarkdownNestingProblem(markdown);
  if (problem) return describeMarkdownNestingProblem(problem);
  const rendering = tryRenderMarkdown(markdown);
  return rendering.ok ? null : "cannot be rendered as Markdown";
}

type TokenLike = { type: string; text?: string; tokens?: TokenLike[]; items?: TokenLike[]; header?: { tokens: TokenLike[] }[]; rows?: { tokens: TokenLike[] }[][] };

function tokenText(tokens: TokenLike[]): string {
  return tokens
    .map((t): string => {
      if (t.tokens) return tokenText(t.tokens);
      if (t.items) return tokenText(t.items);
      if (t.header && t.rows) return tokenText([...t.header, ...t.rows.flat()] as TokenLike[]);
      // Raw HTML is dropped, as the renderer's allow-list would drop most of it.
      if (t.type === "html") return "";
      return t.text ?? "";
    })
    .join(" ");
}

/**
 * The words of a Markdown text without its marks (no `**`, `#`, `[..](..)`, raw HTML), whitespace
 * collapsed to single spaces: for one-line excerpts such as those on /me (issue 16). A text past
 * the nesting limits (ADR 010) is not parsed; its whitespace is collapsed and it is returned as is.
 */
export function markdownPlainText(markdown: string): string {
  const collapse = (text: string) => text.replace(/\s+/g, " ").trim();
  if (findMarkdownNestingProblem(markdown)) return collapse(markdown);
  try {
    return collapse(tokenText(marked.lexer(markdown) as unknown as TokenLike[]));
  } catch {
    return collapse(markdown);
  }
}
