import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database';
import type { Database } from './schema';

/**
 * Serialises a piece of work across server processes until the calling transaction ends. On
 * PostgreSQL several nodes share the database: a transaction-scoped advisory lock, one per `name`
 * and schema, makes "read, then write what is missing" atomic across them. SQLite transactions
 * begin IMMEDIATE, which already serialises writers (and only one process serves a SQLite file).
 */
export async function lockAcrossNodes(q: Kysely<Database>, dialect: Dialect, name: string): Promise<void> {
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext(${`releasegate.${name}.`} || current_schema()))`.execute(
      q,
    );
}
