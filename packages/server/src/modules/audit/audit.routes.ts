import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../../http/request-context';
import { pageRequestOf } from '../../http/page.schemas';
import type { Clock } from '@releasegate/domain';
import {
  checkpointNow,
  exportAuditEvents,
  listAuditEvents,
  verifyAuditChain,
  type AuditQueryDeps,
} from './audit.query';
import {
  auditExportQuery,
  auditListQuery,
  auditListView,
  checkpointView,
  publicKeyView,
  verifyView,
} from './audit.schemas';

const tags = ['audit'];

export function auditRoutes(deps: AuditQueryDeps & { clock: Clock }): FastifyPluginAsyncZod {
  const { clock } = deps;
  return async (app) => {
    app.get('/api/audit/events', {
      config: { action: 'audit.read' },
      schema: {
        tags,
        operationId: 'listAuditEvents',
        summary: 'The audit log, newest first, filtered, keyset-paginated',
        querystring: auditListQuery,
        response: { 200: auditListView },
      },
      handler: async (request) => {
        const { cursor, limit, sort, ...filter } = request.query;
        return listAuditEvents(deps, contextOf(request), filter, pageRequestOf({ cursor, limit, sort }));
      },
    });

    app.get('/api/audit/export', {
      config: { action: 'audit.export' },
      schema: {
        tags,
        operationId: 'exportAuditEvents',
        produces: ['text/csv', 'application/x-ndjson'],
        summary: 'Export the filtered audit log as CSV or JSON Lines',
        querystring: auditExportQuery,
      },
      handler: async (request, reply) => {
        const { format, ...filter } = request.query;
        const chunks = exportAuditEvents(deps, contextOf(request), filter, format);
        // Pull the first chunk before answering, so a refusal becomes a proper error response.
        const first = await chunks.next();
        const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
        reply.header(
          'content-type',
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        );
        reply.header('content-disposition', `attachment; filename="audit-${stamp}.${format}"`);
        return reply.send(
          Readable.from(
            (async function* () {
              if (!first.done) yield first.value;
              yield* chunks;
            })(),
          ),
        );
      },
    });

    app.get('/api/audit/verify', {
      config: { action: 'audit.verify' },
      schema: {
        tags,
        operationId: 'verifyAuditChain',
        summary:
          'Recompute the hash chain and name the first bad event, and check it against the signed checkpoints of its head (truncation, rewriting, forgery)',
        response: { 200: verifyView },
      },
      handler: async (request) => verifyAuditChain(deps, contextOf(request)),
    });

    app.post('/api/audit/checkpoints', {
      config: { action: 'audit.checkpoint' },
      schema: {
        tags,
        operationId: 'createAuditCheckpoint',
        summary:
          "Sign the audit chain's head now and append it to the checkpoint store (besides the schedule)",
        response: { 201: checkpointView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await checkpointNow(deps, contextOf(request))),
    });

    app.get('/api/audit/public-key', {
      schema: {
        tags,
        operationId: 'getAuditPublicKey',
        summary:
          'The public key that signs audit checkpoints and evidence manifests (PEM), to check them offline',
        response: { 200: publicKeyView },
      },
      handler: () => deps.signer.publicKey,
    });
  };
}
