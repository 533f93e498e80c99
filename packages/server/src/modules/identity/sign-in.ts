import { RULES, renderReason } from '@releasegate/messages';
import { permissionsOf, refused, type DomainError } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { randomToken, sha256Hex } from './secrets';
import { principalOf, toUserView, type UserView } from './user.view';
import { notify } from '../notifications';

/**
 * Opening a session once someone has proved who they are — by password, second factor, or their
 * directory — and what every such path shares: the failure counter and lockout, the pending
 * second step, the break-glass alarm.
 */

const iso = (d: Date) => d.toISOString();
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/**
 * The one answer to every refused sign-in — wrong password, unknown user name, locked account —
 * so the answer cannot tell which user names exist or which accounts are locked. Why it
 * failed is in the audit trail, and a lock shows in the user list for the security administrator.
 */
export const SIGN_IN_REFUSED = renderReason('en', { code: 'bad_credentials', params: {} });
export const wrongCredentials = () =>
  refused('unauthenticated', { code: 'bad_credentials', params: {} }, { reason: 'bad_credentials' });

/** how long a sign-in whose password was right may take to send its second factor. */
export const SECOND_FACTOR_MINUTES = 5;

export type SessionUser = UserView & { permissions: string[] };

export interface SignedIn {
  sessionToken: string;
  csrfToken: string;
  user: SessionUser;
  passwordExpired: boolean;
  /** policy requires a second factor this user has not enrolled; nothing else is allowed. */
  mustEnrolSecondFactor: boolean;
}

/** the password was right; the sign-in waits for the second factor (not a session). */
export interface SecondFactorPending {
  challengeToken: string;
  expiresAt: string;
}

export const withPermissions = (user: repo.User): SessionUser => ({
  ...toUserView(user),
  permissions: [...permissionsOf(user.roles)].sort(),
});

export interface ClientInfo {
  userAgent: string | null;
}

/** A refusal is committed (its audit event with it) and thrown after the transaction. */
export type Outcome = { error: DomainError } | { signedIn: SignedIn };
export type LoginOutcome = Outcome | { pending: SecondFactorPending };

export async function openSession(
  deps: IdentityDeps,
  q: Parameters<typeof repo.insertSession>[0],
  user: repo.User,
  ctx: RequestContext,
  client: ClientInfo,
  providerMfa = false,
) {
  const now = deps.clock.now();
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  await repo.insertSession(q, {
    idHash: sha256Hex(sessionToken),
    userId: user.id,
    csrfToken,
    createdAt: iso(now),
    lastSeenAt: iso(now),
    expiresAt: iso(plus(now, deps.settings.session.absoluteHours * 3_600_000)),
    revokedAt: null,
    sourceIp: ctx.sourceIp,
    userAgent: client.userAgent,
    providerMfa,
  });
  return { sessionToken, csrfToken };
}

export interface Failure {
  attempts: number;
  lock: boolean;
  lockedUntil: string | null;
}

/**
 * X-4 lockout: counts a failed sign-in step (a wrong password or a wrong second factor), records
 * the refusal through `refusal` and, when the count reaches the threshold, locks the account.
 */
export async function countFailure(
  deps: IdentityDeps,
  trx: Parameters<typeof repo.updateUser>[0],
  ctx: RequestContext,
  user: repo.User,
  actorName: string,
  refusal: (failure: Failure) => Promise<void>,
): Promise<Failure> {
  const now = deps.clock.now();
  const attempts = user.failedAttempts + 1;
  const lock = attempts >= deps.settings.lockout.threshold;
  const lockedUntil = lock ? iso(plus(now, deps.settings.lockout.minutes * 60_000)) : null;
  await repo.updateUser(trx, user.id, {
    failedAttempts: lock ? 0 : attempts,
    lockedUntil,
    updatedAt: iso(now),
  });
  await refusal({ attempts, lock, lockedUntil });
  if (lock) {
    // An event of its own, so the lock is found in the audit trail without reading details.
    await deps.audit.record(trx, ctx, {
      action: 'identity.lock_account',
      entityType: 'user',
      entityId: user.id,
      outcome: 'denied',
      actorName,
      details: { failedAttempts: attempts, lockedUntil, rule: RULES.x4_lockout },
    });
  }
  return { attempts, lock, lockedUntil };
}

/**
 * the password (or the directory) was right and the user has a second factor: the sign-in
 * waits for the code as a challenge row, not a session.
 */
export async function openSecondFactorChallenge(
  deps: IdentityDeps,
  trx: Parameters<typeof repo.insertSignInChallenge>[0],
  ctx: RequestContext,
  user: repo.User,
): Promise<SecondFactorPending> {
  const now = deps.clock.now();
  const challengeToken = randomToken();
  const expiresAt = iso(plus(now, SECOND_FACTOR_MINUTES * 60_000));
  // Ended ones are kept a day (their refusals name them), then cleared as new ones come.
  await repo.deleteSignInChallengesEndedBefore(trx, iso(plus(now, -86_400_000)));
  await repo.insertSignInChallenge(trx, {
    idHash: sha256Hex(challengeToken),
    userId: user.id,
    createdAt: iso(now),
    expiresAt,
    consumedAt: null,
  });
  await deps.audit.record(trx, ctx, {
    action: 'identity.second_factor_request',
    entityType: 'user',
    entityId: user.id,
    actorName: user.username,
    details: { method: 'totp', expiresAt },
  });
  return { challengeToken, expiresAt };
}

/**
 * X-4 break-glass: the local administrator signed in while a directory is in use. Loud on
 * purpose — an audit event of its own and a notice to every security administrator and auditor —
 * because the account exists for when the directory is down, and any other use is a question.
 */
export async function recordBreakGlass(
  deps: IdentityDeps,
  trx: Parameters<typeof repo.insertSession>[0],
  ctx: RequestContext,
  user: repo.User,
): Promise<void> {
  await deps.audit.record(trx, ctx, {
    action: 'identity.break_glass_sign_in',
    entityType: 'user',
    entityId: user.id,
    actorName: user.username,
    details: { rule: RULES.x4_break_glass, sourceIp: ctx.sourceIp },
  });
  const at = deps.clock.now().toISOString();
  await notify(trx, deps.clock, {
    kind: 'security_alert',
    title: {
      zh: `应急管理员 ${user.username} 已登录`,
      en: `Break-glass administrator ${user.username} signed in`,
    },
    body: {
      zh: `应急管理员账户 ${user.username} 于 ${at} 从 ${ctx.sourceIp ?? '未知地址'} 以本地密码登录。若目录服务并未中断，请立即核查。`,
      en: `The break-glass account ${user.username} signed in with its local password at ${at} from ${ctx.sourceIp ?? 'an unknown address'}. If the directory is not down, look into it now.`,
    },
    link: '/audit',
    audience: { roles: ['security_administrator', 'auditor'] },
  });
}

/** Opens the session of a user who proved who they are; the failure counter starts again. */
export async function signIn(
  deps: IdentityDeps,
  trx: Parameters<typeof repo.insertSession>[0],
  user: repo.User,
  ctx: RequestContext,
  client: ClientInfo,
  details?: Record<string, unknown>,
  providerMfa = false,
): Promise<SignedIn> {
  if (user.failedAttempts !== 0 || user.lockedUntil) {
    await repo.updateUser(trx, user.id, {
      failedAttempts: 0,
      lockedUntil: null,
      updatedAt: iso(deps.clock.now()),
    });
  }
  const tokens = await openSession(deps, trx, user, ctx, client, providerMfa);
  const principal = principalOf(user, deps, { sessionIdHash: sha256Hex(tokens.sessionToken), providerMfa });
  await deps.audit.record(
    trx,
    { ...ctx, principal },
    {
      action: 'identity.login',
      entityType: 'user',
      entityId: user.id,
      ...(details && { details }),
    },
  );
  return {
    ...tokens,
    user: withPermissions({ ...user, failedAttempts: 0, lockedUntil: null }),
    passwordExpired: principal.passwordExpired,
    mustEnrolSecondFactor: principal.mustEnrolSecondFactor,
  };
}
