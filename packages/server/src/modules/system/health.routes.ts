import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { refusal } from '@releasegate/domain';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database';
import { pendingMigrations } from '../../db/migrate';
import type { Registry } from 'prom-client';

const tags = ['operations'];

/**
 * Whether an Authorization header carries the token. Both sides are hashed first, so the
 * constant-time comparison also hides the token's length.
 */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return given !== '' && timingSafeEqual(digest(given), digest(token));
}

export function healthRoutes(
  db: Db,
  registry: Registry,
  metricsToken: string | undefined,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      schema: {
        tags,
        operationId: 'getLiveness',
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      handler: async () => ({ status: 'ok' as const }),
    });

    app.get('/readyz', {
      schema: {
        tags,
        operationId: 'getReadiness',
        summary: 'Readiness: database reachable and migrations current',
        response: {
          200: z.object({ status: z.literal('ready'), database: z.string() }),
          503: z.object({ status: z.literal('not_ready'), reason: z.string() }),
        },
      },
      handler: async (_request, reply) => {
        try {
          await sql`select 1`.execute(db.kysely);
          const pending = await pendingMigrations(db);
          if (pending.length > 0)
            return reply
              .status(503)
              .send({ status: 'not_ready' as const, reason: `pending migrations: ${pending.join(', ')}` });
          return { status: 'ready' as const, database: db.dialect };
        } catch (error) {
          return reply.status(503).send({
            status: 'not_ready' as const,
            reason: `database unreachable: ${error instanceof Error ? error.message : 'unknown'}`,
          });
        }
      },
    });

    app.get('/metrics', {
      schema: {
        tags,
        operationId: 'getMetrics',
        produces: ['text/plain'],
        summary: 'Prometheus metrics; needs Authorization: Bearer <METRICS_TOKEN>, and is off without one',
      },
      handler: async (request, reply) => {
        if (!metricsToken)
          throw refusal('not_found', 'metrics_token', { code: 'metrics_off', params: {} }, { reason: 'metrics_off' });
        if (!bearerMatches(request.headers.authorization, metricsToken)) {
          reply.header('www-authenticate', 'Bearer realm="metrics"');
          throw refusal(
            'unauthenticated',
            'metrics_token',
            { code: 'metrics_token_wrong', params: {} },
            { reason: 'bad_metrics_token' },
          );
        }
        return reply.header('content-type', registry.contentType).send(await registry.metrics());
      },
    });
  };
}
