import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database';
import { pendingMigrations } from '../../db/migrate';
import type { Registry } from 'prom-client';

const tags = ['operations'];

export function healthRoutes(db: Db, registry: Registry): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      schema: {
        tags,
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      handler: async () => ({ status: 'ok' as const }),
    });

    app.get('/readyz', {
      schema: {
        tags,
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
      schema: { tags, summary: 'Prometheus metrics' },
      handler: async (_request, reply) =>
        reply.header('content-type', registry.contentType).send(await registry.metrics()),
    });
  };
}
