import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config';
import { CSRF_COOKIE, clearSessionCookies, setSessionCookies } from '../../http/cookies';
import { contextOf } from '../../http/request-context';
import type { IdentityDeps } from './identity.deps';
import { dummyPasswordHash } from './secrets';
import {
  changePassword,
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
});

export function authRoutes(deps: IdentityDeps, config: Pick<Config, 'publicUrl'>): FastifyPluginAsyncZod {
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
        summary: 'Sign in with user name and password; sets the session cookie',
        body: loginInput,
        response: { 200: sessionView },
      },
      handler: async (request, reply) => {
        const signedIn = await login(deps, contextOf(request), request.body, client(request.headers));
        setSessionCookies(reply, config.publicUrl, signedIn);
        return signedInView(signedIn);
      },
    });

    app.post('/api/auth/logout', {
      config: { action: 'identity.logout', allowExpiredPassword: true },
      schema: {
        tags,
        operationId: 'signOut',
        summary: 'Sign out: the session is revoked',
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await logout(deps, contextOf(request));
        clearSessionCookies(reply);
        return reply.status(204).send(null);
      },
    });

    app.get('/api/auth/session', {
      config: { allowExpiredPassword: true },
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
      config: { action: 'identity.password_change', allowExpiredPassword: true },
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
