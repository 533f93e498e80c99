import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// the refresh token an OpenID Provider gave at a person's last sign-in, sealed
// (storage/secret-box.ts). The scheduled re-check spends it: a provider that no longer issues
// tokens for the person (removed, disabled, sessions revoked) answers invalid_grant, and the
// account is disabled here, as an LDAP entry that is no longer found.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('directory_refresh_token', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('directory_refresh_token').execute();
}
