import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-2 (issue 17): who confirmed a user's chat identities, and when. A card pressed in a chat app
// acts as the account bound to its sender only when the security administrator set or imported
// that binding; a user's own change of a chat id clears the confirmation.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('chat_ids_confirmed_by', 'text').execute();
  await db.schema.alterTable('users').addColumn('chat_ids_confirmed_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('chat_ids_confirmed_at').execute();
  await db.schema.alterTable('users').dropColumn('chat_ids_confirmed_by').execute();
}
