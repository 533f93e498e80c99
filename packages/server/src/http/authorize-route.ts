import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbiddenPairsIn, refusal, rolePairs } from '@releasegate/domain';
import { signInFirst } from '../authorize';
import { isTabledRoute, ROUTE_ACCESS, routeKey, type RouteAccess } from './route-access';

/** The access rule of a request's route; HEAD answers like the GET it mirrors. */
function accessOf(request: FastifyRequest): RouteAccess | undefined {
  const url = request.routeOptions.url;
  if (url === undefined) return 'public'; // no route matched: the 404 handler answers
  if (!isTabledRoute(url)) return 'public';
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  return ROUTE_ACCESS[routeKey(method, url)];
}

/**
 * Authorize first (DESIGN.md): every API route is in the permission table, checked before its
 * body is read and before its handler runs. A refusal throws, so the error handler records its
 * audit event and nothing else happens. Services keep their own checks as a second line.
 */
export function registerRouteAuthorization(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!isTabledRoute(route.url)) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (!(routeKey(method, route.url) in ROUTE_ACCESS))
        throw new Error(
          `${routeKey(method, route.url)} is not in the permission table (http/route-access.ts)`,
        );
    }
  });
}

/** Called by the authentication hook once the caller (or nobody) is known. */
export function assertRouteAccess(request: FastifyRequest): void {
  const access = accessOf(request);
  if (access === undefined)
    throw refusal('forbidden', 'x4_permission', { code: 'route_not_in_permission_table', params: {} });
  if (access === 'public') return;
  const principal = request.principal;
  if (!principal) throw signInFirst({ reason: 'no_credentials' });
  if (access === 'signed_in') return;
  // RO-3 holds at use, not only when roles are granted: an account whose roles break separation
  // of duties (written straight into the database, or granted before the rule) does nothing.
  const pairs = forbiddenPairsIn(principal.roles);
  if (pairs.length > 0)
    throw refusal(
      'forbidden',
      'separation_of_duties',
      { code: 'account_roles_exclude_each_other', params: { pairs: rolePairs(pairs) } },
      { pairs },
    );
  if (access === 'session') {
    if (principal.via !== 'session')
      throw refusal(
        'forbidden',
        'x4_session_only',
        { code: 'session_only', params: {} },
        { reason: 'session_only' },
      );
    return;
  }
  if (!access.some((p) => principal.permissions.has(p))) {
    throw refusal(
      'forbidden',
      'x4_permission',
      {
        code: principal.via === 'token' ? 'token_needs_permission' : 'action_needs_permission',
        params: { permissions: access },
      },
      { permission: access[0], permissions: access, via: principal.via },
    );
  }
}
