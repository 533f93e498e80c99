import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import type { IdentityDeps } from './identity.deps';
import {
  confirmEnrolment,
  disableOwn,
  regenerateRecoveryCodes,
  resetSecondFactor,
  secondFactorStatus,
  startEnrolment,
} from './second-factor.service';
import {
  enrolmentView,
  idParams,
  recoveryCodesView,
  secondFactorStatusView,
  totpCodeInput,
} from './identity.schemas';

const tags = ['identity'];
// Reachable while policy still waits for the enrolment; not while the password must be changed.
const enrolling = { allowWithoutSecondFactor: true } as const;

/** X-4 two-step verification (TOTP): one's own enrolment, and the security administrator's reset. */
export function secondFactorRoutes(deps: IdentityDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/auth/second-factor', {
      config: { ...enrolling },
      schema: {
        tags,
        operationId: 'getSecondFactor',
        summary: 'Your two-step verification: on or off, recovery codes left, whether policy requires it',
        response: { 200: secondFactorStatusView },
      },
      handler: async (request) => secondFactorStatus(deps, contextOf(request)),
    });

    app.post('/api/auth/second-factor/enrolment', {
      config: { action: 'identity.second_factor_enrol', ...enrolling },
      schema: {
        tags,
        operationId: 'startSecondFactorEnrolment',
        summary:
          'Start (or restart) enrolling an authenticator app: a new secret, its otpauth:// URI and QR code',
        response: { 200: enrolmentView },
      },
      handler: async (request) => startEnrolment(deps, contextOf(request)),
    });

    app.post('/api/auth/second-factor/confirm', {
      config: { action: 'identity.second_factor_confirm', ...enrolling },
      schema: {
        tags,
        operationId: 'confirmSecondFactor',
        summary: 'Confirm the enrolment with a current code; answers 10 recovery codes, shown this once',
        body: totpCodeInput,
        response: { 200: recoveryCodesView },
      },
      handler: async (request) => confirmEnrolment(deps, contextOf(request), request.body),
    });

    app.post('/api/auth/second-factor/recovery-codes', {
      config: { action: 'identity.recovery_codes_regenerate' },
      schema: {
        tags,
        operationId: 'regenerateRecoveryCodes',
        summary: 'New recovery codes (the old ones stop working); needs a current code; shown this once',
        body: totpCodeInput,
        response: { 200: recoveryCodesView },
      },
      handler: async (request) => regenerateRecoveryCodes(deps, contextOf(request), request.body),
    });

    app.post('/api/auth/second-factor/disable', {
      config: { action: 'identity.second_factor_disable' },
      schema: {
        tags,
        operationId: 'disableSecondFactor',
        summary: 'Turn your two-step verification off; needs a current code',
        body: totpCodeInput,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await disableOwn(deps, contextOf(request), request.body);
        return reply.status(204).send(null);
      },
    });

    app.post('/api/users/:id/second-factor/reset', {
      config: { action: 'user.second_factor_reset' },
      schema: {
        tags: ['users'],
        operationId: 'resetUserSecondFactor',
        summary: "Remove another user's second factor (a lost authenticator); they enrol again",
        params: idParams,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await resetSecondFactor(deps, contextOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
