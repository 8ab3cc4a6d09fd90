/**
 * Reads a generated Markdown document back with `marked.lexer` (the parser the app itself uses)
 * for the export tests: its structure without the text, and the text a reader sees.
 */
import type { Token, Tokens } from "marked";

/**
 * The document's structure: every block and inline token but plain text, with a heading's
 * level, a list's kind and items, a table's columns and rows. Text and escapes are left out,
 * since a payload adds escapes where benign text has none.
 */
export type Shape = string | [string, Shape[]];
export function shape(tokens: Token[]): Shape[] {
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
export function plainText(tokens: Token[]): string {
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
  return value.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)));
}

/**
 * Markdown does not keep white space (line breaks in a paragraph, runs of spaces); the parser
 * turns NUL into U+FFFD, and so does the debrief with control characters in one-line places.
 */
export function words(value: string): string {
  return value
    .replace(/\s+/g, " ")
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, "\uFFFD")
    .trim();
}
