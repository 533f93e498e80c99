import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-2 (issue 17): a user's mobile phone number and chat identities (DingTalk user id, WeCom user
// id, Feishu open_id or user_id), by which robot messages @-mention them; and the robots' send
// log, one row per message sent to a robot endpoint, by which every server node keeps each
// vendor's rate limit (notification.delivery.ts counts it in the transaction that locks the
// endpoint's row).
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['mobile_phone', 'dingtalk_user_id', 'wecom_user_id', 'feishu_user_id'])
    await db.schema.alterTable('users').addColumn(column, 'text').execute();
  await db.schema
    .createTable('webhook_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text')
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_sends_endpoint_sent_at')
    .on('webhook_sends')
    .columns(['endpoint_id', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_sends').execute();
  for (const column of ['feishu_user_id', 'wecom_user_id', 'dingtalk_user_id', 'mobile_phone'])
    await db.schema.alterTable('users').dropColumn(column).execute();
}
