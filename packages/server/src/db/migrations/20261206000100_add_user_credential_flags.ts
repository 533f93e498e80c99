import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
// X-4 / RO-3: a password set by an administrator (at creation or reset) must be changed by its
// owner at the next sign-in; a service account is a non-person account that never signs in
// interactively and carries pipeline tokens only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('service_account', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('service_account').execute();
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
}
