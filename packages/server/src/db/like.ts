import { sql, type Expression, type SqlBool } from 'kysely';

/** The text taken literally inside a LIKE pattern: its %, _ and \ escaped (with ESCAPE '\'). */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * `column` contains `text`, case-insensitively on both databases (SQLite's LIKE ignores ASCII case,
 * PostgreSQL's does not, so both sides are lower-cased).
 */
export function containsText(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like lower(${`%${escapeLike(text)}%`}) escape '\\'`;
}

/** `column` starts with `prefix`, exactly (an index on the column can serve it). */
export function startsWith(column: string, prefix: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`${escapeLike(prefix)}%`} escape '\\'`;
}
