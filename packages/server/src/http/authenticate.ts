import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { refusal, refused } from '@releasegate/domain';
import type { IdentityDeps } from '../modules/identity/identity.deps';
import {
  authenticateChatUser,
  authenticateSession,
  authenticateToken,
} from '../modules/identity/auth.service';
import { CHAT_GRANT_HEADER, type ChatGrants } from '../modules/chat/chat.grants';
import type { Principal } from '../context';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies';
import { assertRouteAccess, registerRouteAuthorization } from './authorize-route';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves the caller on every /api request — a bearer API token, or the session cookie — and
 * then checks the route's permission (http/route-access.ts). Both happen as the request arrives,
 * before its body is read: a refused upload is never stored, a refused action never starts. A
 * cookie request that changes state must carry the session's CSRF token.
 */
export function registerAuthentication(
  app: FastifyInstance,
  deps: IdentityDeps,
  chatGrants: ChatGrants,
): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('chatGrant', null);
  registerRouteAuthorization(app);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    await authenticate(request, deps, chatGrants);
    assertRouteAccess(request);
  });
}

async function authenticate(
  request: FastifyRequest,
  deps: IdentityDeps,
  chatGrants: ChatGrants,
): Promise<void> {
  // a verified card callback carrying out its decision (modules/chat); only this process
  // knows the grant, and it is good once.
  const grantId = request.headers[CHAT_GRANT_HEADER];
  if (grantId !== undefined) {
    const grant = typeof grantId === 'string' ? chatGrants.take(grantId) : undefined;
    if (!grant)
      throw refused('unauthenticated', { code: 'bad_token', params: {} }, { reason: 'bad_chat_grant' });
    const principal = await authenticateChatUser(deps, grant.userId);
    if (!principal)
      throw refused(
        'unauthenticated',
        { code: 'session_ended', params: { ended: 'disabled' } },
        { reason: 'disabled' },
      );
    request.principal = principal;
    request.chatGrant = grant;
    assertAccountCurrent(request, principal);
    return;
  }
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    const principal = await authenticateToken(deps, authorization.slice('Bearer '.length).trim());
    if (!principal)
      throw refused('unauthenticated', { code: 'bad_token', params: {} }, { reason: 'bad_token' });
    request.principal = principal;
    return;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return;
  const check = await authenticateSession(deps, cookie);
  if (!check.principal) {
    // A stale cookie on a public route (sign-in, setup) is ignored; elsewhere it explains itself.
    if (
      request.routeOptions.config.action === 'identity.login' ||
      request.routeOptions.config.action === 'identity.setup'
    )
      return;
    throw refused(
      'unauthenticated',
      { code: 'session_ended', params: { ended: check.reason } },
      { reason: check.reason },
    );
  }
  request.principal = check.principal;
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !sameSecret(header, check.csrfToken)) {
      throw refusal('forbidden', 'csrf', { code: 'csrf_token_wrong', params: {} }, { reason: 'csrf' });
    }
  }
  assertAccountCurrent(request, check.principal);
}

/** A sign-in, or a chat decision, waits while the password must change or a second factor be enrolled. */
function assertAccountCurrent(request: FastifyRequest, principal: Principal): void {
  if (principal.passwordExpired && !request.routeOptions.config.allowExpiredPassword) {
    throw refusal(
      'policy_violation',
      'password_maximum_age',
      { code: 'password_expired', params: {} },
      { reason: 'password_expired' },
    );
  }
  if (principal.mustEnrolSecondFactor && !request.routeOptions.config.allowWithoutSecondFactor) {
    throw refusal(
      'policy_violation',
      'x4_second_factor_required',
      { code: 'second_factor_required', params: {} },
      { reason: 'second_factor_required' },
    );
  }
}
