import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// Issue 18: the release list filtered by state and type (closed normal releases, the common view
// after years of use) counted its total by reading every release of the state: 12 ms a page at
// 100,000 releases against 0.6 ms for the page itself (bench/src/lists-bench.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('releases_state_type_idx')
    .on('releases')
    .columns(['state', 'type', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('releases_state_type_idx').execute();
}
