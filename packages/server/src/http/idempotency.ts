import { FIELDS } from '@releasegate/messages';
import { createHash } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { refusal, refused, type Clock } from '@releasegate/domain';
import type { Db } from '../db/database';
import { canonicalJson } from '../modules/audit/audit.chain';
import * as repo from './idempotency.repository';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEEP_MS = 24 * 3_600_000;
const WAIT_FOR_FIRST_MS = 5_000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed, to record its answer. */
    idempotency: { principal: string; key: string } | null;
  }
}

function keyOf(request: FastifyRequest): string | null {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(value))
    throw refused(
      'invalid_input',
      { code: 'idempotency_key_format', params: {} },
      { fields: { [IDEMPOTENCY_HEADER]: [FIELDS.idempotency_key] } },
    );
  return value;
}

/**
 * The IETF Idempotency-Key header on POST (draft-ietf-httpapi-idempotency-key-header): the first
 * request with a key runs, and its answer is kept a day; the same key again — a double click, a
 * pipeline's retry — gets that answer (`Idempotent-Replayed: true`) and creates nothing. The key
 * reused for another request is refused (422); a second arrival while the first still runs waits
 * for its answer a few seconds, then is told to try again (409). Keys are per signed-in caller.
 */
export function registerIdempotency(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  app.decorateRequest('idempotency', null);
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.principal) return;
    // An upload's body is the file, streamed to the route (http/uploads.ts): it cannot be hashed
    // before the route reads it (hashing the stream object was a 500). The key is not honoured
    // there; an upload is content-addressed, and an import of the same file again changes nothing.
    if (request.routeOptions.config.upload) return;
    const key = keyOf(request);
    if (key === null) return;
    const principal = request.principal.userId;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const requestHash = createHash('sha256')
      .update(`${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const q = deps.db.kysely;
    const now = deps.clock.now();
    await repo.purgeKeysBefore(q, new Date(now.getTime() - KEEP_MS).toISOString());
    if (await repo.claimKey(q, { principal, key, route, requestHash, createdAt: now.toISOString() })) {
      request.idempotency = { principal, key };
      return;
    }
    // A double click's second request usually arrives while the first runs: it waits a little
    // for the first answer rather than failing.
    let first = await repo.findKey(q, principal, key);
    for (let waited = 0; first?.status === null && waited < WAIT_FOR_FIRST_MS; waited += 50) {
      await setTimeout(50);
      first = await repo.findKey(q, principal, key);
    }
    if (!first || first.route !== route || first.requestHash !== requestHash)
      throw refusal('policy_violation', 'idempotency_key_one_request', {
        code: 'idempotency_key_reused',
        params: {},
      });
    if (first.status === null)
      throw refusal('conflict', 'idempotency_key_in_progress', {
        code: 'idempotency_key_running',
        params: {},
      });
    reply.code(first.status).header('idempotent-replayed', 'true');
    if (first.contentType) reply.header('content-type', first.contentType);
    return reply.send(first.response);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const claimed = request.idempotency;
    if (!claimed) return payload;
    request.idempotency = null;
    const q = deps.db.kysely;
    // A server error, or an answer that is a stream, is not kept: the caller may simply retry.
    if (reply.statusCode >= 500 || (typeof payload !== 'string' && !Buffer.isBuffer(payload)))
      await repo.releaseKey(q, claimed.principal, claimed.key);
    else
      await repo.completeKey(q, claimed.principal, claimed.key, {
        status: reply.statusCode,
        response: payload.toString(),
        contentType: (reply.getHeader('content-type') as string | undefined) ?? null,
      });
    return payload;
  });
}
