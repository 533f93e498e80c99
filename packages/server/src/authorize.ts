import { forbidden, refused, type Permission } from '@releasegate/domain';
import type { Principal, RequestContext } from './context';

/** "Please sign in": a request without a caller, or whose caller no longer exists. */
export const signInFirst = (details: Record<string, unknown> = {}) =>
  refused('unauthenticated', { code: 'sign_in_first', params: {} }, details);

/** The principal of a request, or "please sign in". */
export function requirePrincipal(ctx: RequestContext): Principal {
  if (!ctx.principal) throw signInFirst();
  return ctx.principal;
}

/** Services call this with the permission an action needs; roles never appear in services. */
export function authorize(ctx: RequestContext, permission: Permission): Principal {
  const principal = requirePrincipal(ctx);
  if (!principal.permissions.has(permission)) throw forbidden(permission);
  return principal;
}

export function hasPermission(ctx: RequestContext, permission: Permission): boolean {
  return ctx.principal?.permissions.has(permission) ?? false;
}
