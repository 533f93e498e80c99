import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('release_checks')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('plan_version', 'integer', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('link', 'text')
    .addColumn('evidence_digest', 'text')
    .addColumn('evidence_filename', 'text')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('release_checks_release_idx')
    .on('release_checks')
    .columns(['release_id', 'item_key', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('release_checks').execute();
}
