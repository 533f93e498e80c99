import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('type', 'text')
    .addColumn('proposed_type', 'text', (c) => c.notNull())
    .addColumn('proposal', 'text', (c) => c.notNull())
    .addColumn('type_reason', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('rollback_difficulty', 'text', (c) => c.notNull())
    .addColumn('new_technology', 'integer', (c) => c.notNull())
    .addColumn('target_ci_ids', 'text', (c) => c.notNull())
    .addColumn('policy_version_id', 'text', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('releases_state_idx').on('releases').columns(['state', 'created_at']).execute();

  await db.schema
    .createTable('release_changes')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('change_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('release_changes_pk', ['release_id', 'change_id'])
    .execute();
  await db.schema
    .createIndex('release_changes_change_idx')
    .on('release_changes')
    .column('change_id')
    .execute();

  await db.schema
    .createTable('release_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('dsl_version_id', 'text')
    .addColumn('description', 'text')
    .addColumn('ci_ids', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('release_items_release_idx')
    .on('release_items')
    .columns(['release_id', 'position'])
    .execute();

  await db.schema
    .createTable('release_assessments')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('release_assessments_idx')
    .on('release_assessments')
    .columns(['release_id', 'kind', 'seq'])
    .execute();

  await db.schema
    .createTable('plan_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('drafter_id', 'text', (c) => c.notNull())
    .addColumn('drafter_name', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text')
    .addColumn('window_end', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_comment', 'text')
    .addUniqueConstraint('plan_versions_release_version', ['release_id', 'version'])
    .execute();
  await db.schema
    .createIndex('plan_versions_window_idx')
    .on('plan_versions')
    .columns(['window_start', 'window_end'])
    .execute();

  await db.schema
    .createTable('plan_comments')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plan_versions.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plan_conflict_overrides')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plan_versions.id'))
    .addColumn('conflict_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_conflict_overrides_pk', ['plan_id', 'conflict_key'])
    .execute();

  await db.schema
    .createTable('freeze_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'freeze_windows',
    'plan_conflict_overrides',
    'plan_comments',
    'plan_versions',
    'release_assessments',
    'release_items',
    'release_changes',
    'releases',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
