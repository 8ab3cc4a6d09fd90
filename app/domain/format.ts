/** Number formats shared by pages, charts and exports, so they always read alike. */

/** One decimal with its sign: "+1.3", "-0.7", "0". */
export function formatSigned(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

/** A whole-number share: "67%"; "0%" when there is nothing to share. */
export function formatPercent(count: number, total: number): string {
  return total === 0 ? "0%" : `${Math.round((count / total) * 100)}%`;
}

/** The word for `count` things: `one` for exactly 1 (or -1), else `many` ("1 upvote", "0 upvotes", "1.5 points"). */
export function plural(count: number, one: string, many: string): string {
  return Math.abs(count) === 1 ? one : many;
}

/** The count and its word: "1 upvote", "3 upvotes". */
export function countOf(count: number, one: string, many: string): string {
  return `${count} ${plural(count, one, many)}`;
}

/** A signed score in points as formatSigned rounds it: "+1 point", "-0.7 points", "0 points". */
export function formatSignedPoints(value: number): string {
  const shown = formatSigned(value);
  return `${shown} ${plural(Number(shown), "point", "points")}`;
}

/** A stored ISO time as pages show it, in UTC: "2026-03-01 14:05", or with `seconds` "2026-03-01 14:05:09". */
export function formatUtc(iso: string, precision: "minute" | "second" = "minute"): string {
  return iso.replace("T", " ").slice(0, precision === "minute" ? 16 : 19);
}
