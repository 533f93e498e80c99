import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-4 OpenID Connect sign-in. `oidc_authorizations` holds each sign-in sent to the provider until
// it comes back: the hash of its `state` (the browser keeps the state itself in a short-lived
// cookie), the `nonce` the ID token must carry, the PKCE code verifier (sealed), where the user
// started, and when it was used — so a callback is taken once and a replayed one is refused
// whichever node of a cluster it reaches. A session (and a pending second step) opened from an
// OIDC sign-in keeps its ID token, sealed, for RP-initiated logout (`id_token_hint`).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_authorizations')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.alterTable('sessions').addColumn('oidc_id_token', 'text').execute();
  await db.schema.alterTable('sign_in_challenges').addColumn('oidc_id_token', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sign_in_challenges').dropColumn('oidc_id_token').execute();
  await db.schema.alterTable('sessions').dropColumn('oidc_id_token').execute();
  await db.schema.dropTable('oidc_authorizations').execute();
}
