/** Where to send someone after signing in (or any redirect to a target the request supplied). Pure. */

// Any origin that cannot be a real site will do: only the parsed target's origin is compared with it.
const HOME = "http://casebook.invalid";

// C0 controls, DEL and C1 controls. Browsers drop tabs and newlines inside URLs (so "/\t/evil.example"
// becomes "//evil.example"), and a newline in a Location header is an invalid header (a 500 from Node).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * The path (with query and fragment) on this site that `target` names, or `fallback` when it
 * names anything else. Accepts only a string that starts with "/", holds no control character,
 * and parses as a URL (WHATWG, as browsers do: `new URL(target, origin)`) on this origin; the
 * answer is the normalized path, query and fragment, and that too must not start with "//" or
 * "/\" (dot segments can turn "/.//evil.example" into "//evil.example"), so what the browser
 * follows is exactly what was checked. Refused: other origins however spelled ("//", "/\",
 * "\\", encoded or with "@"), schemes (javascript:, data:), empty or non-string values.
 * Source of the rule: OWASP Unvalidated Redirects and Forwards Cheat Sheet (allow-list of local paths).
 */
export function safeRedirectTarget(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || !target.startsWith("/") || CONTROL_CHARACTER.test(target)) return fallback;
  let url: URL;
  try {
    url = new URL(target, HOME);
  } catch {
    return fallback;
  }
  if (url.origin !== HOME) return fallback;
  const local = url.pathname + url.search + url.hash;
  if (local.startsWith("//") || local.startsWith("/\\")) return fallback;
  return local;
}
