import { sql, type Expression, type SqlBool } from "kysely";

/**
 * Case-insensitive "contains" that means the text literally: LIKE wildcards in the search are
 * escaped. `lower(…) LIKE … ESCAPE` reads the same on SQLite and PostgreSQL.
 */
export function containsText(column: Expression<string>, text: string): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
}
