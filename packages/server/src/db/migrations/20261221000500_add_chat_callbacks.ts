import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-2 (issue 17): the card callbacks a chat app (Feishu, WeCom, DingTalk) has sent, one row per
// callback id, so a callback replayed within its freshness window is known and refused.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_callbacks')
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('callback_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_callbacks_pk', ['vendor', 'callback_id'])
    .execute();
  await db.schema
    .createIndex('chat_callbacks_received_at')
    .on('chat_callbacks')
    .column('received_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chat_callbacks').execute();
}
