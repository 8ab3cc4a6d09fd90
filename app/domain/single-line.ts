/**
 * Single-line text fields (names, titles, a case's options and questions) hold one line of
 * printable text. A line break in one breaks every place it is shown on one line (a heading, a
 * table cell, a CSV cell, a log line), and other control characters are invisible in a browser
 * but not in a download. Every form and the case file validator use these, so the rule is the
 * same everywhere.
 */
import { z } from "zod";

/**
 * Control characters: C0 (U+0000–U+001F, which holds tab, line feed and carriage return), DEL,
 * C1 (U+0080–U+009F, which holds NEL), and the Unicode line and paragraph separators
 * (U+2028, U+2029): Unicode's general categories Cc, Zl and Zp.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const LINE_BREAKS = new Set(["\n", "\r", "\u0085", "\u2028", "\u2029", "\u000B", "\u000C"]);

/**
 * The first control character in `value`, described for a person, with its 1-based position
 * (in UTF-16 code units, as the browser counts a field's length): e.g. "a line break at
 * character 12", "a tab at character 3", "the control character U+0007 at character 1".
 * `null` when there is none.
 */
export function findControlCharacter(value: string): string | null {
  const match = CONTROL_CHARACTER.exec(value);
  if (!match) return null;
  const character = match[0];
  const what = LINE_BREAKS.has(character)
    ? "a line break"
    : character === "\t"
      ? "a tab"
      : `the control character U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  return `${what} at character ${match.index + 1}`;
}

/**
 * Adds the single-line rule to a string schema (after its own trimming and length checks).
 * `message` turns the finding ("a line break at character 12") into the field's error, e.g.
 * `(found) => \`Keep the title on one line (it has ${found}).\``.
 */
export function singleLine<T extends z.ZodTypeAny>(schema: T, message: (found: string) => string) {
  return schema.superRefine((value: unknown, ctx) => {
    if (typeof value !== "string") return;
    const found = findControlCharacter(value);
    if (found) ctx.addIssue({ code: z.ZodIssueCode.custom, message: message(found) });
  });
}

/** The form fields' wording: "Keep the workshop title on one line (it has a line break at character 12)." */
export function oneLineMessage(what: string): (found: string) => string {
  return (found) => `Keep ${what} on one line, without tabs or control characters (it has ${found}).`;
}
