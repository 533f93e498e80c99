import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-4 / RO-1…RO-3 enterprise identity. A user comes from a source: `local` (a password kept
// here), `ldap` (LDAP or Active Directory) or `oidc` (an OpenID Provider); a directory user is
// known by the directory's own identifier (`external_id`: the entry's DN, or issuer + subject),
// never by the user name alone, so a renamed or re-created entry is not taken for another.
// Their groups as last read are kept (`directory_groups`, JSON) with when they were read, so
// the scheduled re-check and the mapping editor can tell who a change would affect. One local
// `break_glass` administrator may still sign in with a password while a directory is in use.
// `group_role_mappings` turns directory groups into roles, edited by the security administrator.
// A session remembers whether the provider vouched for a second factor (OIDC `amr`/`acr`).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('local'))
    .execute();
  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('users').addColumn('directory_groups', 'text').execute();
  await db.schema.alterTable('users').addColumn('directory_checked_at', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('users_source_external_id')
    .on('users')
    .columns(['source', 'external_id'])
    .unique()
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('provider_mfa', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('group_role_mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('group_role_mappings_unique', ['source', 'group_name', 'role'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_role_mappings').execute();
  await db.schema.alterTable('sessions').dropColumn('provider_mfa').execute();
  await db.schema.dropIndex('users_source_external_id').execute();
  for (const column of ['break_glass', 'directory_checked_at', 'directory_groups', 'external_id', 'source']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
