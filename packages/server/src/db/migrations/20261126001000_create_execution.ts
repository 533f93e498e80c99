import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const serial = postgres ? 'bigserial' : 'integer';

  // IM-2, RB-3: one row per step of a phase; a failed step started again counts an attempt.
  await db.schema
    .createTable('step_runs')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('plan_version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('executor', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('result', 'text')
    .addColumn('output', 'text')
    .addPrimaryKeyConstraint('step_runs_pk', ['release_id', 'phase', 'step_index'])
    .execute();

  // IM-7: pipeline reports are idempotent: a report id delivered twice counts once.
  await db.schema
    .createTable('execution_reports')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('execution_reports_pk', ['release_id', 'report_id'])
    .execute();

  // IM-5: logs pushed by tooling or attached by people; lines matching the plan's patterns flagged.
  await db.schema
    .createTable('release_logs')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer')
    .addColumn('flagged_pattern', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('release_logs_release_idx')
    .on('release_logs')
    .columns(['release_id', 'seq'])
    .execute();

  // IM-4: indicator readings, by hand or from Prometheus.
  await db.schema
    .createTable('indicator_readings')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('indicator_key', 'text', (c) => c.notNull())
    .addColumn('value', 'real', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('breached', 'integer', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('indicator_readings_release_idx')
    .on('indicator_readings')
    .columns(['release_id', 'indicator_key', 'seq'])
    .execute();

  // IM-6: user feedback during and after the release.
  await db.schema
    .createTable('feedback_items')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('reporter', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('complaint', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_items_release_idx')
    .on('feedback_items')
    .columns(['release_id', 'at'])
    .execute();

  // RB-1, RB-2: triggers, each with its one decision due 30 minutes (policy) after discovery.
  await db.schema
    .createTable('rollback_triggers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text')
    .addColumn('discovered_at', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('decision_due_at', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_minutes', 'real')
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalations', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('rollback_triggers_release_idx')
    .on('rollback_triggers')
    .columns(['release_id', 'discovered_at'])
    .execute();

  // RB-4: each restoration check with what it compared.
  await db.schema
    .createTable('restoration_checks')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  // RB-5: the reason and the course of a rollback, in detail.
  await db.schema
    .createTable('problem_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('course', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'problem_records',
    'restoration_checks',
    'rollback_triggers',
    'feedback_items',
    'indicator_readings',
    'release_logs',
    'execution_reports',
    'step_runs',
  ])
    await db.schema.dropTable(table).execute();
}
