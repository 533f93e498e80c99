import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('ci_types')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cis')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type_key', 'text', (c) => c.notNull().references('ci_types.key'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('critical', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema
    .createIndex('cis_natural_key')
    .on('cis')
    .columns(['type_key', 'environment', 'name'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('cis_name_idx').on('cis').columns(['name', 'id']).execute();
  await db.schema.createIndex('cis_type_idx').on('cis').columns(['type_key', 'name', 'id']).execute();
  await db.schema.createIndex('cis_owner_idx').on('cis').columns(['owner']).execute();

  await db.schema
    .createTable('ci_relations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('cis.id'))
    .addColumn('target_id', 'text', (c) => c.notNull().references('cis.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('ci_relations_unique', ['source_id', 'target_id', 'type'])
    .execute();
  await db.schema.createIndex('ci_relations_target_idx').on('ci_relations').columns(['target_id']).execute();

  await db.schema
    .createTable('ci_history')
    // A database-assigned sequence orders entries written in the same millisecond.
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('reason_kind', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .execute();
  await db.schema.createIndex('ci_history_ci_idx').on('ci_history').columns(['ci_id', 'seq']).execute();

  // One row: bumped whenever relations change, so every server node knows when its in-memory
  // impact graph is stale.
  await db.schema
    .createTable('cmdb_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('graph_version', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('cmdb_state').values({ id: 1, graph_version: 0 }).execute();

  await db.schema
    .createTable('baselines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addColumn('taken_by', 'text')
    .addColumn('ci_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('baseline_items')
    .addColumn('baseline_id', 'text', (c) => c.notNull().references('baselines.id'))
    .addColumn('ci_id', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('baseline_items_pk', ['baseline_id', 'ci_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'baseline_items',
    'baselines',
    'cmdb_state',
    'ci_history',
    'ci_relations',
    'cis',
    'ci_types',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
