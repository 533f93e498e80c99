import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-2 (issue 17): an endpoint that sends interactive cards through a chat app's API (a Feishu
// app to a group chat, a WeCom app to the people who must act) keeps the app's ids beside its
// URL and secret: Feishu's app_id and chat_id, WeCom's corp id and agent id (JSON; null for the
// robots and the generic format).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').addColumn('app_settings', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').dropColumn('app_settings').execute();
}
