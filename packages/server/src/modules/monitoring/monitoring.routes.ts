import { FIELDS } from '@releasegate/messages';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import type { ReleaseDeps } from '../releases';
import { getMonitoring, pushLogs, recordFeedback, recordReading, searchLogs } from './monitoring.service';

const tags = ['monitoring'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const at = z.iso.datetime({ offset: true }).nullable().optional();
const level = z.enum(['debug', 'info', 'warn', 'error']);

const trigger = z.object({
  id: z.string(),
  kind: z.string(),
  summary: z.string(),
  decisionDueAt: z.string(),
});

const reading = z.object({
  seq: z.number(),
  indicatorKey: z.string(),
  value: z.number(),
  at: z.string(),
  source: z.enum(['manual', 'prometheus']),
  breached: z.boolean(),
  recordedBy: z.string(),
});
const feedback = z.object({
  seq: z.number(),
  channel: z.string(),
  reporter: z.string(),
  content: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  complaint: z.boolean(),
  at: z.string(),
  recordedBy: z.string(),
});
const logEntry = z.object({
  seq: z.number(),
  at: z.string(),
  source: z.string(),
  level,
  message: z.string(),
  stepIndex: z.number().nullable(),
  flaggedPattern: z.string().nullable(),
  recordedBy: z.string(),
});

export function monitoringRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/releases/:id/monitoring', {
      schema: {
        tags,
        operationId: 'getMonitoring',
        summary: "IM-4…IM-6: the plan's indicators with their readings, feedback and the complaint threshold",
        params: idParams,
        response: {
          200: z.object({
            indicators: z.array(
              z.object({
                key: z.string(),
                name: z.string(),
                query: z.string().nullable(),
                comparator: z.enum(['gt', 'gte', 'lt', 'lte']),
                threshold: z.number(),
                unit: z.string().nullable(),
                thresholdText: z.string(),
                readings: z.array(reading),
              }),
            ),
            errorPatterns: z.array(z.string()),
            feedback: z.array(feedback),
            complaintThreshold: z.object({ count: z.number(), withinMinutes: z.number() }),
            prometheus: z.boolean(),
          }),
        },
      },
      handler: async (request) => getMonitoring(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/readings', {
      config: { action: 'release.record_reading' },
      schema: {
        tags,
        operationId: 'recordReading',
        summary: 'IM-4: a reading entered by hand; a breach raises a rollback trigger by itself',
        params: idParams,
        body: z.object({ indicator: z.string().min(1).max(100), value: z.number().finite(), at }),
        response: { 200: z.object({ breached: z.boolean(), trigger: trigger.nullable() }) },
      },
      handler: async (request) =>
        (await recordReading(deps, contextOf(request), request.params.id, request.body)).result!,
    });
    app.post('/api/releases/:id/logs', {
      config: { action: 'release.push_logs' },
      schema: {
        tags,
        operationId: 'pushLogs',
        summary:
          "IM-5: log lines pushed by tooling or attached by people; the plan's error patterns flag lines",
        params: idParams,
        body: z
          .object({
            lines: z
              .array(
                z.object({
                  at,
                  level: level.default('info'),
                  message: z.string().min(1).max(16_384),
                  source: z.string().max(100).nullable().optional(),
                  stepIndex: z.number().int().min(0).max(499).nullable().optional(),
                }),
              )
              .min(1)
              .max(5000),
          })
          .meta({
            examples: [
              {
                lines: [
                  {
                    at: '2026-11-27T04:23:43.033Z',
                    level: 'error',
                    message: 'order-service: connection refused to db-primary:5432',
                    source: 'order-service',
                    stepIndex: 3,
                  },
                ],
              },
            ],
          }),
        response: { 200: z.object({ accepted: z.number(), flagged: z.number() }) },
      },
      handler: async (request) =>
        (await pushLogs(deps, contextOf(request), request.params.id, request.body.lines)).result!,
    });
    app.get('/api/releases/:id/logs', {
      schema: {
        tags,
        operationId: 'searchLogs',
        summary: 'IM-5: search the logs kept with the release (text, flagged only, level; keyset by seq)',
        params: idParams,
        querystring: z.object({
          q: z.string().max(200).optional(),
          flagged: z.enum(['true', 'false']).optional(),
          level: level.optional(),
          after: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.array(logEntry) },
      },
      handler: async (request) => {
        const { q, flagged, ...rest } = request.query;
        return searchLogs(deps, contextOf(request), request.params.id, {
          ...rest,
          text: q?.trim() || undefined,
          flagged: flagged === 'true',
        });
      },
    });
    app.post('/api/releases/:id/feedback', {
      config: { action: 'release.record_feedback' },
      schema: {
        tags,
        operationId: 'recordFeedback',
        summary:
          "IM-6: a user feedback item; complaints reaching the policy's N in M minutes raise a trigger",
        params: idParams,
        body: z.object({
          channel: z.string().trim().min(1, FIELDS.feedback_channel).max(50),
          reporter: z.string().trim().min(1, FIELDS.feedback_reporter).max(100),
          content: z.string().trim().min(1, FIELDS.feedback_content).max(4000),
          severity: z.enum(['low', 'medium', 'high', 'critical']),
          complaint: z.boolean().default(false),
          at,
        }),
        response: { 200: z.object({ trigger: trigger.nullable() }) },
      },
      handler: async (request) =>
        (await recordFeedback(deps, contextOf(request), request.params.id, request.body)).result!,
    });
  };
}
