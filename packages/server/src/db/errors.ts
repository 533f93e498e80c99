/**
 * Whether a database error is a unique-constraint violation, on either dialect: another writer
 * inserted the same key first (PostgreSQL 23505; better-sqlite3's SQLITE_CONSTRAINT_UNIQUE or
 * _PRIMARYKEY). Services check before they insert; under a race on two nodes the constraint is
 * what decides, and the loser is told so with 409 instead of a 500.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
