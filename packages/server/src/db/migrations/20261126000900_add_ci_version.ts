import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>
// because it must not depend on the schema types of later versions.
// ci_version moves on every CI create, update and retire, so servers refresh the CI summaries
// they keep beside the impact graph without reloading the relations.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cmdb_state')
    .addColumn('ci_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cmdb_state').dropColumn('ci_version').execute();
}
