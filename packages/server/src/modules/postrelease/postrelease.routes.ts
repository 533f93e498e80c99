import { FIELDS } from '@releasegate/messages';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { httpUrl } from '../../http/http-url';
import { contextOf } from '../../http/request-context';
import { type ReleaseDeps, evidenceCitation, releaseDetailView, getRelease } from '../releases';
import { contentDisposition, sendDocument } from '../documents';
import { archiveRelease, closeRelease, evidencePackage, reportDocument } from './closing.service';
import {
  completeCmdbUpdate,
  getPostRelease,
  recordVerification,
  reviewEmergency,
  signAcceptance,
} from './postrelease.service';

const tags = ['post-release and close'];
const idParams = z.object({ id: z.string().min(1).max(64) });

const verification = z.object({
  seq: z.number(),
  itemKey: z.string(),
  result: z.enum(['passed', 'failed']),
  note: z.string().nullable(),
  link: z.string().nullable(),
  evidence: z.object({ digest: z.string(), filename: z.string().nullable() }).nullable(),
  department: z.string().nullable(),
  actorId: z.string(),
  actorName: z.string(),
  at: z.string(),
});

const postReleaseView = z.object({
  now: z.string(),
  verifications: z.object({
    items: z.array(
      z.object({
        key: z.string(),
        label: z.object({ zh: z.string(), en: z.string() }),
        latest: verification.nullable(),
      }),
    ),
    pending: z.array(z.string()),
    history: z.array(verification),
  }),
  cmdbUpdate: z
    .object({
      releaseId: z.string(),
      openedAt: z.string(),
      dueAt: z.string(),
      doneAt: z.string().nullable(),
      doneBy: z.string().nullable(),
      overdue: z.boolean(),
      applied: z
        .array(
          z.object({
            ciId: z.string(),
            ciName: z.string(),
            before: z.string().nullable(),
            after: z.string(),
          }),
        )
        .nullable(),
    })
    .nullable(),
  archive: z
    .object({ archivedAt: z.string(), archivedBy: z.string(), sealedAt: z.string().nullable() })
    .nullable(),
  /**
   * CL-2: a closed release whose report is still being generated and its archive sealed (by a job
   * after the close): pending, or failed after its retries; null once sealed, and before the close.
   */
  sealing: z.object({ state: z.enum(['pending', 'failed']), attempts: z.number().int() }).nullable(),
  archiveItems: z.array(
    z.object({
      seq: z.number(),
      kind: z.string(),
      name: z.string(),
      digest: z.string(),
      size: z.number(),
      mediaType: z.string(),
      addedAt: z.string(),
    }),
  ),
  closure: z
    .object({
      outcome: z.string(),
      analysis: z.string().nullable(),
      lessons: z.string().nullable(),
      closedBy: z.string(),
      closedAt: z.string(),
    })
    .nullable(),
  /** TY-4: the review of an emergency release after the fact. */
  review: z
    .object({
      justified: z.boolean(),
      findings: z.string(),
      reviewerId: z.string(),
      reviewerName: z.string(),
      reviewedAt: z.string(),
    })
    .nullable(),
});

const withRelease =
  <T>(deps: ReleaseDeps, act: (ctx: ReturnType<typeof contextOf>, id: string, body: T) => Promise<unknown>) =>
  async (request: { params: { id: string }; body: T } & Parameters<typeof contextOf>[0]) => {
    const ctx = contextOf(request);
    await act(ctx, request.params.id, request.body);
    return getRelease(deps, ctx, request.params.id);
  };

export function postReleaseRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/releases/:id/post-release', {
      schema: {
        tags,
        operationId: 'getPostRelease',
        summary:
          'PO-1…PO-3, CL-1: verifications and acceptance, the CMDB update task, the archive and the close',
        params: idParams,
        response: { 200: postReleaseView },
      },
      handler: async (request) => getPostRelease(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/verifications/:key', {
      config: { action: 'release.record_verification' },
      schema: {
        tags,
        operationId: 'recordVerification',
        summary: 'PO-1: functional, performance or business verification with result and evidence',
        params: idParams.extend({ key: z.string().min(1).max(50) }),
        body: z.object({
          result: z.enum(['passed', 'failed']),
          note: z.string().trim().max(4000).nullable().optional(),
          link: httpUrl().nullable().optional(),
          evidence: evidenceCitation,
        }),
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await recordVerification(deps, ctx, request.params.id, request.params.key, request.body);
        return getRelease(deps, ctx, request.params.id);
      },
    });
    app.post('/api/releases/:id/acceptance', {
      config: { action: 'release.sign_acceptance' },
      schema: {
        tags,
        operationId: 'signAcceptance',
        summary: 'PO-1: user acceptance signed off by a named business-department representative',
        params: idParams,
        body: z.object({
          accepted: z.boolean(),
          department: z.string().trim().min(1, FIELDS.business_department).max(100),
          comment: z.string().trim().max(4000).nullable().optional(),
        }),
        response: { 200: releaseDetailView },
      },
      handler: withRelease(
        deps,
        (ctx, id, body: { accepted: boolean; department: string; comment?: string | null }) =>
          signAcceptance(deps, ctx, id, body),
      ),
    });
    app.post('/api/releases/:id/review', {
      config: { action: 'release.review_emergency' },
      schema: {
        tags,
        operationId: 'reviewEmergencyRelease',
        summary:
          'TY-4: the review of an emergency release after the fact, by someone who approved none of its plans',
        params: idParams,
        body: z.object({
          justified: z.boolean(),
          findings: z.string().trim().min(1, FIELDS.review_findings).max(4000, FIELDS.text_max),
        }),
        response: { 200: releaseDetailView },
      },
      handler: withRelease(deps, (ctx, id, body: { justified: boolean; findings: string }) =>
        reviewEmergency(deps, ctx, id, body),
      ),
    });
    app.post('/api/releases/:id/cmdb-update/complete', {
      config: { action: 'release.complete_cmdb_update' },
      schema: {
        tags,
        operationId: 'completeCmdbUpdate',
        summary:
          "PO-2: apply the plan's target configuration to the CIs (each change recorded with the release)",
        params: idParams,
        body: z.object({ note: z.string().trim().max(2000).nullable().optional() }),
        response: { 200: releaseDetailView },
      },
      handler: withRelease(deps, (ctx, id, body: { note?: string | null }) =>
        completeCmdbUpdate(deps, ctx, id, body.note ?? null),
      ),
    });
    app.post('/api/releases/:id/archive', {
      config: { action: 'release.archive' },
      schema: {
        tags,
        operationId: 'archiveRelease',
        summary: "PO-3: archive the release's plan documents, checklists, evidence, logs and approvals",
        params: idParams,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await archiveRelease(deps, ctx, request.params.id);
        return getRelease(deps, ctx, request.params.id);
      },
    });
    app.post('/api/releases/:id/close', {
      config: { action: 'release.close' },
      schema: {
        tags,
        operationId: 'closeRelease',
        summary:
          'CL-1, CL-2: the manager closes with the outcome; the report is generated and the archive sealed',
        params: idParams,
        body: z.object({
          outcome: z.enum(['successful', 'failed', 'rolled_back']),
          analysis: z.string().trim().max(20_000).nullable().optional(),
          lessons: z.string().trim().max(20_000).nullable().optional(),
        }),
        response: { 200: releaseDetailView },
      },
      handler: withRelease(
        deps,
        (
          ctx,
          id,
          body: {
            outcome: 'successful' | 'failed' | 'rolled_back';
            analysis?: string | null;
            lessons?: string | null;
          },
        ) => closeRelease(deps, ctx, id, body),
      ),
    });
    app.get('/api/releases/:id/report', {
      config: { action: 'document.export' },
      schema: {
        tags,
        operationId: 'downloadReleaseReport',
        produces: [
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'application/pdf',
        ],
        summary: 'CL-2: 《发布变更报告》 as DOCX or PDF (the archived one once closed, a draft before)',
        params: idParams,
        querystring: z.object({ format: z.enum(['docx', 'pdf']).default('pdf') }),
      },
      handler: async (request, reply) => {
        const doc = await reportDocument(deps, contextOf(request), request.params.id, request.query.format);
        reply.header('x-report-draft', String(doc.draft));
        return sendDocument(reply, doc);
      },
    });
    app.get('/api/releases/:id/evidence-package', {
      config: { action: 'release.evidence_package' },
      schema: {
        tags,
        operationId: 'downloadEvidencePackage',
        produces: ['application/zip'],
        summary: 'PO-3: the whole record as a ZIP with a SHA-256 manifest (`releasegate evidence verify`)',
        params: idParams,
      },
      handler: async (request, reply) => {
        const pkg = await evidencePackage(deps, contextOf(request), request.params.id);
        reply.header('content-type', 'application/zip');
        reply.header('content-disposition', contentDisposition(pkg.filename, pkg.asciiFilename));
        reply.header('cache-control', 'no-store');
        return reply.send(pkg.bytes);
      },
    });
  };
}
