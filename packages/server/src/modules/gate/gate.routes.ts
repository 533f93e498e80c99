import { FIELDS, languageOf, renderReason, ruleName, type Reason } from '@releasegate/messages';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { codedRule } from '../../http/reason.schemas';
import type { ReleaseDeps } from '../releases';
import { checkGate } from './gate.service';

export const gateCheckInput = z
  .object({
    release: z.string().min(1).max(64),
    environment: z.string().min(1).max(40),
    digests: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/, FIELDS.sha256)).max(100),
    /** A preview: "would this be allowed at this time?" — answered with allowed: false. */
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({
    examples: [
      {
        release: 'REL-2026-0042',
        environment: 'production',
        digests: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
      },
    ],
  });

export const gateAnswerView = z
  .object({
    allowed: z.boolean(),
    release: z.string(),
    environment: z.string(),
    at: z.string(),
    decidedAt: z.string(),
    preview: z.literal(true).optional(),
    wouldBeAllowed: z.boolean().optional(),
    checks: z.array(z.object({ ...codedRule, rule: z.string(), ok: z.boolean(), message: z.string() })),
  })
  .meta({
    examples: [
      {
        allowed: false,
        release: 'REL-2026-0042',
        environment: 'production',
        at: '2026-11-27T04:23:43.033Z',
        decidedAt: '2026-11-27T04:23:43.033Z',
        checks: [
          {
            code: 'approved_plan_verified',
            requirement: 'PR-1',
            ok: true,
            reasonCode: 'gate_release_ready',
            params: { release: 'REL-2026-0042', state: 'ready' },
            rule: 'PR-1 approved plan, verified',
            message: 'REL-2026-0042 is "Ready"',
          },
          {
            code: 'window_open',
            requirement: 'PR-1',
            ok: false,
            reasonCode: 'gate_outside_window',
            params: { start: '2026-11-28T14:00:00.000Z', end: '2026-11-28T16:00:00.000Z' },
            rule: 'PR-1 window open',
            message: 'outside the planned window 2026-11-28T14:00:00.000Z – 2026-11-28T16:00:00.000Z',
          },
        ],
      },
    ],
  });

export function gateRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/gate/check', {
      config: { action: 'gate.check' },
      schema: {
        tags: ['deployment gate'],
        operationId: 'checkGate',
        summary:
          "May these artifacts be deployed to this environment now, by the server's clock? Allowed only when every check holds. With `at`, a preview for that time that never allows. Every answer is audited. Each check's `rule` and `message` are in the language of Accept-Language (English by default)",
        body: gateCheckInput,
        response: { 200: gateAnswerView },
      },
      handler: async (request) => {
        const answer = await checkGate(deps, contextOf(request), request.body);
        // X-3: the checks' words in the language the caller asks for (a pipeline's terminal);
        // the audit trail keeps them in English, and the codes are the same either way.
        const language = languageOf(request.headers['accept-language']);
        if (language === 'en') return answer;
        return {
          ...answer,
          checks: answer.checks.map((c) => ({
            ...c,
            rule: ruleName(language, c.code),
            message: renderReason(language, { code: c.reasonCode, params: c.params } as Reason),
          })),
        };
      },
    });
  };
}
