import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const serial = postgres ? 'bigserial' : 'integer';

  // PO-1: functional, performance and business verification, and the user acceptance sign-off.
  await db.schema
    .createTable('release_verifications')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('link', 'text')
    .addColumn('evidence_digest', 'text')
    .addColumn('evidence_filename', 'text')
    .addColumn('department', 'text')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('release_verifications_release_idx')
    .on('release_verifications')
    .columns(['release_id', 'item_key', 'seq'])
    .execute();

  // PO-2: the CMDB update task, due 24 hours (policy) after implementation ended.
  await db.schema
    .createTable('cmdb_update_tasks')
    .addColumn('release_id', 'text', (c) => c.primaryKey().references('releases.id'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('done_by', 'text')
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('applied', 'text')
    .execute();

  // PO-3: what is archived with a release: each file in the blob store by its digest.
  await db.schema
    .createTable('archive_items')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('archive_items_release_idx')
    .on('archive_items')
    .columns(['release_id', 'seq'])
    .execute();
  await db.schema
    .createTable('release_archives')
    .addColumn('release_id', 'text', (c) => c.primaryKey().references('releases.id'))
    .addColumn('archived_at', 'text', (c) => c.notNull())
    .addColumn('archived_by', 'text', (c) => c.notNull())
    .addColumn('sealed_at', 'text')
    .execute();

  // CL-1, CL-2: what the manager wrote at close.
  await db.schema
    .createTable('release_closures')
    .addColumn('release_id', 'text', (c) => c.primaryKey().references('releases.id'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('analysis', 'text')
    .addColumn('lessons', 'text')
    .addColumn('closed_by', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'release_closures',
    'release_archives',
    'archive_items',
    'cmdb_update_tasks',
    'release_verifications',
  ])
    await db.schema.dropTable(table).execute();
}
