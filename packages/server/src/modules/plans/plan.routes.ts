import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { type ReleaseDeps, releaseDetailView, getRelease } from '../releases';
import * as schemas from './plan.schemas';
import {
  approveCompletion,
  approvePlan,
  calendar,
  conflictsOf,
  createFreeze,
  deleteFreeze,
  listFreezes,
  listPlans,
  overrideConflict,
  previousDecision,
  rejectPlan,
  revisePlan,
  saveCompletion,
  savePlan,
  submitPlan,
} from './plan.service';

const tags = ['release plans'];

export function planRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const detail = (request: Parameters<typeof contextOf>[0], id: string) =>
      getRelease(deps, contextOf(request), id);

    app.get('/api/releases/:id/plans', {
      schema: {
        tags,
        operationId: 'listPlanVersions',
        summary: 'Every plan version of a release, newest first, with comments',
        params: schemas.idParams,
        response: { 200: z.object({ plans: z.array(schemas.planView) }) },
      },
      handler: async (request) => ({ plans: await listPlans(deps, contextOf(request), request.params.id) }),
    });
    app.get('/api/releases/:id/plan/previous', {
      schema: {
        tags,
        operationId: 'previousPlanDecision',
        summary:
          'The plan as last put to a decision before the version in hand (its content as rejected, or the earlier version), for what changed since (PL-2)',
        params: schemas.idParams,
        response: { 200: schemas.previousDecisionView },
      },
      handler: async (request) => ({
        previous: await previousDecision(deps, contextOf(request), request.params.id),
      }),
    });
    app.put('/api/releases/:id/plan', {
      config: { action: 'plan.save' },
      schema: {
        tags,
        operationId: 'savePlan',
        summary: 'Save the draft plan (its sections); an approved plan cannot be edited (PL-3)',
        params: schemas.idParams,
        body: schemas.planContent,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await savePlan(deps, contextOf(request), request.params.id, request.body);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/plan/submit', {
      config: { action: 'plan.submit' },
      schema: {
        tags,
        operationId: 'submitPlan',
        summary: 'Submit the plan for approval; refused with the list of missing sections (PL-1)',
        params: schemas.idParams,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await submitPlan(deps, contextOf(request), request.params.id);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/plan/approve', {
      config: { action: 'plan.approve' },
      schema: {
        tags,
        operationId: 'approvePlan',
        summary: 'Approve the plan (TY-2 authority, RO-5 four eyes)',
        params: schemas.idParams,
        body: schemas.commentInput,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await approvePlan(deps, contextOf(request), request.params.id, request.body.comment ?? null);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/plan/reject', {
      config: { action: 'plan.reject' },
      schema: {
        tags,
        operationId: 'rejectPlan',
        summary: 'Reject the plan with comments; it returns to drafting (PL-2)',
        params: schemas.idParams,
        body: schemas.requiredCommentInput,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await rejectPlan(deps, contextOf(request), request.params.id, request.body.comment);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/plan/revise', {
      config: { action: 'plan.revise' },
      schema: {
        tags,
        operationId: 'revisePlan',
        summary: 'Revise an approved plan: a new version that needs approval again (PL-3)',
        params: schemas.idParams,
        body: schemas.reasonInput,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await revisePlan(deps, contextOf(request), request.params.id, request.body.reason);
        return detail(request, request.params.id);
      },
    });
    app.put('/api/releases/:id/plan/completion', {
      config: { action: 'plan.complete' },
      schema: {
        tags,
        operationId: 'completePlan',
        summary:
          'TY-4: complete the plan of an emergency release after its short form was approved, in any state up to close; window, steps and rollback stay as approved',
        params: schemas.idParams,
        body: schemas.planContent,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await saveCompletion(deps, contextOf(request), request.params.id, request.body);
        return detail(request, request.params.id);
      },
    });
    app.post('/api/releases/:id/plan/completion/approve', {
      config: { action: 'plan.approve_completion' },
      schema: {
        tags,
        operationId: 'approvePlanCompletion',
        summary: 'TY-4: approve the completed plan of an emergency release (TY-2 authority, RO-5 four eyes)',
        params: schemas.idParams,
        body: schemas.commentInput,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        await approveCompletion(deps, contextOf(request), request.params.id, request.body.comment ?? null);
        return detail(request, request.params.id);
      },
    });
    app.get('/api/releases/:id/plan/conflicts', {
      schema: {
        tags,
        operationId: 'getPlanConflicts',
        summary: 'PL-5: freeze windows and other releases in conflict with the plan window',
        params: schemas.idParams,
        response: { 200: z.object({ conflicts: z.array(schemas.conflictView) }) },
      },
      handler: async (request) => ({
        conflicts: await conflictsOf(deps, contextOf(request), request.params.id),
      }),
    });
    app.post('/api/releases/:id/plan/conflicts/:key/override', {
      config: { action: 'plan.override_conflict' },
      schema: {
        tags,
        operationId: 'overridePlanConflict',
        summary: 'PL-5: proceed despite a conflict, with the reason recorded',
        params: schemas.overrideParams,
        body: schemas.reasonInput,
        response: { 200: z.object({ conflicts: z.array(schemas.conflictView) }) },
      },
      handler: async (request) => {
        await overrideConflict(
          deps,
          contextOf(request),
          request.params.id,
          request.params.key,
          request.body.reason,
        );
        return { conflicts: await conflictsOf(deps, contextOf(request), request.params.id) };
      },
    });

    app.get('/api/calendar', {
      schema: {
        tags: ['calendar'],
        operationId: 'getCalendar',
        summary: 'Release windows and freeze windows in a period',
        querystring: schemas.rangeQuery,
        response: { 200: schemas.calendarView },
      },
      handler: async (request) => calendar(deps, contextOf(request), request.query.from, request.query.to),
    });
    app.get('/api/freeze-windows', {
      schema: {
        tags: ['calendar'],
        operationId: 'listFreezeWindows',
        summary: 'Freeze windows in a period',
        querystring: schemas.rangeQuery,
        response: { 200: z.object({ freezes: z.array(schemas.freezeView) }) },
      },
      handler: async (request) => ({
        freezes: await listFreezes(deps, contextOf(request), request.query.from, request.query.to),
      }),
    });
    app.post('/api/freeze-windows', {
      config: { action: 'calendar.freeze_create' },
      schema: {
        tags: ['calendar'],
        operationId: 'createFreezeWindow',
        summary: 'Add a freeze window',
        body: schemas.freezeInput,
        response: { 201: schemas.freezeView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createFreeze(deps, contextOf(request), request.body)),
    });
    app.delete('/api/freeze-windows/:id', {
      config: { action: 'calendar.freeze_delete' },
      schema: {
        tags: ['calendar'],
        operationId: 'deleteFreezeWindow',
        summary: 'Remove a freeze window',
        params: schemas.idParams,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await deleteFreeze(deps, contextOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
