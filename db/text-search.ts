import { sql, type Expression, type Kysely, type SqlBool } from "kysely";
import { dialectOf } from "./dialect";

/** The SQLite function registered on every connection (db/client.ts): JavaScript's full Unicode lower case. */
export const SQLITE_CASEFOLD_FUNCTION = "casefold";

/**
 * Lower case for the SQLite function SQLITE_CASEFOLD_FUNCTION: SQLite's own `lower()` and `LIKE`
 * fold ASCII only, so "élise" would not find "Élise". Non-text values pass through unchanged.
 */
export function sqliteCasefold(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

/**
 * Case-insensitive "contains" that means the text literally: LIKE wildcards in the search are
 * escaped. Both sides are lower-cased for every script, not only ASCII: PostgreSQL's `lower()`
 * does so; on SQLite the connection's SQLITE_CASEFOLD_FUNCTION does (JavaScript's toLowerCase,
 * as the search text is lowered here).
 */
export function containsText(db: Kysely<any>, column: Expression<string>, text: string): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const lowered = dialectOf(db) === "postgres" ? sql`lower(${column})` : sql`${sql.raw(SQLITE_CASEFOLD_FUNCTION)}(${column})`;
  return sql<SqlBool>`${lowered} like ${pattern} escape '\\'`;
}
