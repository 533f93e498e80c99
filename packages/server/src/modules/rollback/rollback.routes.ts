import { FIELDS } from '@releasegate/messages';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reasonSchema } from '../../http/reason.schemas';
import { TRIGGER_KINDS } from '@releasegate/domain';
import { contextOf } from '../../http/request-context';
import { type ReleaseDeps, releaseDetailView, getRelease } from '../releases';
import {
  completeRollback,
  decide,
  failRollback,
  getRollback,
  raiseTrigger,
  verifyRestoration,
} from './rollback.service';

const tags = ['rollback'];
const idParams = z.object({ id: z.string().min(1).max(64) });

const triggerView = z.object({
  id: z.string(),
  releaseId: z.string(),
  kind: z.enum(TRIGGER_KINDS),
  source: z.enum(['person', 'metric', 'feedback']),
  summary: z.string(),
  evidence: z.string().nullable(),
  evidenceReason: reasonSchema
    .nullable()
    .describe(
      'IM-4: the evidence of a trigger a reading raised, as a catalog reason (`evidence` is its English)',
    ),
  indicator: z
    .string()
    .nullable()
    .describe("RB-2 IM-4: the key of the plan's indicator whose reading raised the trigger (source metric)"),
  discoveredAt: z.string(),
  raisedAt: z.string(),
  raisedBy: z.string(),
  decisionDueAt: z.string(),
  decision: z.enum(['rollback', 'continue']).nullable(),
  decisionReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionMinutes: z.number().nullable(),
  late: z.boolean(),
  escalations: z.number(),
  overdue: z.boolean(),
});
const restorationItem = z.object({
  ciId: z.string(),
  ciName: z.string(),
  expectedVersion: z.string().nullable(),
  cmdbVersion: z.string().nullable(),
  observedVersion: z.string().nullable(),
  differences: z.array(z.string()).describe('In English'),
  differenceReasons: z
    .array(reasonSchema)
    .optional()
    .describe('The differences as codes (absent on older checks)'),
  changedElsewhere: z.array(z.string()).optional(),
  changedElsewhereReasons: z.array(reasonSchema).optional(),
  ok: z.boolean(),
});

export function rollbackRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/releases/:id/rollback', {
      schema: {
        tags,
        operationId: 'getRollback',
        summary: 'RB-1…RB-5: triggers with their decision clocks, restoration checks and problem records',
        params: idParams,
        response: {
          200: z.object({
            now: z.string(),
            triggers: z.array(triggerView),
            restorationChecks: z.array(
              z.object({
                seq: z.number(),
                ok: z.boolean(),
                items: z.array(restorationItem),
                actor: z.string(),
                at: z.string(),
              }),
            ),
            problems: z.array(
              z.object({
                id: z.string(),
                number: z.string(),
                releaseId: z.string(),
                title: z.string(),
                reason: z.string(),
                course: z.array(
                  z.object({
                    at: z.string(),
                    event: z.string().describe('In English'),
                    reason: reasonSchema.optional().describe('The event as codes (absent on older records)'),
                    actor: z.string().nullable(),
                  }),
                ),
                createdAt: z.string(),
                createdBy: z.string(),
              }),
            ),
          }),
        },
      },
      handler: async (request) => getRollback(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/triggers', {
      config: { action: 'release.raise_trigger' },
      schema: {
        tags,
        operationId: 'raiseTrigger',
        summary: 'RB-1: raise a rollback trigger; its decision is due 30 minutes (policy) after discovery',
        params: idParams,
        body: z
          .object({
            kind: z.enum(TRIGGER_KINDS),
            summary: z.string().trim().min(1, FIELDS.say_what_is_wrong).max(1000),
            evidence: z.string().trim().max(8000).nullable().optional(),
            discoveredAt: z.iso.datetime({ offset: true }).nullable().optional(),
          })
          .meta({
            examples: [
              {
                kind: 'performance',
                summary: 'p95 latency of order placement above 2 s since the deployment',
                discoveredAt: '2026-11-27T04:23:43.033Z',
              },
            ],
          }),
        response: { 200: triggerView },
      },
      handler: async (request) =>
        (await raiseTrigger(deps, contextOf(request), request.params.id, request.body)).result!,
    });
    app.post('/api/releases/:id/triggers/:triggerId/decision', {
      config: { action: 'release.decide_rollback' },
      schema: {
        tags,
        operationId: 'decideRollback',
        summary: 'RB-2: roll back, or continue with a reason; a decision after the deadline is a breach',
        params: idParams.extend({ triggerId: z.string().min(1).max(64) }),
        body: z.object({
          decision: z.enum(['rollback', 'continue']),
          reason: z.string().trim().max(4000).nullable().optional(),
        }),
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await decide(deps, ctx, request.params.id, request.params.triggerId, request.body);
        return getRelease(deps, ctx, request.params.id);
      },
    });
    app.post('/api/releases/:id/restoration', {
      config: { action: 'release.verify_restoration' },
      schema: {
        tags,
        operationId: 'verifyRestoration',
        summary: 'RB-4: compare CMDB and the deployed versions observed with their pre-release values',
        params: idParams,
        body: z.object({
          observed: z
            .array(z.object({ ciId: z.string().min(1).max(64), version: z.string().max(100).nullable() }))
            .max(5000),
        }),
        response: { 200: z.object({ ok: z.boolean(), items: z.array(restorationItem) }) },
      },
      handler: async (request) =>
        (await verifyRestoration(deps, contextOf(request), request.params.id, request.body)).result!,
    });
    app.post('/api/releases/:id/rollback/complete', {
      config: { action: 'release.complete_rollback' },
      schema: {
        tags,
        operationId: 'completeRollback',
        summary:
          'RB-3…RB-5: every rollback step done and restoration verified: rolled back, with a problem record',
        params: idParams,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await completeRollback(deps, ctx, request.params.id);
        return getRelease(deps, ctx, request.params.id);
      },
    });
    app.post('/api/releases/:id/rollback/fail', {
      config: { action: 'release.fail_rollback' },
      schema: {
        tags,
        operationId: 'failRollback',
        summary: 'The rollback could not restore the service: the release closes as failed',
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1, FIELDS.rollback_failed_reason).max(4000) }),
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await failRollback(deps, ctx, request.params.id, request.body.reason);
        return getRelease(deps, ctx, request.params.id);
      },
    });
  };
}
