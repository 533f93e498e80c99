import { DomainError, forbidden, type Permission } from '@releasegate/domain';
import type { Principal, RequestContext } from './context';

/** The principal of a request, or "please sign in". */
export function requirePrincipal(ctx: RequestContext): Principal {
  if (!ctx.principal) throw new DomainError('unauthenticated', 'Sign in first');
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
