import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

type Q = Kysely<Database>;

/** an OIDC sign-in sent to the provider and not yet back (its state is known by hash only). */
export interface OidcAuthorization {
  stateHash: string;
  nonce: string;
  /** Sealed. */
  codeVerifier: string;
  returnTo: string;
  createdAt: string;
  expiresAt: string;
  consumedAt: string | null;
}

export async function insertAuthorization(q: Q, a: OidcAuthorization): Promise<void> {
  await q
    .insertInto('oidc_authorizations')
    .values({
      state_hash: a.stateHash,
      nonce: a.nonce,
      code_verifier: a.codeVerifier,
      return_to: a.returnTo,
      created_at: a.createdAt,
      expires_at: a.expiresAt,
      consumed_at: a.consumedAt,
    })
    .execute();
}

export async function findAuthorization(q: Q, stateHash: string): Promise<OidcAuthorization | undefined> {
  const row = await q
    .selectFrom('oidc_authorizations')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
  return (
    row && {
      stateHash: row.state_hash,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      returnTo: row.return_to,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      consumedAt: row.consumed_at,
    }
  );
}

/** Takes the sign-in once: false when another request (a replay, another node) took it first. */
export async function consumeAuthorization(q: Q, stateHash: string, at: string): Promise<boolean> {
  const result = await q
    .updateTable('oidc_authorizations')
    .set({ consumed_at: at })
    .where('state_hash', '=', stateHash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sign-ins that ended before `before` are of no use to anyone: they go. */
export async function deleteAuthorizationsEndedBefore(q: Q, before: string): Promise<void> {
  await q.deleteFrom('oidc_authorizations').where('expires_at', '<', before).execute();
}

export async function setSessionIdToken(q: Q, sessionIdHash: string, sealed: string | null): Promise<void> {
  await q
    .updateTable('sessions')
    .set({ oidc_id_token: sealed })
    .where('id_hash', '=', sessionIdHash)
    .execute();
}

export async function sessionIdToken(q: Q, sessionIdHash: string): Promise<string | null> {
  const row = await q
    .selectFrom('sessions')
    .select('oidc_id_token')
    .where('id_hash', '=', sessionIdHash)
    .executeTakeFirst();
  return row?.oidc_id_token ?? null;
}

export async function setChallengeIdToken(q: Q, challengeIdHash: string, sealed: string): Promise<void> {
  await q
    .updateTable('sign_in_challenges')
    .set({ oidc_id_token: sealed })
    .where('id_hash', '=', challengeIdHash)
    .execute();
}

export async function challengeIdToken(q: Q, challengeIdHash: string): Promise<string | null> {
  const row = await q
    .selectFrom('sign_in_challenges')
    .select('oidc_id_token')
    .where('id_hash', '=', challengeIdHash)
    .executeTakeFirst();
  return row?.oidc_id_token ?? null;
}
