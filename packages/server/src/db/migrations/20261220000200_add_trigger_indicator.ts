import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// RB-2, IM-4: the plan indicator whose reading raised a rollback trigger, so that readers (the
// decision card on a phone) show that indicator's curve beside the countdown. Triggers a reading
// raised before are backfilled from the "[key] name = value …" summary the server wrote for them.
const METRIC_SUMMARY = /^\[([^\]\s]+)\] /;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollback_triggers').addColumn('indicator_key', 'text').execute();
  const metric = (await db
    .selectFrom('rollback_triggers')
    .select(['id', 'summary'])
    .where('source', '=', 'metric')
    .execute()) as { id: string; summary: string }[];
  for (const { id, summary } of metric) {
    const key = METRIC_SUMMARY.exec(summary)?.[1];
    if (key)
      await db.updateTable('rollback_triggers').set({ indicator_key: key }).where('id', '=', id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollback_triggers').dropColumn('indicator_key').execute();
}
