import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../../http/request-context';
import { pageRequestOf, pageView } from '../../http/page.schemas';
import type { ChangeDeps } from './change.deps';
import * as schemas from './change.schemas';
import {
  createChange,
  getChange,
  listChanges,
  submitChange,
  updateChange,
  voteOnChange,
  withdrawChange,
} from './change.service';
import { receiveChangeWebhook, upsertExternalChange } from './external.service';

const tags = ['changes'];

export function changeRoutes(deps: ChangeDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/changes', {
      schema: {
        tags,
        operationId: 'listChanges',
        summary: 'Changes, built-in and external, a page at a time (keyset), newest first unless sorted',
        querystring: schemas.listQuery,
        response: { 200: pageView(schemas.changeView) },
      },
      handler: async (request) => {
        const { q, state, source, ...page } = request.query;
        return listChanges(deps, contextOf(request), { state, source, text: q }, pageRequestOf(page));
      },
    });
    app.post('/api/changes', {
      config: { action: 'change.create' },
      schema: {
        tags,
        operationId: 'createChange',
        summary: 'Register a change (a draft, numbered CHG-<year>-<seq>)',
        body: schemas.createChangeInput,
        response: { 201: schemas.changeDetailView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createChange(deps, contextOf(request), request.body)),
    });
    app.get('/api/changes/:id', {
      schema: {
        tags,
        operationId: 'getChange',
        summary: 'One change with its CAB votes, its CIs and the releases carrying it',
        params: schemas.idParams,
        response: { 200: schemas.changeDetailView },
      },
      handler: async (request) => getChange(deps, contextOf(request), request.params.id),
    });
    app.patch('/api/changes/:id', {
      config: { action: 'change.update' },
      schema: {
        tags,
        operationId: 'updateChange',
        summary: 'Edit a draft change',
        params: schemas.idParams,
        body: schemas.updateChangeInput,
        response: { 200: schemas.changeDetailView },
      },
      handler: async (request) => updateChange(deps, contextOf(request), request.params.id, request.body),
    });
    app.post('/api/changes/:id/submit', {
      config: { action: 'change.submit' },
      schema: {
        tags,
        operationId: 'submitChange',
        summary: 'Submit a draft change to CAB review',
        params: schemas.idParams,
        response: { 200: schemas.changeDetailView },
      },
      handler: async (request) => submitChange(deps, contextOf(request), request.params.id),
    });
    app.post('/api/changes/:id/votes', {
      config: { action: 'change.vote' },
      schema: {
        tags,
        operationId: 'voteOnChange',
        summary:
          'Vote as a CAB member (approve or reject, with a comment; a second vote replaces the first). The quorum of approvals approves, of rejections rejects (IN-1)',
        params: schemas.idParams,
        body: schemas.voteInput,
        response: { 200: schemas.changeDetailView },
      },
      handler: async (request) => voteOnChange(deps, contextOf(request), request.params.id, request.body),
    });
    app.post('/api/changes/:id/withdraw', {
      config: { action: 'change.withdraw' },
      schema: {
        tags,
        operationId: 'withdrawChange',
        summary: 'Withdraw a change, also after approval (a release carrying it is then blocked), saying why',
        params: schemas.idParams,
        body: schemas.withdrawInput,
        response: { 200: schemas.changeDetailView },
      },
      handler: async (request) =>
        withdrawChange(deps, contextOf(request), request.params.id, request.body.reason),
    });
    app.put('/api/changes/external/:system/:key', {
      config: { action: 'change.external_upsert' },
      schema: {
        tags,
        operationId: 'putExternalChange',
        summary:
          'Create or update a change of an external change system by its key (IN-2; API token with change.integrate). Idempotent: the body is the whole record, the same body twice changes nothing',
        params: schemas.externalParams,
        body: schemas.externalChangeInput,
        response: { 200: schemas.changeDetailView, 201: schemas.changeDetailView },
      },
      handler: async (request, reply) => {
        const { system, key } = request.params;
        const result = await upsertExternalChange(deps, contextOf(request), system, key, request.body);
        return reply.status(result.created ? 201 : 200).send(result.change);
      },
    });

    // The webhook is signed over its raw body, so in this context alone the body is kept as the
    // text received (the rest of the API keeps its JSON parser). The service checks the signature
    // before it parses the text: an unsigned request is refused (401) without its body being read,
    // whatever its content type says (decision 0005: who sent it is checked before what it says).
    await app.register(async (webhook) => {
      webhook.removeAllContentTypeParsers();
      webhook.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      webhook.post('/api/webhooks/changes/:system', {
        config: { action: 'change.webhook_receive' },
        // The body schema documents the contract; it is enforced by the service once the
        // signature verifies, so a validation failure here must not answer before it.
        attachValidation: true,
        schema: {
          tags,
          operationId: 'receiveChangeWebhook',
          summary:
            'Webhook of an external change system (IN-1, IN-2), the only way an external change becomes approved: the change as in PUT /api/changes/external/{system}/{key}, plus its key. Signed: X-ReleaseGate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<raw body>">, within 300 s of the server clock; X-ReleaseGate-Delivery: <id> (a delivery seen before is acknowledged and ignored). A state older than the one held is refused (409)',
          params: schemas.systemParams,
          headers: schemas.webhookHeaders,
          body: schemas.webhookChangeInput,
          response: { 200: schemas.webhookResult },
        },
        handler: async (request) => {
          const raw: unknown = request.body;
          const header = (name: string) => {
            const v = request.headers[name];
            return typeof v === 'string' ? v : undefined;
          };
          return receiveChangeWebhook(deps, contextOf(request), {
            system: String((request.params as { system: unknown }).system),
            rawBody: typeof raw === 'string' ? raw : '',
            signature: header('x-releasegate-signature'),
            deliveryId: header('x-releasegate-delivery'),
          });
        },
      });
    });
  };
}
