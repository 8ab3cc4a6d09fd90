/**
 * Single-line text fields (names, titles, a case's options and questions) hold one line of
 * printable text. A line break in one breaks every place it is shown on one line (a heading, a
 * table cell, a CSV cell, a log line), and other control characters are invisible in a browser
 * but not in a download. Invisible formatting characters are refused too: a direction control
 * (a display name ending in U+202E) reverses the text shown after it, and zero-width characters
 * make two different texts look the same. Every form and the case file validator use these, so
 * the rule is the same everywhere.
 *
 * Positions are counted in the characters people see (visible-length.ts).
 */
import { z } from "zod";
import { graphemes } from "./visible-length";

/**
 * Control characters: C0 (U+0000–U+001F, which holds tab, line feed and carriage return), DEL,
 * C1 (U+0080–U+009F, which holds NEL), and the Unicode line and paragraph separators
 * (U+2028, U+2029): Unicode's general categories Cc, Zl and Zp.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const LINE_BREAKS = new Set(["\n", "\r", "\u0085", "\u2028", "\u2029", "\u000B", "\u000C"]);

/** What is wrong with a single-line value: a control character, or an invisible formatting character. */
export interface SingleLineFinding {
  kind: "control" | "invisible";
  /** For a person, with where it is: "a line break at character 12", "the right-to-left override (U+202E) at character 4". */
  found: string;
}

/** A code point of a value, in the character people see that holds it. */
interface Place {
  codePoint: string;
  /** For a person: "at character 4" when it is (or starts) the fourth character people see, "after character 4" when it is an invisible part of it. */
  where: string;
  /** The code points of its character. */
  cluster: string[];
  indexInCluster: number;
  /** The code point after it, in its character or the next one. */
  next: string | undefined;
}

/** Every code point of `value` in order, lazily, so a search stops at the first it looks for. */
function* places(value: string): Generator<Place> {
  const characters = graphemes(value);
  let current = characters.next();
  for (let n = 1; !current.done; n += 1) {
    const following = characters.next();
    const cluster = Array.from(current.value);
    const nextCharacter = following.done ? undefined : String.fromCodePoint(following.value.codePointAt(0)!);
    for (let i = 0; i < cluster.length; i += 1) {
      yield { codePoint: cluster[i]!, where: `${i === 0 ? "at" : "after"} character ${n}`, cluster, indexInCluster: i, next: cluster[i + 1] ?? nextCharacter };
    }
    current = following;
  }
}

function first(value: string, wanted: (place: Place) => boolean): Place | null {
  for (const place of places(value)) if (wanted(place)) return place;
  return null;
}

/**
 * The first control character in `value`, described for a person, with its 1-based position in
 * the characters people see: e.g. "a line break at character 12", "a tab at character 3",
 * "the control character U+0007 at character 1". `null` when there is none.
 */
export function findControlCharacter(value: string): string | null {
  if (!CONTROL_CHARACTER.test(value)) return null;
  const at = first(value, (p) => CONTROL_CHARACTER.test(p.codePoint))!;
  const character = at.codePoint;
  const what = LINE_BREAKS.has(character) ? "a line break" : character === "\t" ? "a tab" : `the control character ${codePointName(character)}`;
  return `${what} ${at.where}`;
}

/** Names people may look up; the rest are "the invisible character U+XXXX". */
const INVISIBLE_NAMES: Record<string, string> = {
  "\u061C": "Arabic letter mark",
  "\u200E": "left-to-right mark",
  "\u200F": "right-to-left mark",
  "\u202A": "left-to-right embedding",
  "\u202B": "right-to-left embedding",
  "\u202C": "pop directional formatting",
  "\u202D": "left-to-right override",
  "\u202E": "right-to-left override",
  "\u2066": "left-to-right isolate",
  "\u2067": "right-to-left isolate",
  "\u2068": "first strong isolate",
  "\u2069": "pop directional isolate",
  "\u200B": "zero width space",
  "\u200C": "zero width non-joiner",
  "\u200D": "zero width joiner",
  "\u2060": "word joiner",
  "\uFEFF": "zero width no-break space",
  "\u00AD": "soft hyphen",
};

/** Unicode's Bidi_Control property: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069. */
const DIRECTION_CONTROL = /\p{Bidi_Control}/u;
/** Characters that are invisible unless a program gives them meaning (Unicode's Default_Ignorable_Code_Point). */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const JOINERS = new Set(["\u200C", "\u200D"]);
/** Tag characters: invisible copies of ASCII, which only spell a region inside a flag (🏴 + tags). */
const TAG = /[\u{E0000}-\u{E007F}]/u;
const BLACK_FLAG = "\u{1F3F4}";

/**
 * Whether an invisible code point does visible work where it is, and so may stay:
 * - a zero width joiner or non-joiner between two visible characters (emoji sequences such as
 *   👩‍👩‍👧, and the joining of letters in Persian, Arabic and Indic scripts);
 * - a tag character inside a flag (🏴 with tags: the flags of England, Scotland, Wales);
 * - a variation selector or other extending mark on a character before it (❤️).
 * Everything else invisible is refused: direction controls anywhere, and zero-width spaces,
 * word joiners, byte-order marks, soft hyphens, fillers, or any of these at the start or end.
 * The contexts follow Unicode's UAX #31 (joiners) and UTS #51 (emoji sequences).
 */
function doesVisibleWork(p: Place): boolean {
  if (DIRECTION_CONTROL.test(p.codePoint)) return false;
  if (TAG.test(p.codePoint)) return p.cluster[0] === BLACK_FLAG && p.indexInCluster > 0;
  if (JOINERS.has(p.codePoint)) return p.indexInCluster > 0 && p.next !== undefined && !/\s/u.test(p.next) && !IGNORABLE.test(p.next);
  return p.indexInCluster > 0 && /\p{Grapheme_Extend}/u.test(p.codePoint);
}

/**
 * The first invisible formatting character in `value` that does no visible work, described for a
 * person with where it is: e.g. "the right-to-left override (U+202E) at character 4", "the zero
 * width joiner (U+200D) after character 5", "the invisible character U+3164 at character 1".
 * `null` when there is none.
 */
export function findInvisibleCharacter(value: string): string | null {
  if (!IGNORABLE.test(value)) return null; // Bidi_Control characters are all Default_Ignorable too
  const at = first(value, (p) => IGNORABLE.test(p.codePoint) && !doesVisibleWork(p));
  if (!at) return null;
  const name = INVISIBLE_NAMES[at.codePoint];
  return `${name ? `the ${name} (${codePointName(at.codePoint)})` : `the invisible character ${codePointName(at.codePoint)}`} ${at.where}`;
}

/** The first thing a single-line value may not hold: a control character first, then an invisible one. */
export function findSingleLineProblem(value: string): SingleLineFinding | null {
  const control = findControlCharacter(value);
  if (control) return { kind: "control", found: control };
  const invisible = findInvisibleCharacter(value);
  return invisible ? { kind: "invisible", found: invisible } : null;
}

function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Adds the single-line rule to a string schema (after its own trimming and length checks).
 * `message` turns the finding into the field's error; `oneLineMessage` gives the forms' wording.
 */
export function singleLine<T extends z.ZodTypeAny>(schema: T, message: (finding: SingleLineFinding) => string): z.ZodEffects<T, z.output<T>, z.input<T>> {
  return schema.superRefine((value: unknown, ctx) => {
    if (typeof value !== "string") return;
    const finding = findSingleLineProblem(value);
    if (finding) ctx.addIssue({ code: z.ZodIssueCode.custom, message: message(finding) });
  });
}

/**
 * The form fields' wording, for a field called `what` ("your name"): "Keep your name on one line,
 * without tabs or control characters (it has a line break at character 12)." or "Your name cannot
 * contain invisible formatting characters; remove the right-to-left override (U+202E) at character 4."
 */
export function oneLineMessage(what: string): (finding: SingleLineFinding) => string {
  return ({ kind, found }) =>
    kind === "control"
      ? `Keep ${what} on one line, without tabs or control characters (it has ${found}).`
      : `${what[0]!.toUpperCase()}${what.slice(1)} cannot contain invisible formatting characters; remove ${found}.`;
}
