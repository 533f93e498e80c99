import type { Permission, Role } from '@releasegate/domain';
import type { ChatChannel } from './modules/chat/chat.grants';

/** Who is acting: a signed-in user (session) or a pipeline (API token acting for its user). */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
  /** `chat`, a card callback from a chat app acting as the account bound to its sender. */
  readonly via: 'session' | 'token' | 'chat';
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
  /** the chat app a card decision came through; every audit event of the action names it. */
  readonly channel?: ChatChannel;
}

/** Context for work started by the system itself or by the CLI. */
export function systemContext(requestId: string | null = null): RequestContext {
  return { principal: null, sourceIp: null, requestId };
}
