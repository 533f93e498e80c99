import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../../http/request-context';
import { pageRequestOf, pageView } from '../../http/page.schemas';
import type { ReleaseDeps } from './release.deps';
import * as schemas from './release.schemas';
import {
  acceptRelease,
  cancelRelease,
  classifyRelease,
  getRelease,
  listReleases,
  rejectRelease,
  requestRelease,
} from './release.service';
import {
  analyseRelationships,
  assessResources,
  assessRisks,
  decideRelationships,
} from './assessment.service';
import { releaseReferences } from './release.references';
import { releaseActivity } from './release.activity';

const tags = ['releases'];

export function releaseRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const detail = (request: Parameters<typeof contextOf>[0], id: string) =>
      getRelease(deps, contextOf(request), id);

    app.get('/api/releases', {
      schema: {
        tags,
        operationId: 'listReleases',
        summary: 'Releases, a page at a time (keyset), newest first unless sorted',
        querystring: schemas.releaseListQuery,
        response: { 200: pageView(schemas.releaseView) },
      },
      handler: async (request) => {
        const { q, open, state, type, ...page } = request.query;
        return listReleases(
          deps,
          contextOf(request),
          { state, type, text: q, open: open === 'true' },
          pageRequestOf(page),
        );
      },
    });
    app.post('/api/releases', {
      config: { action: 'release.request' },
      schema: {
        tags,
        operationId: 'createRelease',
        summary: 'Request a release from approved changes (IN-1), with its items and target CIs',
        body: schemas.requestReleaseInput,
        response: { 201: schemas.releaseDetailView },
      },
      handler: async (request, reply) => {
        const release = await requestRelease(deps, contextOf(request), request.body);
        return reply.status(201).send(await detail(request, release.id));
      },
    });
    app.get('/api/releases/:id', {
      schema: {
        tags,
        operationId: 'getRelease',
        summary:
          'A release (by id or number) with its changes, items, assessments, plan and the actions the caller may take now (and why not the others)',
        params: schemas.idParams,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => detail(request, request.params.id),
    });
    app.get('/api/releases/:id/references', {
      schema: {
        tags,
        operationId: 'getReleaseReferences',
        summary:
          'The CIs and software versions a release names (items, targets, plan scope), for anyone who may read the release',
        params: schemas.idParams,
        response: { 200: schemas.referencesView },
      },
      handler: async (request) => releaseReferences(deps, contextOf(request), request.params.id),
    });
    app.get('/api/releases/:id/activity', {
      schema: {
        tags,
        operationId: 'getReleaseActivity',
        summary:
          "PR-3: the release's successful actions from the audit trail (who, what, when), for anyone who may read the release",
        params: schemas.idParams,
        response: { 200: schemas.activityView },
      },
      handler: async (request) => releaseActivity(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/accept', {
      config: { action: 'release.accept' },
      schema: {
        tags,
        operationId: 'acceptRelease',
        summary: 'Accept the request (IN-6); the changes are checked again',
        params: schemas.idParams,
        body: schemas.noteInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await acceptRelease(deps, contextOf(request), request.params.id, request.body.note ?? null);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/reject', {
      config: { action: 'release.reject' },
      schema: {
        tags,
        operationId: 'rejectRelease',
        summary: 'Reject the request with a reason (IN-6)',
        params: schemas.idParams,
        body: schemas.reasonInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await rejectRelease(deps, contextOf(request), request.params.id, request.body.reason);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/classify', {
      config: { action: 'release.classify' },
      schema: {
        tags,
        operationId: 'classifyRelease',
        summary: 'Set the type (TY-1); other than the proposal needs a reason (TY-3)',
        params: schemas.idParams,
        body: schemas.classifyInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await classifyRelease(
          deps,
          contextOf(request),
          request.params.id,
          request.body.type,
          request.body.reason ?? null,
        );
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/cancel', {
      config: { action: 'release.cancel' },
      schema: {
        tags,
        operationId: 'cancelRelease',
        summary: 'Cancel before implementation, with a reason',
        params: schemas.idParams,
        body: schemas.reasonInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await cancelRelease(deps, contextOf(request), request.params.id, request.body.reason);
        return detail(request, request.params.id);
      },
    });
    app.get('/api/releases/:id/relationships', {
      schema: {
        tags,
        operationId: 'getReleaseRelationships',
        summary: 'IN-3: related open releases (shared or dependent CIs), proposed merges and order',
        params: schemas.idParams,
        response: { 200: schemas.relationshipView },
      },
      handler: async (request) => analyseRelationships(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/assessments/relationship', {
      config: { action: 'release.assess_relationship' },
      schema: {
        tags,
        operationId: 'assessRelationship',
        summary: 'IN-3: record the merge/order decision',
        params: schemas.idParams,
        body: schemas.relationshipDecisionInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await decideRelationships(deps, contextOf(request), request.params.id, request.body);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/assessments/resource', {
      config: { action: 'release.assess_resource' },
      schema: {
        tags,
        operationId: 'assessResources',
        summary: 'IN-4: technical resources, people and availability, time',
        params: schemas.idParams,
        body: schemas.resourceInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await assessResources(deps, contextOf(request), request.params.id, request.body);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/assessments/risk', {
      config: { action: 'release.assess_risk' },
      schema: {
        tags,
        operationId: 'assessRisk',
        summary: 'IN-5: technical, business and management risks',
        params: schemas.idParams,
        body: schemas.riskInput,
        response: { 200: schemas.releaseDetailView },
      },
      handler: async (request) => {
        await assessRisks(deps, contextOf(request), request.params.id, request.body);
        return detail(request, request.params.id);
      },
    });
  };
}
