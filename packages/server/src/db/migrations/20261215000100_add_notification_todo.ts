import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
// X-2 (decision 0018): a notification is a to-do (something its recipient can do, open until it is
// done by anyone) or information for the digest. `todo_key` names the thing to do
// (`release:<id>:approve_plan`); `done_at`/`done_by` say when it stopped being open and who did it.
// Notifications written before are information: they never counted as to-dos.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('category', 'text', (c) => c.notNull().defaultTo('info'))
    .execute();
  await db.schema.alterTable('notifications').addColumn('todo_key', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('done_at', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('done_by', 'text').execute();
  await db.schema
    .createIndex('notifications_todo_idx')
    .on('notifications')
    .columns(['user_id', 'category', 'done_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_todo_idx').execute();
  for (const column of ['done_by', 'done_at', 'todo_key', 'category'])
    await db.schema.alterTable('notifications').dropColumn(column).execute();
}
