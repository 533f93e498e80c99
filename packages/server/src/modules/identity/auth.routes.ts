import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config';
import {
  CSRF_COOKIE,
  SECOND_FACTOR_COOKIE,
  clearSecondFactorCookie,
  clearSessionCookies,
  setSecondFactorCookie,
  setSessionCookies,
} from '../../http/cookies';
import { contextOf } from '../../http/request-context';
import type { IdentityDeps } from './identity.deps';
import { dummyPasswordHash } from './secrets';
import type { OidcClient } from './oidc.client';
import { carryIdTokenToSession, oidcEndSessionUrl } from './oidc.service';
import {
  changePassword,
  completeSecondFactor,
  completeSetup,
  currentUser,
  login,
  logout,
  setupStatus,
  type SignedIn,
} from './auth.service';
import {
  changePasswordInput,
  loginInput,
  secondFactorInput,
  secondFactorPendingView,
  sessionView,
  setupInput,
  setupStatusQuery,
  setupStatusView,
} from './identity.schemas';

const tags = ['identity'];
const signedInView = (s: SignedIn) => ({
  user: s.user,
  csrfToken: s.csrfToken,
  passwordExpired: s.passwordExpired,
  mustEnrolSecondFactor: s.mustEnrolSecondFactor,
});

export function authRoutes(
  deps: IdentityDeps,
  config: Pick<Config, 'publicUrl'>,
  oidc: OidcClient | null = null,
): FastifyPluginAsyncZod {
  return async (app) => {
    // The dummy hash unknown user names are verified against is made now, not on the first
    // unknown name — whose answer would otherwise take twice as long as any other.
    await dummyPasswordHash();
    const client = (headers: { 'user-agent'?: string }) => ({ userAgent: headers['user-agent'] ?? null });

    app.post('/api/auth/login', {
      config: { action: 'identity.login' },
      schema: {
        tags,
        operationId: 'signIn',
        summary:
          'Sign in with user name and password; sets the session cookie, or (202) asks for the second factor',
        description:
          'X-4: a user with two-step verification gets 202 and a short-lived pending sign-in cookie instead of a session; POST /api/auth/second-factor completes it.',
        body: loginInput,
        response: { 200: sessionView, 202: secondFactorPendingView },
      },
      handler: async (request, reply) => {
        const outcome = await login(deps, contextOf(request), request.body, client(request.headers));
        if ('challengeToken' in outcome) {
          setSecondFactorCookie(reply, config.publicUrl, outcome);
          return reply
            .status(202)
            .send({ secondFactorRequired: true as const, expiresAt: outcome.expiresAt });
        }
        setSessionCookies(reply, config.publicUrl, outcome);
        return signedInView(outcome);
      },
    });

    app.post('/api/auth/second-factor', {
      config: { action: 'identity.login' },
      schema: {
        tags,
        operationId: 'completeSecondFactor',
        summary:
          'The second step of a sign-in: a current 6-digit code or an unused recovery code; sets the session cookie',
        body: secondFactorInput,
        response: { 200: sessionView },
      },
      handler: async (request, reply) => {
        const signedIn = await completeSecondFactor(
          deps,
          contextOf(request),
          request.cookies[SECOND_FACTOR_COOKIE],
          request.body,
          client(request.headers),
        );
        await carryIdTokenToSession(deps, request.cookies[SECOND_FACTOR_COOKIE], signedIn.sessionToken);
        clearSecondFactorCookie(reply);
        setSessionCookies(reply, config.publicUrl, signedIn);
        return signedInView(signedIn);
      },
    });

    app.post('/api/auth/logout', {
      config: { action: 'identity.logout', allowExpiredPassword: true, allowWithoutSecondFactor: true },
      schema: {
        tags,
        operationId: 'signOut',
        summary: 'Sign out: the session is revoked',
        description:
          "X-4: 204; for a session from a single sign-on whose provider offers RP-initiated logout, 200 with the provider's end-session URL (id_token_hint, back to /login) for the browser to go to.",
        response: {
          200: z.object({ endSessionUrl: z.url().describe("The OpenID Provider's end-session URL") }),
          204: z.null(),
        },
      },
      handler: async (request, reply) => {
        const ctx = contextOf(request);
        const endSessionUrl = await oidcEndSessionUrl(deps, oidc, ctx.principal?.sessionIdHash);
        await logout(deps, ctx);
        clearSessionCookies(reply);
        if (endSessionUrl) return reply.status(200).send({ endSessionUrl });
        return reply.status(204).send(null);
      },
    });

    app.get('/api/auth/session', {
      config: { allowExpiredPassword: true, allowWithoutSecondFactor: true },
      schema: {
        tags,
        operationId: 'getSession',
        summary: 'The signed-in user, roles and permissions',
        response: { 200: sessionView },
      },
      handler: async (request) => ({
        ...(await currentUser(deps, contextOf(request))),
        csrfToken: request.cookies[CSRF_COOKIE] ?? '',
      }),
    });

    app.post('/api/auth/password', {
      config: {
        action: 'identity.password_change',
        allowExpiredPassword: true,
        allowWithoutSecondFactor: true,
      },
      schema: {
        tags,
        operationId: 'changeOwnPassword',
        summary: 'Change your own password; every other session ends',
        body: changePasswordInput,
        response: { 200: sessionView },
      },
      handler: async (request, reply) => {
        const signedIn = await changePassword(
          deps,
          contextOf(request),
          request.body,
          client(request.headers),
        );
        setSessionCookies(reply, config.publicUrl, signedIn);
        return signedInView(signedIn);
      },
    });

    app.get('/api/setup/status', {
      config: { action: 'identity.setup' },
      schema: {
        tags,
        operationId: 'getSetupStatus',
        summary: 'Whether first-run setup is pending and whether a setup link is valid',
        querystring: setupStatusQuery,
        response: { 200: setupStatusView },
      },
      handler: async (request) => setupStatus(deps, request.query.token),
    });

    app.post('/api/setup', {
      config: { action: 'identity.setup' },
      schema: {
        tags,
        operationId: 'completeSetup',
        summary: 'Create an account from a one-time setup link and sign in',
        body: setupInput,
        response: { 200: sessionView },
      },
      handler: async (request, reply) => {
        const signedIn = await completeSetup(deps, contextOf(request), request.body, client(request.headers));
        setSessionCookies(reply, config.publicUrl, signedIn);
        return signedInView(signedIn);
      },
    });
  };
}
