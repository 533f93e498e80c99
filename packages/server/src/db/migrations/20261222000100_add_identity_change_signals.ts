import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// Issue 18 / decision 0028: each server process keeps the sessions and tokens it has just checked
// for up to a second. Whatever changes who may act — a user's row or roles, a session or token
// revoked or shortened, a row deleted — is signalled by the database itself, so that no writer can
// skip the signal: the server's own code, the CLI in another process, another node, or a person
// with SQL access.
//   SQLite: triggers bump a counter (`identity_epoch`) in the writer's transaction; every request
//           reads it (one indexed row) before it trusts what it kept.
//   PostgreSQL: statement triggers NOTIFY `releasegate_identity_<schema>`; every node listens, and
//           keeps nothing while it is not listening.
// A session's `last_seen_at` and a token's `last_used_at` (touched once a minute) are not signals.
const SESSION_COLUMNS = ['user_id', 'csrf_token', 'expires_at', 'revoked_at', 'provider_mfa'];
const TOKEN_COLUMNS = ['user_id', 'scopes', 'expires_at', 'revoked_at', 'token_hash'];

const SQLITE_TRIGGERS: [name: string, event: string][] = [
  ['users_update', 'update on users'],
  ['users_delete', 'delete on users'],
  ['user_roles_insert', 'insert on user_roles'],
  ['user_roles_update', 'update on user_roles'],
  ['user_roles_delete', 'delete on user_roles'],
  ['sessions_update', `update of ${SESSION_COLUMNS.join(', ')} on sessions`],
  ['sessions_delete', 'delete on sessions'],
  ['api_tokens_update', `update of ${TOKEN_COLUMNS.join(', ')} on api_tokens`],
  ['api_tokens_delete', 'delete on api_tokens'],
];

const POSTGRES_TRIGGERS: [name: string, event: string][] = [
  ['users', 'update or delete on users'],
  ['user_roles', 'insert or update or delete on user_roles'],
  ['sessions_update', `update of ${SESSION_COLUMNS.join(', ')} on sessions`],
  ['sessions_delete', 'delete on sessions'],
  ['api_tokens_update', `update of ${TOKEN_COLUMNS.join(', ')} on api_tokens`],
  ['api_tokens_delete', 'delete on api_tokens'],
];

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // tg_table_schema, not a name fixed now: test databases are copies of a template whose schema
    // is renamed afterwards.
    await sql`
      create function identity_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('releasegate_identity_' || tg_table_schema, '');
        return null;
      end $$`.execute(db);
    for (const [name, event] of POSTGRES_TRIGGERS)
      await sql
        .raw(
          `create trigger identity_changed_${name} after ${event} for each statement execute function identity_changed()`,
        )
        .execute(db);
    return;
  }
  await db.schema
    .createTable('identity_epoch')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('identity_epoch').values({ id: 1, epoch: 0 }).execute();
  for (const [name, event] of SQLITE_TRIGGERS)
    await sql
      .raw(
        `create trigger identity_epoch_${name} after ${event} begin update identity_epoch set epoch = epoch + 1; end`,
      )
      .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const [name, event] of POSTGRES_TRIGGERS)
      await sql.raw(`drop trigger identity_changed_${name} on ${event.split(' on ')[1]}`).execute(db);
    await sql`drop function identity_changed()`.execute(db);
    return;
  }
  for (const [name] of SQLITE_TRIGGERS) await sql.raw(`drop trigger identity_epoch_${name}`).execute(db);
  await db.schema.dropTable('identity_epoch').execute();
}
