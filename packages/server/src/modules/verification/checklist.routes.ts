import { FIELDS } from '@releasegate/messages';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { httpUrl } from '../../http/http-url';
import { contextOf } from '../../http/request-context';
import { type ReleaseDeps, evidenceCitation, releaseDetailView, getRelease } from '../releases';
import { getChecklist, openEvidence, recordCheck, uploadEvidence } from './checklist.service';
import { contentDisposition } from '../documents';
import { acceptUploads, uploadFilename, uploadStream } from '../../http/uploads';

const tags = ['pre-release verification'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const result = z.object({
  seq: z.number(),
  planVersion: z.number(),
  itemKey: z.string(),
  result: z.enum(['passed', 'failed']),
  note: z.string().nullable(),
  link: z.string().nullable(),
  evidence: z.object({ digest: z.string(), filename: z.string().nullable() }).nullable(),
  actorName: z.string(),
  at: z.string(),
});
const checklistView = z.object({
  planVersion: z.number().nullable(),
  items: z.array(
    z.object({
      key: z.string(),
      label: z.object({ zh: z.string(), en: z.string() }),
      latest: result.nullable(),
    }),
  ),
  history: z.array(result),
  pending: z.array(z.string()),
});
const checkInput = z.object({
  result: z.enum(['passed', 'failed']),
  note: z.string().trim().max(4000).nullable().optional(),
  link: httpUrl().nullable().optional(),
  evidence: evidenceCitation,
});

export function checklistRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/releases/:id/checks', {
      schema: {
        tags,
        operationId: 'getChecklist',
        summary: 'IM-1: the pre-release checklist with the latest result of each item',
        params: idParams,
        response: { 200: checklistView },
      },
      handler: async (request) => getChecklist(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/checks/:key', {
      config: { action: 'release.record_check' },
      schema: {
        tags,
        operationId: 'recordCheck',
        summary: 'Record a check with its result and evidence; when all have passed the release is ready',
        params: idParams.extend({ key: z.string().min(1).max(50) }),
        body: checkInput,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await recordCheck(deps, contextOf(request), request.params.id, request.params.key, request.body);
        return getRelease(deps, contextOf(request), request.params.id);
      },
    });
    app.get('/api/releases/:id/evidence/:digest', {
      config: { action: 'release.evidence_download' },
      schema: {
        tags,
        operationId: 'downloadEvidence',
        produces: ['application/octet-stream'],
        summary: "Download an evidence file cited by the release's checks or verifications (re-hashed first)",
        params: idParams.extend({ digest: z.string().regex(/^[0-9a-f]{64}$/, FIELDS.sha256) }),
      },
      handler: async (request, reply) => {
        const file = await openEvidence(deps, contextOf(request), request.params.id, request.params.digest);
        reply.header('content-type', 'application/octet-stream');
        reply.header('content-length', String(file.size));
        reply.header('x-content-sha256', request.params.digest);
        reply.header(
          'content-disposition',
          contentDisposition(file.filename, `evidence-${request.params.digest.slice(0, 12)}`),
        );
        return reply.send(file.stream);
      },
    });
    await app.register(async (context) => {
      const uploads = acceptUploads(context);
      uploads.put('/api/releases/:id/evidence', {
        config: { action: 'release.evidence_upload' },
        schema: {
          tags,
          operationId: 'uploadEvidence',
          summary:
            'Upload an evidence file (application/octet-stream; X-Filename); returns its SHA-256 to cite in a check',
          params: idParams,
          response: {
            200: z.object({ digest: z.string(), size: z.number(), filename: z.string().nullable() }),
          },
        },
        handler: async (request) => {
          return uploadEvidence(
            deps,
            contextOf(request),
            request.params.id,
            uploadStream(request),
            uploadFilename(request),
          );
        },
      });
    });
  };
}
