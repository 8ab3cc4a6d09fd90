import { sql, type Expression, type Kysely, type SqlBool } from "kysely";
import { dialectOf } from "./dialect";

/** The SQLite function registered on every connection (db/client.ts): JavaScript's full Unicode lower case. */
export const SQLITE_CASEFOLD_FUNCTION = "casefold";

/**
 * The text as searches compare it: lower case for every script (JavaScript's toLowerCase), with
 * the Greek final sigma "ς" as "σ", since lower-casing "Σ" gives either by its place in the word
 * and a search's end is not the name's. "ΟΔΟΣ" then finds "Οδοστρωμα".
 */
export function foldCase(text: string): string {
  return text.toLowerCase().replace(/ς/g, "σ");
}

/** The SQLite function SQLITE_CASEFOLD_FUNCTION: foldCase for text, anything else unchanged. */
export function sqliteCasefold(value: unknown): unknown {
  return typeof value === "string" ? foldCase(value) : value;
}

/**
 * Case-insensitive "contains" that means the text literally: LIKE wildcards in the search are
 * escaped. Both sides are folded as foldCase does, for every script, not only ASCII: on
 * PostgreSQL by `lower()` (which folds only ASCII in a database whose LC_CTYPE is C) and the
 * final sigma replaced; on SQLite by the connection's SQLITE_CASEFOLD_FUNCTION.
 */
export function containsText(db: Kysely<any>, column: Expression<string>, text: string): Expression<SqlBool> {
  const pattern = `%${foldCase(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const lowered = dialectOf(db) === "postgres" ? sql`replace(lower(${column}), 'ς', 'σ')` : sql`${sql.raw(SQLITE_CASEFOLD_FUNCTION)}(${column})`;
  return sql<SqlBool>`${lowered} like ${pattern} escape '\\'`;
}
