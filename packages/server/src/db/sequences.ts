import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** The numbers people quote, each counted per year: CHG-, REL-, KB- and PRB-<year>-<n>. */
export const NUMBER_PREFIXES = {
  change: 'CHG',
  release: 'REL',
  knowledge: 'KB',
  problem: 'PRB',
} as const;
export type NumberedThing = keyof typeof NUMBER_PREFIXES;

/**
 * The next number of `thing` for the year, e.g. REL-2026-0042, inside the caller's transaction
 * (docs/decisions/0011). One upsert increments the counter row and returns it, the same statement
 * on both dialects: on PostgreSQL the row stays locked until commit, so a creation on another node
 * waits and takes the next number; on SQLite every write transaction holds the database's write
 * lock anyway. A creation that rolls back gives its number back with it — no gaps, no collisions,
 * and no max(number) + 1 that two nodes compute alike.
 */
export async function nextNumber(q: Kysely<Database>, thing: NumberedThing, year: number): Promise<string> {
  const row = await q
    .insertInto('number_sequences')
    .values({ name: thing, year, last: 1 })
    .onConflict((oc) =>
      oc.columns(['name', 'year']).doUpdateSet((eb) => ({ last: eb('number_sequences.last', '+', 1) })),
    )
    .returning('last')
    .executeTakeFirstOrThrow();
  return `${NUMBER_PREFIXES[thing]}-${year}-${String(row.last).padStart(4, '0')}`;
}
