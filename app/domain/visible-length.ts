/**
 * Lengths of user and author text as people see them. A limit of "120 characters" means 120
 * user-perceived characters: extended grapheme clusters (Unicode UAX #29), counted with
 * `Intl.Segmenter`. JavaScript's `.length` counts UTF-16 code units instead, so "é" written as
 * e + combining accent is 2, "🇫🇷" is 4 and a family emoji is 11; a limit in code units refuses
 * short text in some scripts and with emoji.
 *
 * Counting clusters alone would let one "character" be any size (a letter with thousands of
 * combining marks, or emoji chained by zero-width joiners are one cluster each), so every limit
 * also caps the text's code units at `CODE_UNITS_PER_CHARACTER` times the limit, far above any
 * real text and low enough that no field can be used to store a megabyte.
 */
import { z } from "zod";

/**
 * Code units allowed per character of a limit, on average. The longest emoji sequences people
 * use are 14 or 15 code units (a flag of a country's region, a couple with two skin tones).
 */
export const CODE_UNITS_PER_CHARACTER = 16;

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** Code units segmented at a time (see `graphemes`). */
const WINDOW = 256;

/**
 * The text's user-perceived characters, in order, lazily (code points where `Intl.Segmenter` is
 * missing). V8's segmenter takes time in proportion to the whole string for every step (Node 20:
 * 0.4 s for 40,000 letters, minutes for a megabyte), so the text is segmented a window at a time.
 * Every boundary inside a window is a boundary of the whole text (a boundary depends only on what
 * comes before it and the character after it), except the window's end, so the last character
 * of each window is left for the next one, which starts at a true boundary. A character longer
 * than the window (a letter with hundreds of combining marks) widens the window until it fits.
 */
export function* graphemes(text: string): Generator<string> {
  if (!segmenter) {
    yield* Array.from(text);
    return;
  }
  let start = 0;
  let size = WINDOW;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    // Never between the halves of a surrogate pair: the character after the last boundary must be whole.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
    const pieces = Array.from(segmenter.segment(text.slice(start, end)), (s) => s.segment);
    if (end === text.length) {
      yield* pieces;
      return;
    }
    if (pieces.length < 2) {
      size *= 2;
      continue;
    }
    pieces.pop(); // may be cut short by the window's end
    for (const piece of pieces) {
      yield piece;
      start += piece.length;
    }
    size = WINDOW;
  }
}

/** The text's user-perceived characters, in order. */
export function visibleCharacters(text: string): string[] {
  return Array.from(graphemes(text));
}

/**
 * How many characters people see in `text` (extended grapheme clusters), e.g. 1 for "👩‍👩‍👧",
 * 1 for "é" however it is encoded, 2 for "\r\n!" (CR LF is one). Stops counting past `upTo`
 * when it is given, so checking a limit never walks a huge text.
 */
export function visibleLength(text: string, upTo = Number.POSITIVE_INFINITY): number {
  let count = 0;
  for (const _ of graphemes(text)) {
    count += 1;
    if (count > upTo) break;
  }
  return count;
}

/**
 * `text` cut to at most `max` visible characters, ending with "…" when it was cut (the ellipsis
 * counts as one of them). Never splits a character: an emoji or an accented letter stays whole.
 */
export function truncateVisible(text: string, max: number): string {
  const kept: string[] = [];
  for (const character of graphemes(text)) {
    if (kept.length === max) return `${kept.slice(0, Math.max(0, max - 1)).join("")}…`;
    kept.push(character);
  }
  return text;
}

/** The most UTF-16 code units a field limited to `maxCharacters` visible characters may hold; also its HTML `maxlength`. */
export function codeUnitCap(maxCharacters: number): number {
  return maxCharacters * CODE_UNITS_PER_CHARACTER;
}

/**
 * What is wrong with a text's length against a limit of `max` visible characters, or null when
 * it fits. `length` is null for a text too long to be worth counting (past `codeUnitCap(max)`).
 */
export type VisibleLengthProblem = { kind: "too long"; length: number | null } | { kind: "too large"; codeUnits: number };

/**
 * Checks `text` against a limit of `max` visible characters: `too long` when it has more (with
 * its visible length, counted only up to `codeUnitCap(max)` code units), `too large` when it has
 * at most `max` but more code units than `codeUnitCap(max)`. Reads at most `max + 1` characters
 * of a longer text, so a huge text costs little.
 */
export function visibleLengthProblem(text: string, max: number): VisibleLengthProblem | null {
  // A text of at most `max` code units has at most `max` characters: no need to count.
  if (text.length <= max) return null;
  if (visibleLength(text, max) > max) return { kind: "too long", length: text.length <= codeUnitCap(max) ? visibleLength(text) : null };
  return text.length > codeUnitCap(max) ? { kind: "too large", codeUnits: text.length } : null;
}

/**
 * Adds a limit of `max` visible characters to a string schema (after its own trimming), e.g.
 * `maxVisible(z.string().trim(), 40, (n) => \`Keep your name to 40 characters or fewer (it has ${n}).\`)`.
 * `tooLong` gets the visible length; a text past the code-unit cap gets `tooLarge` (by default a
 * sentence saying the text is made of unusually many invisible parts).
 */
export function maxVisible<T extends z.ZodTypeAny>(
  schema: T,
  max: number,
  tooLong: (length: number | null) => string,
  tooLarge: (codeUnits: number) => string = tooLargeMessage(max),
): z.ZodEffects<T, z.output<T>, z.input<T>> {
  return schema.superRefine((value: unknown, ctx) => {
    if (typeof value !== "string") return;
    const problem = visibleLengthProblem(value, max);
    // Fatal: checks after this one (single-line, Markdown) are not run on a text already refused.
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem.kind === "too long" ? tooLong(problem.length) : tooLarge(problem.codeUnits), fatal: true });
  });
}

/** Adds a minimum of `min` visible characters to a string schema (after its own trimming). */
export function minVisible<T extends z.ZodTypeAny>(schema: T, min: number, message: string): z.ZodEffects<T, z.output<T>, z.input<T>> {
  return schema.superRefine((value: unknown, ctx) => {
    if (typeof value === "string" && visibleLength(value, min) < min) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });
}

/**
 * Whether `text` shows anything at all: a character other than white space, a control character
 * or an invisible one (Unicode's Default_Ignorable_Code_Point: zero-width spaces, direction
 * controls, joiners alone). "\u0007\u0000" or a lone zero-width space trims to a non-empty
 * string and would be stored, then shown as a blank card.
 */
export function hasVisibleText(text: string): boolean {
  return /[^\s\p{Cc}\p{Default_Ignorable_Code_Point}]/u.test(text);
}

/**
 * A required text field: present, not empty once trimmed, and with at least one visible character
 * (`hasVisibleText`); `missing` is the message for an absent field, `empty` (by default the same)
 * for an empty or blank one ("Write something first."). Every field a
 * person must fill with words uses it, so no form stores a blank title, name or post.
 *
 * @returns a zod schema of the trimmed string, to wrap in `maxVisible` and the like
 */
export function requiredText(missing: string, empty: string = missing) {
  return z
    .string({ required_error: missing })
    .trim()
    .min(1, empty)
    .refine(hasVisibleText, `${empty.replace(/\.$/, "")}: this has no visible characters.`);
}

/** The form fields' wording of the cap on code units, for a limit of `max` characters. */
export function tooLargeMessage(max: number): (codeUnits: number) => string {
  return () => `This text is built from too many invisible parts (combining marks or joined symbols) to store; it may hold up to ${max} characters of ordinary text.`;
}

/** The form fields' wording of a limit: "Keep the title to 120 characters or fewer (it has 131)." */
export function keepToMessage(what: string, max: number): (length: number | null) => string {
  return (length) => `Keep ${what} to ${max.toLocaleString("en")} characters or fewer${length === null ? "" : ` (it has ${length.toLocaleString("en")})`}.`;
}
