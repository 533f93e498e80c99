import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
// X-4 (issue #13): the first answer to each Idempotency-Key, per caller, so that a request sent
// twice (a double click, a retried pipeline call) creates one record and gets the same answer.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    // null while the first request runs; then its status and body.
    .addColumn('status', 'integer')
    .addColumn('response', 'text')
    .addColumn('content_type', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['principal', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_created_at')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
