/**
 * Writes generated Markdown documents (the workshop debrief) as a syntax tree serialized by a
 * Markdown library, so text from users and authors is always a text node that the library
 * escapes: it can never open a heading, a table, a list, a link or raw HTML (ADR 012).
 *
 * Build a document from these node makers and pass it to `writeMarkdown`; never concatenate
 * user text into a Markdown string. Plain strings given as phrasing become text nodes.
 */
import type { BlockContent, Blockquote, Emphasis, Heading, List, Paragraph, PhrasingContent, Root, Strong, Table, Text } from "mdast";
import { gfmTableToMarkdown } from "mdast-util-gfm-table";
import { toMarkdown, type ConstructName, type Options, type Unsafe } from "mdast-util-to-markdown";

/** Phrasing content, where a plain string stands for a text node. */
export type Inline = string | PhrasingContent;

export function text(value: string): Text {
  return { type: "text", value };
}

function inlines(children: Inline[]): PhrasingContent[] {
  return children.map((child) => (typeof child === "string" ? text(child) : child));
}

/**
 * Text for a place that holds one line (a heading, a table cell, a list item): each line break
 * or tab becomes a space, any other control character U+FFFD (as Markdown parsers do with NUL).
 * Single-line fields are refused with these at input (`singleLineText`); this keeps older rows
 * on one line too.
 */
export function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\r\n|[\r\n\t\v\f\u2028\u2029]/g, " ").replace(/[\u0000-\u001F\u007F-\u009F]/g, "\uFFFD");
}

/** Text of several lines (a phone's submission): CR LF and lone CR become LF, as Markdown reads them. */
export function lines(value: string): string {
  return value.replace(/\r\n?/g, "\n").trim();
}

export function heading(depth: Heading["depth"], ...children: Inline[]): Heading {
  return { type: "heading", depth, children: inlines(children) };
}

export function paragraph(...children: Inline[]): Paragraph {
  return { type: "paragraph", children: inlines(children) };
}

export function strong(...children: Inline[]): Strong {
  return { type: "strong", children: inlines(children) };
}

export function emphasis(...children: Inline[]): Emphasis {
  return { type: "emphasis", children: inlines(children) };
}

/** A tight list: each item is one paragraph. */
export function list(ordered: boolean, items: Inline[][]): List {
  return {
    type: "list",
    ordered,
    start: ordered ? 1 : undefined,
    spread: false,
    children: items.map((item) => ({ type: "listItem", spread: false, children: [paragraph(...item)] })),
  };
}

/** A GFM table: the first row is the header; every row should have the header's number of cells. */
export function table(header: Inline[], rows: Inline[][]): Table {
  const row = (cells: Inline[]) => ({ type: "tableRow" as const, children: cells.map((cell) => ({ type: "tableCell" as const, children: inlines([cell]) })) });
  return { type: "table", align: header.map(() => null), children: [row(header), ...rows.map(row)] };
}

export function blockquote(...children: BlockContent[]): Blockquote {
  return { type: "blockquote", children };
}

/** Places where GFM's literal syntax is not recognised, so need not be escaped (as in the GFM extensions). */
const NOT_IN: ConstructName[] = ["autolink", "destinationLiteral", "destinationRaw", "reference", "titleQuote", "titleApostrophe"];

/**
 * GFM syntax that `mdast-util-to-markdown` does not escape by itself, because it belongs to GFM
 * extensions we do not need as nodes: `~~strikethrough~~` (from mdast-util-gfm-strikethrough)
 * and bare URLs and e-mail addresses that GFM turns into links (from
 * mdast-util-gfm-autolink-literal: `https://`, `www.`, `a@b.c`).
 */
const GFM_LITERALS: Unsafe[] = [
  { character: "~", inConstruct: "phrasing", notInConstruct: NOT_IN },
  { character: "@", before: "[+\\-.\\w]", after: "[\\-.\\w]", inConstruct: "phrasing", notInConstruct: NOT_IN },
  { character: ".", before: "[Ww]", after: "[\\-.\\w]", inConstruct: "phrasing", notInConstruct: NOT_IN },
  { character: ":", before: "[ps]", after: "\\/", inConstruct: "phrasing", notInConstruct: NOT_IN },
  // Not Markdown syntax, but `marked` takes U+FEFF for white space and ends a list at it; as a character reference it stays text.
  { character: "\uFEFF", inConstruct: "phrasing" },
];

/** Our house style: `-` bullets, `**strong**`, `*emphasis*`, ATX headings, tables without padding to align pipes. */
const OPTIONS: Options = {
  bullet: "-",
  strong: "*",
  emphasis: "*",
  rule: "-",
  extensions: [gfmTableToMarkdown({ tablePipeAlign: false }), { unsafe: GFM_LITERALS }],
};

/** The document as GFM Markdown, blocks separated by a blank line, ending with a newline. */
export function writeMarkdown(blocks: BlockContent[]): string {
  const root: Root = { type: "root", children: blocks };
  return toMarkdown(root, OPTIONS);
}
