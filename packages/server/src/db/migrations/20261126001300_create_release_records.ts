import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.

/**
 * KP-1, KP-2: one row per closed release, written in the close transaction and never changed.
 * The measures aggregate this table alone, so a quarter over 100,000 closed releases reads one
 * narrow table through its quarter index instead of joining the release's history.
 * Times are ISO-8601 UTC text; `quarter` is of closed_at on the Asia/Shanghai calendar. The last
 * four columns are derived from the others when the row is written (the domain's recordFacts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('release_records')
    .addColumn('release_id', 'text', (c) => c.primaryKey().references('releases.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('plan_submitted_at', 'text')
    .addColumn('plan_approved_at', 'text')
    .addColumn('implementation_started_at', 'text')
    .addColumn('implementation_ended_at', 'text')
    .addColumn('restored_at', 'text')
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .addColumn('quarter', 'text', (c) => c.notNull())
    .addColumn('rollback_decisions', 'integer', (c) => c.notNull())
    .addColumn('rollback_decision_minutes_total', 'double precision', (c) => c.notNull())
    .addColumn('late_decisions', 'integer', (c) => c.notNull())
    .addColumn('cmdb_due_at', 'text')
    .addColumn('cmdb_done_at', 'text')
    .addColumn('change_lead_minutes', 'double precision')
    .addColumn('deployed', 'integer', (c) => c.notNull())
    .addColumn('plan_approval_minutes', 'double precision')
    .addColumn('restore_minutes', 'double precision')
    .addColumn('cmdb_on_time', 'integer')
    .execute();
  // The quarter summary reads only this index (it covers the grouping, every summed column and
  // the median columns it counts); each median reads its own (quarter, value) index in order; the
  // drill-down pages a quarter by closing time. Five indexes on a table written once per release.
  await db.schema
    .createIndex('release_records_summary_idx')
    .on('release_records')
    .columns([
      'quarter',
      'outcome',
      'type',
      'deployed',
      'rollback_decisions',
      'rollback_decision_minutes_total',
      'late_decisions',
      'cmdb_on_time',
      'change_lead_minutes',
      'plan_approval_minutes',
      'restore_minutes',
    ])
    .execute();
  for (const column of ['change_lead_minutes', 'plan_approval_minutes', 'restore_minutes'])
    await db.schema
      .createIndex(`release_records_${column}_idx`)
      .on('release_records')
      .columns(['quarter', column])
      .execute();
  await db.schema
    .createIndex('release_records_closed_idx')
    .on('release_records')
    .columns(['quarter', 'closed_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('release_records').execute();
}
