import { RULES, type Reason } from '@releasegate/messages';
import { refusal } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import type { OidcSettings } from '../../config.directory';
import type { IdentityDeps } from './identity.deps';
import { signInFromDirectory, type DirectoryIdentity } from './directory.service';
import {
  ProviderRefused,
  ProviderUnavailable,
  type AuthorizationChecks,
  type OidcClient,
} from './oidc.client';
import * as oidcRepo from './oidc.repository';
import * as repo from './identity.repository';
import { recordUnavailable, type RecheckRun, type Rechecker } from './directory.recheck';
import { sha256Hex } from './secrets';
import type { ClientInfo, SecondFactorPending, SignedIn } from './sign-in';

/**
 * single sign-on through an OpenID Provider. The sign-in is kept here between the redirect
 * to the provider and the callback (hash of the state, nonce, sealed PKCE verifier), taken once;
 * the browser keeps the state in a short-lived cookie, so a callback from another browser (login
 * CSRF) or a replayed one is refused. What the validated ID token says goes to
 * signInFromDirectory, which provisions the account and maps the groups to roles.
 */

const iso = (d: Date) => d.toISOString();

/** How long a sign-in may stay at the provider (typing a password, a second factor there). */
export const OIDC_SIGN_IN_MINUTES = 10;

export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';

/** Why an OIDC sign-in was refused, as the sign-in page names it (`/login?error=<reason>`). */
export type OidcRefusal =
  | 'state_mismatch'
  | 'state_expired'
  | 'state_used'
  | 'provider_error'
  | 'code_rejected'
  | 'id_token_invalid'
  | 'claims_missing'
  | 'provider_unavailable';

export const redirectUriOf = (deps: Pick<IdentityDeps, 'settings'>) =>
  `${deps.settings.publicUrl}${OIDC_CALLBACK_PATH}`;

/** Only a path of this site is gone back to after sign-in; anything else is the home page. */
export function safeReturnTo(next: string | undefined): string {
  if (!next || next.length > 1000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/api/')) return '/';
  // Nothing that a URL parser would take to another host.
  try {
    if (new URL(next, 'http://releasegate.invalid').host !== 'releasegate.invalid') return '/';
  } catch {
    return '/';
  }
  return next;
}

/** A refused OIDC sign-in: why in words (`why`), and the reason the sign-in page names. */
const oidcRefusal = (reason: OidcRefusal, why: Reason) =>
  refusal('unauthenticated', 'x4_oidc_sign_in', why, { reason });

const providerUnavailable = () =>
  refusal(
    'unavailable',
    'x4_oidc_sign_in',
    { code: 'oidc_provider_unavailable', params: {} },
    { reason: 'provider_unavailable' },
  );

async function recordRefusal(
  deps: IdentityDeps,
  ctx: RequestContext,
  reason: OidcRefusal,
  details: Record<string, unknown> = {},
  actorName: string | null = null,
): Promise<void> {
  await deps.db.kysely.transaction().execute((trx) =>
    deps.audit.record(trx, ctx, {
      action: 'identity.login',
      entityType: 'user',
      entityId: null,
      outcome: 'denied',
      actorName,
      details: { reason, source: 'oidc', rule: RULES.x4_oidc_sign_in, ...details },
    }),
  );
}

/**
 * The first leg: a new sign-in kept here and the provider's URL to send the browser to, with the
 * state the browser keeps in its cookie. A provider that does not answer is refused (audited).
 */
export async function startOidcSignIn(
  deps: IdentityDeps,
  ctx: RequestContext,
  client: OidcClient,
  next: string | undefined,
): Promise<{ url: string; state: string; expiresAt: string }> {
  let started: Awaited<ReturnType<OidcClient['start']>>;
  try {
    started = await client.start(redirectUriOf(deps));
  } catch (error) {
    if (!(error instanceof ProviderUnavailable)) throw error;
    await recordRefusal(deps, ctx, 'provider_unavailable', { error: error.message });
    throw providerUnavailable();
  }
  const now = deps.clock.now();
  const expiresAt = iso(new Date(now.getTime() + OIDC_SIGN_IN_MINUTES * 60_000));
  await deps.db.kysely.transaction().execute(async (trx) => {
    // Ended ones are kept a day (a late callback is told it expired), then cleared as new ones come.
    await oidcRepo.deleteAuthorizationsEndedBefore(trx, iso(new Date(now.getTime() - 86_400_000)));
    await oidcRepo.insertAuthorization(trx, {
      stateHash: sha256Hex(started.checks.state),
      nonce: started.checks.nonce,
      codeVerifier: deps.secrets.seal(started.checks.codeVerifier),
      returnTo: safeReturnTo(next),
      createdAt: iso(now),
      expiresAt,
      consumedAt: null,
    });
  });
  return { url: started.url.toString(), state: started.checks.state, expiresAt };
}

/** The identity the provider vouched for, from the validated ID token's (and userinfo's) claims. */
export function identityFromClaims(
  settings: OidcSettings,
  claims: Record<string, unknown>,
): DirectoryIdentity | null {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const sub = text(claims.sub);
  const username = text(claims[settings.usernameClaim]);
  if (!sub || !username) return null;
  const rawGroups = claims[settings.groupsClaim];
  const groups = (Array.isArray(rawGroups) ? rawGroups : typeof rawGroups === 'string' ? [rawGroups] : [])
    .filter((g): g is string => typeof g === 'string' && g.trim() !== '')
    .map((g) => g.trim());
  const mfa = new Set(settings.mfaValues.map((v) => v.toLowerCase()));
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  const acr = text(claims.acr);
  return {
    source: 'oidc',
    externalId: `${settings.issuer}|${sub}`,
    username,
    displayName: text(claims.name) ?? username,
    email: text(claims.email),
    groups: [...new Set(groups)],
    providerMfa: amr.some((v) => mfa.has(v.toLowerCase())) || (acr !== null && mfa.has(acr.toLowerCase())),
  };
}

export type OidcSignInOutcome = { returnTo: string } & (
  { signedIn: SignedIn } | { pending: SecondFactorPending }
);

/**
 * The second leg: the browser is back from the provider. The state must be the one this browser
 * was given and taken here once, unexpired; then the code is exchanged with the PKCE verifier and
 * the ID token validated, and the person signs in (or gets the second step). Every refusal is
 * audited once — here, or by signInFromDirectory for the account's own refusals — and thrown.
 */
export async function finishOidcSignIn(
  deps: IdentityDeps,
  ctx: RequestContext,
  client: OidcClient,
  input: { callbackUrl: URL; cookieState: string | undefined },
  clientInfo: ClientInfo,
): Promise<OidcSignInOutcome> {
  const settings = deps.settings.directory.oidc!;
  const state = input.callbackUrl.searchParams.get('state');
  if (!state || !input.cookieState || state !== input.cookieState) {
    await recordRefusal(deps, ctx, 'state_mismatch', {
      stateGiven: state !== null,
      cookieGiven: input.cookieState !== undefined,
    });
    throw oidcRefusal('state_mismatch', { code: 'oidc_state_mismatch', params: {} });
  }
  const stateHash = sha256Hex(state);
  const now = iso(deps.clock.now());
  type Taken =
    { refused: OidcRefusal; found?: undefined } | { refused: null; found: oidcRepo.OidcAuthorization };
  const taken = await deps.db.kysely.transaction().execute(async (trx): Promise<Taken> => {
    const found = await oidcRepo.findAuthorization(trx, stateHash);
    if (!found) return { refused: 'state_mismatch' };
    if (found.consumedAt) return { refused: 'state_used' };
    if (found.expiresAt <= now) return { refused: 'state_expired' };
    if (!(await oidcRepo.consumeAuthorization(trx, stateHash, now))) return { refused: 'state_used' };
    return { refused: null, found };
  });
  if (taken.refused !== null) {
    await recordRefusal(deps, ctx, taken.refused);
    throw oidcRefusal(taken.refused, {
      code:
        taken.refused === 'state_used'
          ? 'oidc_state_used'
          : taken.refused === 'state_expired'
            ? 'oidc_state_expired'
            : 'oidc_state_unknown',
      params: {},
    });
  }
  const { found } = taken;
  const checks: AuthorizationChecks = {
    state,
    nonce: found.nonce,
    codeVerifier: deps.secrets.open(found.codeVerifier),
  };
  let answer: Awaited<ReturnType<OidcClient['finish']>>;
  try {
    answer = await client.finish(input.callbackUrl, redirectUriOf(deps), checks);
  } catch (error) {
    if (error instanceof ProviderUnavailable) {
      await recordRefusal(deps, ctx, 'provider_unavailable', { error: error.message });
      throw providerUnavailable();
    }
    if (error instanceof ProviderRefused) {
      const reason: OidcRefusal = error.reason;
      await recordRefusal(deps, ctx, reason, { error: error.detail });
      throw oidcRefusal(reason, { code: 'oidc_refused', params: {} });
    }
    throw error;
  }
  const identity = identityFromClaims(settings, answer.claims);
  if (!identity) {
    await recordRefusal(
      deps,
      ctx,
      'claims_missing',
      { missing: ['sub', settings.usernameClaim].filter((c) => typeof answer.claims[c] !== 'string') },
      null,
    );
    throw oidcRefusal('claims_missing', {
      code: 'oidc_claims_missing',
      params: { claim: settings.usernameClaim },
    });
  }
  const outcome = await signInFromDirectory(deps, ctx, identity, clientInfo);
  // The refresh token of this sign-in replaces the last one: the re-check spends it.
  if (answer.refreshToken) {
    const user = await repo.findUserByExternalId(deps.db.kysely, 'oidc', identity.externalId);
    if (user)
      await repo.setDirectoryRefreshToken(deps.db.kysely, user.id, deps.secrets.seal(answer.refreshToken));
  }
  const sealed = deps.secrets.seal(answer.idToken);
  if ('challengeToken' in outcome) {
    await oidcRepo.setChallengeIdToken(deps.db.kysely, sha256Hex(outcome.challengeToken), sealed);
    return { returnTo: found.returnTo, pending: outcome };
  }
  await oidcRepo.setSessionIdToken(deps.db.kysely, sha256Hex(outcome.sessionToken), sealed);
  return { returnTo: found.returnTo, signedIn: outcome };
}

/** A session opened by the second step of an OIDC sign-in keeps the ID token for logout. */
export async function carryIdTokenToSession(
  deps: IdentityDeps,
  challengeToken: string | undefined,
  sessionToken: string,
): Promise<void> {
  if (!challengeToken) return;
  const sealed = await oidcRepo.challengeIdToken(deps.db.kysely, sha256Hex(challengeToken));
  if (sealed) await oidcRepo.setSessionIdToken(deps.db.kysely, sha256Hex(sessionToken), sealed);
}

/**
 * RP-initiated logout: for a session from an OIDC sign-in, the provider's end-session URL (with
 * `id_token_hint` and back to the sign-in page) when the provider offers one. The ID token is
 * forgotten here either way.
 */
export async function oidcEndSessionUrl(
  deps: IdentityDeps,
  client: OidcClient | null,
  sessionIdHash: string | undefined,
): Promise<string | null> {
  if (!client || !sessionIdHash) return null;
  const sealed = await oidcRepo.sessionIdToken(deps.db.kysely, sessionIdHash);
  if (!sealed) return null;
  await oidcRepo.setSessionIdToken(deps.db.kysely, sessionIdHash, null);
  return client.endSessionUrl(deps.secrets.open(sealed), `${deps.settings.publicUrl}/login`);
}

/**
 * the re-check of OIDC accounts, by spending the refresh token of each one's last sign-in.
 * A provider that refuses it (the person removed or disabled there, their sessions revoked) ends
 * the account here with every session and token; one that answers gives the groups as they are
 * now. Accounts without a refresh token (the provider gives none: ask for `offline_access` in
 * OIDC_SCOPES) cannot be asked about and are listed as unchecked: they end with their sessions.
 * A provider that does not answer disables nobody.
 */
export function oidcRechecker(client: OidcClient | null): Rechecker {
  return async (deps: IdentityDeps, ctx: RequestContext, run: RecheckRun) => {
    const settings = deps.settings.directory.oidc;
    if (!client || !settings) return;
    for (const user of await repo.listEnabledDirectoryUsers(deps.db.kysely, 'oidc')) {
      const sealed = await repo.directoryRefreshToken(deps.db.kysely, user.id);
      if (!sealed) {
        run.unchecked.push(user.username);
        continue;
      }
      let answer: Awaited<ReturnType<OidcClient['refresh']>>;
      try {
        answer = await client.refresh(deps.secrets.open(sealed));
      } catch (error) {
        if (!(error instanceof ProviderUnavailable)) throw error;
        await recordUnavailable(deps, ctx, 'provider_unavailable', error.message);
        throw providerUnavailable();
      }
      if (answer === 'refused') {
        run.findings.push({ user, finding: { gone: 'provider_refused' } });
        continue;
      }
      await repo.setDirectoryRefreshToken(deps.db.kysely, user.id, deps.secrets.seal(answer.refreshToken));
      const identity = identityFromClaims(settings, answer.claims);
      const groupsGiven = answer.claims[settings.groupsClaim] !== undefined;
      run.findings.push({
        user,
        finding: {
          ...(identity && { displayName: identity.displayName, email: identity.email }),
          groups: identity && groupsGiven ? identity.groups : null,
        },
      });
    }
  };
}
