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
