import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-2 (issue 17): a DingTalk or Feishu robot whose security setting is "custom keywords" takes
// only messages that contain one of them: the endpoint keeps the keyword its messages carry.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').addColumn('keyword', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').dropColumn('keyword').execute();
}
