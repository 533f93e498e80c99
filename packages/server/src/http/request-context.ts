import type { FastifyRequest } from 'fastify';
import type { Principal, RequestContext } from '../context';
import type { AuditAction } from '../modules/audit/audit.actions';
import type { ChatGrant } from '../modules/chat/chat.grants';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** set when a verified card callback carries out its decision through this route. */
    chatGrant: ChatGrant | null;
  }
  interface FastifyContextConfig {
    /** The audit action name of the route, used when a refusal is recorded. */
    action?: AuditAction;
    /** Reachable while the password has expired (strict profile): sign out, change password. */
    allowExpiredPassword?: boolean;
    /** reachable while a required second factor is not enrolled: enrolment, sign out, session. */
    allowWithoutSecondFactor?: boolean;
    /** Set by acceptUploads (http/uploads.ts): the body is a file streamed as application/octet-stream. */
    upload?: boolean;
    /** Set by registerRateLimits (http/rate-limits.ts): the rules that limit the route. */
    rateLimits?: readonly string[];
  }
}

export function contextOf(request: FastifyRequest): RequestContext {
  const grant = request.chatGrant;
  return grant
    ? {
        principal: request.principal,
        sourceIp: grant.sourceIp,
        requestId: grant.requestId,
        channel: grant.channel,
      }
    : { principal: request.principal, sourceIp: request.ip, requestId: request.id };
}
