import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// Issue 18: the audit trail filtered by actor matches the actor's id or name (events without a
// signed-in principal — a failed sign-in, a webhook, a job — carry only a name). With an index on
// the id alone, the name half of the filter read the whole trail: 9 ms a page at 200,000 events,
// growing with the trail (bench/src/lists-bench.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('audit_events_actor_name_idx')
    .on('audit_events')
    .columns(['actor_name', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_actor_name_idx').execute();
}
