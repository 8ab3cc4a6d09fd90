/** Timestamps are stored as ISO-8601 UTC strings (see DESIGN.md conventions). */
export function nowIso(): string {
  return new Date().toISOString();
}
