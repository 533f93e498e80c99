import type { Permission, Role } from '@releasegate/domain';

/** Who is acting: a signed-in user (session) or a pipeline (API token acting for its user). */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
  readonly via: 'session' | 'token';
  readonly sessionIdHash?: string;
  readonly tokenId?: string;
  readonly passwordExpired: boolean;
  /** policy requires a second factor this user has not enrolled (sessions only). */
  readonly mustEnrolSecondFactor: boolean;
}

/** What every service call knows about the request it serves; the audit trail records it. */
export interface RequestContext {
  readonly principal: Principal | null;
  readonly sourceIp: string | null;
  readonly requestId: string | null;
}

/** Context for work started by the system itself or by the CLI. */
export function systemContext(requestId: string | null = null): RequestContext {
  return { principal: null, sourceIp: null, requestId };
}
