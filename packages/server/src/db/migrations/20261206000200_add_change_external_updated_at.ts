import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
// IN-2: the external system's own time of the state a change holds (its update time, or the
// signed send time of the feed's delivery), so an older state arriving later is refused.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('changes').addColumn('external_updated_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('changes').dropColumn('external_updated_at').execute();
}
