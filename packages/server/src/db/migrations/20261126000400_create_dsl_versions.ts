import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dsl_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('source', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('external_url', 'text')
    .addColumn('digest', 'text')
    .addColumn('size', 'integer')
    .addColumn('filename', 'text')
    .addColumn('media_type', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_comment', 'text')
    .addColumn('retired_by', 'text')
    .addColumn('retired_at', 'text')
    .addColumn('retire_reason', 'text')
    .addUniqueConstraint('dsl_versions_name_version', ['name', 'version'])
    .execute();
  await db.schema.createIndex('dsl_versions_digest_idx').on('dsl_versions').column('digest').execute();
  await db.schema
    .createIndex('dsl_versions_state_idx')
    .on('dsl_versions')
    .columns(['state', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dsl_versions').execute();
}
