import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_system', 'text')
    .addColumn('external_key', 'text')
    .addColumn('external_status', 'text')
    .addColumn('external_url', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('requester_id', 'text')
    .addColumn('risk', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('rejected_at', 'text')
    .addColumn('withdrawn_by', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdraw_reason', 'text')
    .addColumn('implemented_at', 'text')
    .addColumn('implemented_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // One change per key of an external system (NULLs, the built-in changes, never collide).
    .addUniqueConstraint('changes_external_key', ['external_system', 'external_key'])
    .execute();
  await db.schema
    .createIndex('changes_created_idx')
    .on('changes')
    .columns(['created_at', 'number'])
    .execute();
  await db.schema.createIndex('changes_state_idx').on('changes').columns(['state', 'created_at']).execute();

  await db.schema
    .createTable('change_cis')
    .addColumn('change_id', 'text', (c) => c.notNull().references('changes.id'))
    .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id'))
    .addPrimaryKeyConstraint('change_cis_pk', ['change_id', 'ci_id'])
    .execute();
  await db.schema.createIndex('change_cis_ci_idx').on('change_cis').column('ci_id').execute();

  await db.schema
    .createTable('change_votes')
    .addColumn('change_id', 'text', (c) => c.notNull().references('changes.id'))
    .addColumn('voter_id', 'text', (c) => c.notNull())
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('voted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('change_votes_pk', ['change_id', 'voter_id'])
    .execute();

  await db.schema
    .createTable('change_number_seq')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('change_webhook_deliveries')
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('change_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('change_webhook_deliveries_pk', ['system', 'delivery_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'change_webhook_deliveries',
    'change_number_seq',
    'change_votes',
    'change_cis',
    'changes',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
