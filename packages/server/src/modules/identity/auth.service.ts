import { RULES, FIELDS } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import { isRole, refusal, refused, type Role } from '@releasegate/domain';
import type { Principal, RequestContext } from '../../context';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { assertPasswordAcceptable } from './password.policy';
import { dummyPasswordHash, hashPassword, randomToken, sha256Hex, verifyPassword } from './secrets';
import { auditUser, principalOf, toUserView } from './user.view';
import { requirePrincipal, signInFirst } from '../../authorize';
import { usernameTaken } from './user.service';
import { checkTotpCode, codeProblem, spendRecoveryCode } from './second-factor.service';
import {
  countFailure,
  openSecondFactorChallenge,
  openSession,
  recordBreakGlass,
  signIn,
  withPermissions,
  type ClientInfo,
  type LoginOutcome,
  type Outcome,
  type SecondFactorPending,
  type SessionUser,
  type SignedIn,
  wrongCredentials,
} from './sign-in';
import { ldapSignIn } from './ldap.service';

export {
  SIGN_IN_REFUSED,
  SECOND_FACTOR_MINUTES,
  type ClientInfo,
  type SecondFactorPending,
  type SessionUser,
  type SignedIn,
} from './sign-in';

/** Sessions are touched at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;
const SETUP_LINK_HOURS = 24;

const iso = (d: Date) => d.toISOString();
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

export async function login(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { username: string; password: string },
  client: ClientInfo,
): Promise<SignedIn | SecondFactorPending> {
  const found = await repo.findUserByUsername(deps.db.kysely, input.username);
  // with a directory configured, a name we do not know locally, or one of its users, is the
  // directory's to check; a local account (the break-glass one) keeps its password here.
  if (deps.settings.directory.ldap && (!found || found.source === 'ldap')) {
    return ldapSignIn(deps, ctx, input, client);
  }
  // Always one argon2 verification — against a dummy hash for an unknown user name, and before
  // the lock is looked at — so the time taken does not tell the cases apart either.
  const passwordOk = await verifyPassword(found?.passwordHash ?? (await dummyPasswordHash()), input.password);

  // Outcome decided inside one transaction (counter, lock, audit event, session); refusals
  // are committed first and thrown afterwards so the record of a failure survives.
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<LoginOutcome> => {
    const now = deps.clock.now();
    const failed = async (reason: string, details: Record<string, unknown> = {}) => {
      await deps.audit.record(trx, ctx, {
        action: 'identity.login',
        entityType: 'user',
        entityId: found?.id ?? null,
        outcome: 'denied',
        actorName: input.username,
        details: { reason, ...details },
      });
    };
    const user = found && (await repo.findUserById(trx, found.id));
    if (!user) {
      await failed('unknown_user');
      return { error: wrongCredentials() };
    }
    if (user.source !== 'local') {
      // A directory account has no password here (its hash is a marker nothing verifies against).
      await failed('directory_account', { source: user.source });
      return { error: wrongCredentials() };
    }
    if (user.lockedUntil && user.lockedUntil > iso(now)) {
      // Even the right password is refused, with the same answer: otherwise the lock would
      // confirm a guessed password.
      await failed('locked', { lockedUntil: user.lockedUntil });
      return { error: wrongCredentials() };
    }
    if (!passwordOk) {
      await countFailure(deps, trx, ctx, user, input.username, ({ attempts, lock, lockedUntil }) =>
        failed('bad_password', { attempts, locked: lock, ...(lockedUntil && { lockedUntil }) }),
      );
      return { error: wrongCredentials() };
    }
    if (user.disabled) {
      await failed('disabled');
      return {
        error: refused('unauthenticated', { code: 'account_disabled', params: {} }, { reason: 'disabled' }),
      };
    }
    const localOnly = deps.settings.directory.localSignIn === 'break_glass';
    if (localOnly && !user.breakGlass) {
      // with a directory in use, people sign in through it; a local password (even the
      // right one) opens nothing but the break-glass administrator's account.
      await failed('directory_in_use');
      return {
        error: refusal(
          'unauthenticated',
          'x4_directory_sign_in',
          { code: 'directory_in_use', params: {} },
          { reason: 'directory_in_use' },
        ),
      };
    }
    if (user.totpConfirmedAt) {
      // The failure counter is not reset by the password alone: otherwise each right password
      // would buy a fresh series of code guesses.
      return { pending: await openSecondFactorChallenge(deps, trx, ctx, user) };
    }
    if (localOnly) await recordBreakGlass(deps, trx, ctx, user);
    return { signedIn: await signIn(deps, trx, user, ctx, client) };
  });
  if ('error' in outcome) throw outcome.error;
  return 'pending' in outcome ? outcome.pending : outcome.signedIn;
}

/**
 * The one answer to a pending sign-in that is unknown (forged), expired, already used, or ended
 * by a lock: sign in again with the password.
 */
const secondFactorExpired = () =>
  refusal(
    'unauthenticated',
    'x4_second_factor',
    { code: 'second_factor_expired', params: {} },
    { reason: 'second_factor_expired' },
  );

/**
 * X-4 the second step of a sign-in: the pending challenge (its cookie) and a current TOTP code
 * or an unused recovery code open the session. A wrong or replayed code counts toward the
 * account lockout like a wrong password; each refusal is committed with its audit event only.
 */
export async function completeSecondFactor(
  deps: IdentityDeps,
  ctx: RequestContext,
  challengeToken: string | undefined,
  input: { code?: string | undefined; recoveryCode?: string | undefined },
  client: ClientInfo,
): Promise<SignedIn> {
  if (!input.code === !input.recoveryCode) {
    throw refused(
      'invalid_input',
      { code: 'code_or_recovery_code', params: {} },
      { fields: { [input.code ? 'recoveryCode' : 'code']: [input.code ? FIELDS.invalid : FIELDS.required] } },
    );
  }
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Outcome> => {
    const now = deps.clock.now();
    const denied = async (
      reason: string,
      user: repo.User | undefined,
      extra: Record<string, unknown> = {},
    ): Promise<void> => {
      await deps.audit.record(trx, ctx, {
        action: 'identity.second_factor_verify',
        entityType: 'user',
        entityId: user?.id ?? null,
        outcome: 'denied',
        actorName: user?.username ?? null,
        details: { reason, rule: RULES.x4_second_factor, ...extra },
      });
    };
    const idHash = challengeToken ? sha256Hex(challengeToken) : null;
    const challenge = idHash ? await repo.findSignInChallenge(trx, idHash) : undefined;
    if (!idHash || !challenge) {
      await denied(challengeToken ? 'unknown_challenge' : 'no_challenge', undefined);
      return { error: secondFactorExpired() };
    }
    const user = await repo.findUserById(trx, challenge.userId);
    if (!user) {
      await denied('unknown_user', undefined);
      return { error: secondFactorExpired() };
    }
    if (challenge.consumedAt || challenge.expiresAt <= iso(now)) {
      await denied(challenge.consumedAt ? 'challenge_used' : 'challenge_expired', user);
      return { error: secondFactorExpired() };
    }
    const ended = user.disabled
      ? 'disabled'
      : user.lockedUntil && user.lockedUntil > iso(now)
        ? 'locked'
        : !user.totpConfirmedAt
          ? 'second_factor_removed'
          : null;
    const totp = await repo.findTotp(trx, user.id);
    if (ended || !totp) {
      await repo.consumeSignInChallenge(trx, idHash, iso(now));
      await denied(ended ?? 'second_factor_removed', user);
      return { error: secondFactorExpired() };
    }

    const method = input.code ? 'totp' : 'recovery_code';
    const check = input.code
      ? await checkTotpCode(deps, trx, user.id, totp, input.code)
      : (await spendRecoveryCode(deps, trx, user.id, input.recoveryCode!))
        ? 'accepted'
        : 'wrong';
    if (check !== 'accepted') {
      const { lock } = await countFailure(deps, trx, ctx, user, user.username, ({ attempts, lock }) =>
        denied(`${check}_${method === 'totp' ? 'code' : 'recovery_code'}`, user, {
          method,
          attempts,
          locked: lock,
        }),
      );
      if (lock) {
        await repo.consumeSignInChallenge(trx, idHash, iso(now));
        return { error: secondFactorExpired() };
      }
      return {
        error: refusal(
          'unauthenticated',
          'x4_second_factor',
          {
            code:
              method === 'recovery_code'
                ? 'second_factor_recovery_code_wrong'
                : check === 'replayed'
                  ? 'second_factor_code_used'
                  : 'second_factor_code_wrong',
            params: {},
          },
          {
            reason: 'second_factor_refused',
            fields:
              method === 'recovery_code'
                ? { recoveryCode: [FIELDS.recovery_code_wrong] }
                : { code: [codeProblem(check)] },
          },
        ),
      };
    }
    if (!(await repo.consumeSignInChallenge(trx, idHash, iso(now)))) {
      await denied('challenge_used', user);
      return { error: secondFactorExpired() };
    }
    if (method === 'recovery_code') {
      await deps.audit.record(trx, ctx, {
        action: 'identity.recovery_code_use',
        entityType: 'user',
        entityId: user.id,
        actorName: user.username,
        details: { left: await repo.countRecoveryCodesLeft(trx, user.id) },
      });
    }
    await deps.audit.record(trx, ctx, {
      action: 'identity.second_factor_verify',
      entityType: 'user',
      entityId: user.id,
      actorName: user.username,
      details: { method },
    });
    // The break-glass administrator's sign-in is loud whichever step completes it.
    if (deps.settings.directory.localSignIn === 'break_glass' && user.source === 'local' && user.breakGlass)
      await recordBreakGlass(deps, trx, ctx, user);
    return { signedIn: await signIn(deps, trx, user, ctx, client, { secondFactor: method }) };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.signedIn;
}

export type SessionCheck =
  | { principal: Principal; csrfToken: string }
  | { principal: null; reason: 'unknown' | 'revoked' | 'idle_timeout' | 'absolute_timeout' | 'disabled' };

/** Resolves a session cookie to its principal, enforcing idle and absolute expiry. */
export async function authenticateSession(deps: IdentityDeps, sessionToken: string): Promise<SessionCheck> {
  const idHash = sha256Hex(sessionToken);
  const q = deps.db.kysely;
  const read = () => repo.findSessionWithUser(q, idHash);
  const looked = deps.cache ? await deps.cache.session(idHash, read) : { value: await read(), kept: false };
  const found = looked.value;
  if (!found) return { principal: null, reason: 'unknown' };
  const { session, user } = found;
  if (session.revokedAt) return { principal: null, reason: 'revoked' };
  const now = deps.clock.now();
  const expiredBy =
    iso(now) >= session.expiresAt
      ? 'absolute_timeout'
      : now.getTime() - new Date(session.lastSeenAt).getTime() >= deps.settings.session.idleMinutes * 60_000
        ? 'idle_timeout'
        : null;
  if (expiredBy && looked.kept) {
    // What was kept may predate another node's touch: the database decides before a session ends.
    deps.cache!.forget(idHash);
    return authenticateSession(deps, sessionToken);
  }
  if (expiredBy) {
    await repo.revokeSession(q, idHash, iso(now), expiredBy);
    return { principal: null, reason: expiredBy };
  }
  if (user.disabled) return { principal: null, reason: 'disabled' };
  if (now.getTime() - new Date(session.lastSeenAt).getTime() >= TOUCH_INTERVAL_MS) {
    await repo.touchSession(q, idHash, iso(now));
    session.lastSeenAt = iso(now);
  }
  return {
    principal: principalOf(user, deps, { sessionIdHash: idHash, providerMfa: session.providerMfa }),
    csrfToken: session.csrfToken,
  };
}

/** Resolves a bearer API token; its permissions are its scopes within its owner's permissions. */
export async function authenticateToken(deps: IdentityDeps, bearer: string): Promise<Principal | null> {
  const q = deps.db.kysely;
  const hash = sha256Hex(bearer);
  const read = async () => {
    const token = await repo.findApiTokenByHash(q, hash);
    const user = token && (await repo.findUserById(q, token.userId));
    return token && user ? { token, user } : undefined;
  };
  const found = (deps.cache ? await deps.cache.token(hash, read) : { value: await read() }).value;
  const now = deps.clock.now();
  if (!found) return null;
  const { token, user } = found;
  if (token.revokedAt || token.expiresAt <= iso(now) || user.disabled) return null;
  if (!token.lastUsedAt || now.getTime() - new Date(token.lastUsedAt).getTime() >= TOUCH_INTERVAL_MS) {
    await repo.touchApiToken(q, token.id, iso(now));
    token.lastUsedAt = iso(now);
  }
  return {
    ...principalOf(user, deps, { tokenId: token.id, scopes: token.scopes }),
    passwordExpired: false,
    mustEnrolSecondFactor: false,
  };
}

/** X-2: the account a verified card callback acts as: an enabled user, with their roles' permissions. */
export async function authenticateChatUser(deps: IdentityDeps, userId: string): Promise<Principal | null> {
  const user = await repo.findUserById(deps.db.kysely, userId);
  return user && !user.disabled ? principalOf(user, deps, { chat: true }) : null;
}

/** The signed-in user as the session sees it: a token's narrower permissions stay narrow. */
export async function currentUser(
  deps: IdentityDeps,
  ctx: RequestContext,
): Promise<{ user: SessionUser; passwordExpired: boolean; mustEnrolSecondFactor: boolean }> {
  const principal = requirePrincipal(ctx);
  const user = await repo.findUserById(deps.db.kysely, principal.userId);
  if (!user) throw signInFirst();
  return {
    user: { ...toUserView(user), permissions: [...principal.permissions].sort() },
    passwordExpired: principal.passwordExpired,
    mustEnrolSecondFactor: principal.mustEnrolSecondFactor,
  };
}

export async function logout(deps: IdentityDeps, ctx: RequestContext): Promise<void> {
  const principal = requirePrincipal(ctx);
  if (!principal.sessionIdHash) return;
  await deps.db.kysely.transaction().execute(async (trx) => {
    await repo.revokeSession(trx, principal.sessionIdHash!, iso(deps.clock.now()), 'logout');
    await deps.audit.record(trx, ctx, {
      action: 'identity.logout',
      entityType: 'user',
      entityId: principal.userId,
    });
  });
}

/** Changing one's own password revokes every session of the user and opens a fresh one. */
export async function changePassword(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<SignedIn> {
  const principal = requirePrincipal(ctx);
  const user = await repo.findUserById(deps.db.kysely, principal.userId);
  if (!user) throw signInFirst();
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw refused(
      'invalid_input',
      { code: 'current_password_wrong', params: {} },
      { fields: { currentPassword: [FIELDS.wrong_password] } },
    );
  }
  await assertPasswordAcceptable(deps.db.kysely, deps, input.newPassword, user.username, user.id);
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = iso(deps.clock.now());
    await repo.addPasswordHistory(trx, user.id, user.passwordHash, now);
    await repo.updateUser(trx, user.id, {
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: false,
      updatedAt: now,
    });
    const revoked = await repo.revokeUserSessions(trx, user.id, now, 'password_changed');
    const tokens = await openSession(deps, trx, user, ctx, client);
    await deps.audit.record(trx, ctx, {
      action: 'identity.password_change',
      entityType: 'user',
      entityId: user.id,
      details: { sessionsRevoked: revoked },
    });
    return {
      ...tokens,
      user: withPermissions({ ...user, passwordChangedAt: now }),
      passwordExpired: false,
      mustEnrolSecondFactor: principalOf(user, deps, { sessionIdHash: sha256Hex(tokens.sessionToken) })
        .mustEnrolSecondFactor,
    };
  });
}

// First-run setup and setup links

export interface SetupLink {
  url: string;
  token: string;
  role: Role;
  expiresAt: string;
}

/** Issues a one-time link that lets its holder create an account with the given role. */
export async function issueSetupLink(
  deps: IdentityDeps,
  ctx: RequestContext,
  role: Role = 'security_administrator',
): Promise<SetupLink> {
  const token = randomToken();
  const now = deps.clock.now();
  const expiresAt = iso(plus(now, SETUP_LINK_HOURS * 3_600_000));
  await deps.db.kysely.transaction().execute(async (trx) => {
    await repo.insertSetupToken(trx, { tokenHash: sha256Hex(token), role, createdAt: iso(now), expiresAt });
    await deps.audit.record(trx, ctx, {
      action: 'identity.setup_link_issue',
      entityType: 'setup_link',
      details: { role, expiresAt },
    });
  });
  return {
    url: `${deps.settings.publicUrl}/setup?token=${encodeURIComponent(token)}`,
    token,
    role,
    expiresAt,
  };
}

/** On an empty database: the link for the first security administrator; otherwise nothing. */
export async function firstRunSetupLink(deps: IdentityDeps, ctx: RequestContext): Promise<SetupLink | null> {
  if ((await repo.countUsers(deps.db.kysely)) > 0) return null;
  return issueSetupLink(deps, ctx, 'security_administrator');
}

export async function setupStatus(deps: IdentityDeps, token: string | undefined) {
  const firstRun = (await repo.countUsers(deps.db.kysely)) === 0;
  if (!token) return { firstRun, tokenValid: false, role: null };
  const row = await repo.findSetupToken(deps.db.kysely, sha256Hex(token));
  const valid = !!row && !row.used_at && row.expires_at > iso(deps.clock.now());
  return { firstRun, tokenValid: valid, role: valid && row ? row.role : null };
}

export async function completeSetup(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { token: string; username: string; displayName: string; email?: string | null; password: string },
  client: ClientInfo,
): Promise<SignedIn> {
  await assertPasswordAcceptable(deps.db.kysely, deps, input.password, input.username);
  const passwordHash = await hashPassword(input.password);
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Outcome> => {
    const now = iso(deps.clock.now());
    const tokenHash = sha256Hex(input.token);
    const row = await repo.findSetupToken(trx, tokenHash);
    if (!row || row.used_at || row.expires_at <= now || !isRole(row.role)) {
      const reason = row?.used_at ? 'used' : row ? 'expired' : 'unknown';
      return {
        error: refusal(
          'policy_violation',
          'one_time_setup_link',
          { code: 'setup_link_invalid', params: {} },
          { reason },
        ),
      };
    }
    if (await repo.findUserByUsername(trx, input.username)) {
      return {
        error: usernameTaken(input.username),
      };
    }
    const user: repo.User = {
      id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      email: input.email ?? null,
      passwordHash,
      disabled: false,
      failedAttempts: 0,
      lockedUntil: null,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
      roles: [row.role],
      // The first administrator chose this password themselves.
      mustChangePassword: false,
      serviceAccount: false,
      totpConfirmedAt: null,
      ...repo.LOCAL_ACCOUNT,
    };
    // the way back in. An administrator made from a setup link (the first one, or one made
    // with `releasegate admin create` when nobody can sign in) is the break-glass account when
    // there is none: with a directory in use it is the one local password that still opens.
    const breakGlass =
      (user.roles.includes('security_administrator') || user.roles.includes('system_administrator')) &&
      !(await repo.findBreakGlassUser(trx));
    await repo.insertUser(trx, user);
    if (breakGlass) {
      await repo.updateUser(trx, user.id, { breakGlass: true, updatedAt: now });
      user.breakGlass = true;
    }
    await repo.markSetupTokenUsed(trx, tokenHash, now, user.id);
    const tokens = await openSession(deps, trx, user, ctx, client);
    const asUser = {
      ...ctx,
      principal: principalOf(user, deps, { sessionIdHash: sha256Hex(tokens.sessionToken) }),
    };
    await deps.audit.record(trx, asUser, {
      action: 'identity.setup',
      entityType: 'user',
      entityId: user.id,
      after: auditUser(user),
      ...(breakGlass && { details: { breakGlass: true, rule: RULES.x4_break_glass } }),
    });
    return {
      signedIn: {
        ...tokens,
        user: withPermissions(user),
        passwordExpired: false,
        mustEnrolSecondFactor: asUser.principal.mustEnrolSecondFactor,
      },
    };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.signedIn;
}
