import { PostgresAdapter, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.
// CM-2 at scale: every change to the CMDB's graph or to the fields an impact answer shows is one
// numbered entry, so a server holding the graph in memory applies the entries since its copy
// instead of reloading a million relations. change_seq numbers them: the single-row update
// serialises writers, so the numbers follow the commit order.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .alterTable('cmdb_state')
    .addColumn('change_seq', postgres ? 'bigint' : 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('cmdb_change_log')
    .addColumn('seq', postgres ? 'bigint' : 'integer', (c) => c.primaryKey())
    // 'ci' (created, updated or retired: read the CI), 'relation_added', 'relation_removed'.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ci_id', 'text')
    .addColumn('source_id', 'text')
    .addColumn('target_id', 'text')
    .addColumn('relation_type', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cmdb_change_log').execute();
  await db.schema.alterTable('cmdb_state').dropColumn('change_seq').execute();
}
