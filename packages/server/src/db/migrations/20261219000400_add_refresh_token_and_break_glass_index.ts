import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// the refresh token an OpenID Provider gave at a person's last sign-in, sealed
// (storage/secret-box.ts). The scheduled re-check spends it: a provider that no longer issues
// tokens for the person (removed, disabled, sessions revoked) answers invalid_grant, and the
// account is disabled here, as an LDAP entry that is no longer found.
//
// And at most one break-glass account, held by the database itself: two security administrators
// naming two accounts at the same moment (each seeing none) cannot both win. A partial unique
// index, which SQLite and PostgreSQL both have.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('directory_refresh_token', 'text').execute();
  await db.schema
    .createIndex('users_one_break_glass')
    .on('users')
    .column('break_glass')
    .unique()
    .where(sql.ref('break_glass'), '=', 1)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_one_break_glass').execute();
  await db.schema.alterTable('users').dropColumn('directory_refresh_token').execute();
}
