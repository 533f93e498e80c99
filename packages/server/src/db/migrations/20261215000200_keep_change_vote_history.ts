import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// IN-1: a CAB member who votes again used to overwrite their vote (one row per member). Every
// vote is now its own row; a vote replaced by the same member's later one is marked superseded
// (when, and by which vote), and only each member's latest vote counts toward the quorum.

const COLUMNS = ['change_id', 'voter_id', 'voter', 'decision', 'comment', 'voted_at'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_votes_all')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('change_id', 'text', (c) => c.notNull().references('changes.id'))
    .addColumn('voter_id', 'text', (c) => c.notNull())
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('voted_at', 'text', (c) => c.notNull())
    .addColumn('superseded_by', 'text')
    .addColumn('superseded_at', 'text')
    .execute();
  await db
    .insertInto('change_votes_all')
    .columns(['id', ...COLUMNS])
    .expression(
      db.selectFrom('change_votes').select([sql<string>`change_id || ':' || voter_id`.as('id'), ...COLUMNS]),
    )
    .execute();
  await db.schema.dropTable('change_votes').execute();
  await db.schema.alterTable('change_votes_all').renameTo('change_votes').execute();
  await db.schema.createIndex('change_votes_change_idx').on('change_votes').column('change_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_votes_latest')
    .addColumn('change_id', 'text', (c) => c.notNull().references('changes.id'))
    .addColumn('voter_id', 'text', (c) => c.notNull())
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('voted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('change_votes_pk', ['change_id', 'voter_id'])
    .execute();
  await db
    .insertInto('change_votes_latest')
    .columns([...COLUMNS])
    .expression(
      db
        .selectFrom('change_votes')
        .select([...COLUMNS])
        .where('superseded_at', 'is', null),
    )
    .execute();
  await db.schema.dropIndex('change_votes_change_idx').execute();
  await db.schema.dropTable('change_votes').execute();
  await db.schema.alterTable('change_votes_latest').renameTo('change_votes').execute();
}
