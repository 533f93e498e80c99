import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// TY-4: the review of an emergency release after the fact — whether the emergency path was
// justified, and what was found — recorded once, by someone who approved none of its plans.
// Closing an emergency release needs it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('release_reviews')
    .addColumn('release_id', 'text', (c) => c.primaryKey().references('releases.id'))
    .addColumn('justified', 'integer', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('reviewer_name', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('release_reviews').execute();
}
