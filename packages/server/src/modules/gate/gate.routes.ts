import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { codedRule } from '../../http/reason.schemas';
import type { ReleaseDeps } from '../releases/release.deps';
import { checkGate } from './gate.service';

export const gateCheckInput = z.object({
  release: z.string().min(1).max(64),
  environment: z.string().min(1).max(40),
  digests: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 digest (64 hex characters)')).max(100),
  /** A preview: "would this be allowed at this time?" — answered with allowed: false. */
  at: z.iso.datetime({ offset: true }).optional(),
});

export const gateAnswerView = z.object({
  allowed: z.boolean(),
  release: z.string(),
  environment: z.string(),
  at: z.string(),
  decidedAt: z.string(),
  preview: z.literal(true).optional(),
  wouldBeAllowed: z.boolean().optional(),
  checks: z.array(z.object({ ...codedRule, rule: z.string(), ok: z.boolean(), message: z.string() })),
});

export function gateRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/gate/check', {
      config: { action: 'gate.check' },
      schema: {
        tags: ['deployment gate'],
        summary:
          "May these artifacts be deployed to this environment now, by the server's clock? Allowed only when every check holds. With `at`, a preview for that time that never allows. Every answer is audited",
        body: gateCheckInput,
        response: { 200: gateAnswerView },
      },
      handler: async (request) => checkGate(deps, contextOf(request), request.body),
    });
  };
}
