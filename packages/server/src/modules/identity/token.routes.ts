import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import type { IdentityDeps } from './identity.deps';
import { createToken, listTokens, revokeToken } from './token.service';
import { createTokenInput, idParams, tokenListQuery, tokenView } from './identity.schemas';

const tags = ['api tokens'];

export function tokenRoutes(deps: IdentityDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/tokens', {
      schema: {
        tags,
        operationId: 'listTokens',
        summary: 'API tokens: your own, or everyone’s for the security administrator',
        querystring: tokenListQuery,
        response: { 200: z.object({ tokens: z.array(tokenView) }) },
      },
      handler: async (request) => ({
        tokens: await listTokens(deps, contextOf(request), request.query.userId),
      }),
    });

    app.post('/api/tokens', {
      config: { action: 'token.create' },
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Create a scoped, expiring API token; the secret is shown in this response only',
        body: createTokenInput,
        response: { 201: tokenView.extend({ token: z.string() }) },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createToken(deps, contextOf(request), request.body)),
    });

    app.post('/api/tokens/:id/revoke', {
      config: { action: 'token.revoke' },
      schema: {
        tags,
        operationId: 'revokeToken',
        summary: 'Revoke an API token',
        params: idParams,
        response: { 200: tokenView },
      },
      handler: async (request) => revokeToken(deps, contextOf(request), request.params.id),
    });
  };
}
