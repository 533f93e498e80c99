import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DomainError, notFound } from '@releasegate/domain';
import type { Config } from '../../config';
import { setSecondFactorCookie, setSessionCookies } from '../../http/cookies';
import { contextOf } from '../../http/request-context';
import type { IdentityDeps } from './identity.deps';
import type { OidcClient } from './oidc.client';
import { finishOidcSignIn, OIDC_CALLBACK_PATH, OIDC_SIGN_IN_MINUTES, startOidcSignIn } from './oidc.service';

const tags = ['identity'];

/** the browser's half of the state: it must come back with the same one (login CSRF). */
export const OIDC_STATE_COOKIE = 'rg_oidc';
const STATE_COOKIE_PATH = '/api/auth/oidc';

/**
 * Where the sign-in page shows why an OIDC sign-in was refused: `error` is a reason code the web
 * renders in the user's language (never text to parse); `groups` names the colliding groups.
 */
function refusedLocation(error: DomainError): string {
  const details = (error.details ?? {}) as { reason?: unknown; collidingGroups?: unknown };
  const reason = typeof details.reason === 'string' ? details.reason : error.code;
  const params = new URLSearchParams({ error: reason });
  if (Array.isArray(details.collidingGroups)) params.set('groups', details.collidingGroups.join(', '));
  return `/login?${params.toString()}`;
}

const redirectSchema = z.null().describe('Redirect (302): `Location` names where the browser goes next');

/** sign-in through the OpenID Provider: the redirect there, and the callback from it. */
export function oidcRoutes(
  deps: IdentityDeps,
  client: OidcClient | null,
  config: Pick<Config, 'publicUrl'>,
): FastifyPluginAsyncZod {
  const secure = config.publicUrl.startsWith('https:');
  const go = (reply: FastifyReply, location: string) => reply.redirect(location, 302);
  return async (app) => {
    app.get('/api/auth/oidc/start', {
      config: { action: 'identity.login' },
      schema: {
        tags,
        operationId: 'startOidcSignIn',
        summary: 'Single sign-on: redirects the browser to the OpenID Provider',
        description:
          'X-4: authorization code flow with PKCE (S256), state and nonce. The sign-in is kept on the server for ' +
          `${OIDC_SIGN_IN_MINUTES} minutes; the browser keeps the state in a short-lived cookie. A provider that does ` +
          'not answer sends the browser to `/login?error=provider_unavailable`. 404 when no provider is configured.',
        querystring: z.object({
          next: z.string().max(1000).optional().describe('The path of this site to go back to after sign-in'),
        }),
        response: { 302: redirectSchema },
      },
      handler: async (request, reply) => {
        if (!client) throw notFound('oidc_provider', 'oidc');
        try {
          const started = await startOidcSignIn(deps, contextOf(request), client, request.query.next);
          reply.setCookie(OIDC_STATE_COOKIE, started.state, {
            path: STATE_COOKIE_PATH,
            httpOnly: true,
            // Lax: the provider's redirect back is a top-level GET from another site.
            sameSite: 'lax',
            secure,
            expires: new Date(started.expiresAt),
          });
          return go(reply, started.url);
        } catch (error) {
          if (error instanceof DomainError) return go(reply, refusedLocation(error));
          throw error;
        }
      },
    });

    app.get(OIDC_CALLBACK_PATH, {
      config: { action: 'identity.login' },
      schema: {
        tags,
        operationId: 'finishOidcSignIn',
        summary: 'Single sign-on: the OpenID Provider sends the browser back here',
        description:
          'X-4: takes `code` and `state` (or `error`) as the provider sends them. The state must match the ' +
          "browser's cookie and be unused and unexpired; the code is exchanged with the PKCE verifier, the ID token " +
          'validated (issuer, audience, nonce, expiry), and the groups claim mapped to roles (RO-1, RO-3). Redirects ' +
          'to the page the sign-in started from, to `/login?step=second-factor` when a TOTP second factor is due, or ' +
          'to `/login?error=<reason>` when refused (every refusal audited as identity.login denied).',
        response: { 302: redirectSchema },
      },
      handler: async (request, reply) => {
        if (!client) throw notFound('oidc_provider', 'oidc');
        reply.clearCookie(OIDC_STATE_COOKIE, { path: STATE_COOKIE_PATH });
        try {
          const outcome = await finishOidcSignIn(
            deps,
            contextOf(request),
            client,
            {
              callbackUrl: new URL(request.url, config.publicUrl),
              cookieState: request.cookies[OIDC_STATE_COOKIE],
            },
            { userAgent: request.headers['user-agent'] ?? null },
          );
          if ('pending' in outcome) {
            setSecondFactorCookie(reply, config.publicUrl, outcome.pending);
            const params = new URLSearchParams({ step: 'second-factor', next: outcome.returnTo });
            return go(reply, `/login?${params.toString()}`);
          }
          setSessionCookies(reply, config.publicUrl, outcome.signedIn);
          return go(reply, outcome.returnTo);
        } catch (error) {
          if (error instanceof DomainError) return go(reply, refusedLocation(error));
          throw error;
        }
      },
    });
  };
}
