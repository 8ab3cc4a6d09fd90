import { createHash } from "node:crypto";

/**
 * A checksum of a table's rows that two databases compute alike: rows in primary-key order,
 * each value normalised (numbers as numbers, whatever the driver returned), hashed together.
 */
export function normaliseValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  // PostgreSQL's driver returns 64-bit counts as strings; a numeric-looking string stays a string
  // here, because text columns can hold digits too: callers pass numbers for integer columns.
  return String(value);
}

export function tableChecksum(rows: Record<string, unknown>[], columns: string[]): string {
  const hash = createHash("sha256");
  for (const row of rows) hash.update(JSON.stringify(columns.map((c) => normaliseValue(row[c]))) + "\n");
  return hash.digest("hex");
}
