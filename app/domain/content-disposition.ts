/**
 * `Content-Disposition` header values for downloads (RFC 6266). The file name goes in twice: as
 * UTF-8 in `filename*` (RFC 8187), which every current browser uses, so "Émoji CSV" is saved as
 * `émoji-csv-….csv` rather than losing its letters; and as plain ASCII in `filename`, first, for
 * clients that do not know `filename*` (RFC 6266 section 4.3 recommends this order).
 */

/** Anything but letters, combining marks and digits of any script, ".", "_" and "-". */
const UNSAFE = /[^\p{L}\p{M}\p{N}._-]+/gu;

/**
 * `name` reduced to what is safe in a file name on every system: letters, marks and digits of
 * any script, ".", "_" and "-", each run of anything else (quotes, semicolons, slashes, spaces,
 * control and direction characters) becoming one "-". NFC, so "é" is one character.
 */
export function safeFileName(name: string): string {
  return name.normalize("NFC").replace(UNSAFE, "-");
}

/**
 * The ASCII twin of a safe name: accents dropped ("é" → "e"), other letters dropped, dashes
 * tidied; "download" when nothing of its stem is left ("مرحبا.md" → "download.md").
 */
function asciiFileName(safe: string): string {
  const folded = safe
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-");
  const dot = folded.lastIndexOf(".");
  const extension = dot > 0 && /^\.[A-Za-z0-9]{1,10}$/.test(folded.slice(dot)) ? folded.slice(dot) : "";
  const stem = (extension ? folded.slice(0, dot) : folded).replace(/-{2,}/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return `${/[A-Za-z0-9]/.test(stem) ? stem : "download"}${extension}`;
}

/** RFC 8187 `value-chars`: UTF-8, with every byte outside `attr-char` percent-encoded. */
function extendedValue(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The header value that saves or shows a download under `fileName`, e.g.
 * `attachment; filename="emoji-csv-K7M2QP.csv"; filename*=UTF-8''%C3%A9moji-csv-K7M2QP.csv`.
 * Only printable ASCII reaches the header, and nothing in the name can end its parameter.
 */
export function contentDisposition(type: "attachment" | "inline", fileName: string): string {
  const safe = safeFileName(fileName) || "download";
  return `${type}; filename="${asciiFileName(safe)}"; filename*=UTF-8''${extendedValue(safe)}`;
}
