/**
 * Isolating user text from the text around it, where markup cannot do it. On a page, user and
 * author text beside other text goes in `<bdi>` (or an element with `dir="auto"`), so a
 * right-to-left name, or one ending in a direction control stored before single-line fields
 * refused them, cannot reorder its neighbours. Plain text has no elements: a `<select>`'s
 * options, audit log details stored as one string, the debrief's headings. There the text is
 * wrapped in Unicode's own isolates (UAX #9): U+2068 FIRST STRONG ISOLATE … U+2069 POP
 * DIRECTIONAL ISOLATE, the plain-text `<bdi>`.
 */

const FIRST_STRONG_ISOLATE = "\u2068";
const POP_DIRECTIONAL_ISOLATE = "\u2069";
const ISOLATE_INITIATORS = new Set(["\u2066", "\u2067", "\u2068"]);

/**
 * `text` between FSI and PDI, balanced first so the wrapper holds: a PDI in `text` that closes
 * nothing opened in it is dropped (it would close our FSI early), and an isolate `text` opens
 * but never closes is closed (our PDI would close it instead of ours). Embeddings and overrides
 * (U+202A–U+202E) need nothing: the closing PDI ends every one opened inside. The result looks
 * like `text`: the isolates are invisible.
 */
export function isolate(text: string): string {
  let open = 0;
  let balanced = "";
  for (const character of text) {
    if (ISOLATE_INITIATORS.has(character)) open += 1;
    else if (character === POP_DIRECTIONAL_ISOLATE) {
      if (open === 0) continue;
      open -= 1;
    }
    balanced += character;
  }
  return `${FIRST_STRONG_ISOLATE}${balanced}${POP_DIRECTIONAL_ISOLATE.repeat(open)}${POP_DIRECTIONAL_ISOLATE}`;
}
