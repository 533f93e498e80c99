import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '@releasegate/domain';
import { contextOf } from '../../http/request-context';
import { type ReleaseDeps, releaseDetailView, getRelease, findRelease } from '../releases';
import { authorize } from '../../authorize';
import {
  completeImplementation,
  finishStep,
  getProgress,
  startImplementation,
  startStep,
} from './execution.service';
import {
  finishStepInput,
  progressView,
  startStepInput,
  stepParams,
  stepReportView,
} from './execution.schemas';

const tags = ['implementation'];
const idParams = z.object({ id: z.string().min(1).max(64) });
/** A comment line every 15 s keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export function executionRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/releases/:id/implementation/start', {
      config: { action: 'release.start_implementation' },
      schema: {
        tags,
        operationId: 'startImplementation',
        summary: 'PR-1, IM-2: start implementation; refused with every reason the gate gives',
        params: idParams,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await startImplementation(deps, ctx, request.params.id);
        return getRelease(deps, ctx, request.params.id);
      },
    });
    app.post('/api/releases/:id/implementation/complete', {
      config: { action: 'release.complete_implementation' },
      schema: {
        tags,
        operationId: 'completeImplementation',
        summary: 'IM-2: every step has succeeded: post-release management begins',
        params: idParams,
        response: { 200: releaseDetailView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        await completeImplementation(deps, ctx, request.params.id);
        return getRelease(deps, ctx, request.params.id);
      },
    });
    app.get('/api/releases/:id/progress', {
      schema: {
        tags,
        operationId: 'getProgress',
        summary: 'IM-3: the steps of both phases with how each ran; done, current, elapsed against planned',
        params: idParams,
        response: { 200: progressView },
      },
      handler: async (request) => getProgress(deps, contextOf(request), request.params.id),
    });
    app.post('/api/releases/:id/steps/:phase/:index/start', {
      config: { action: 'release.start_step' },
      schema: {
        tags,
        operationId: 'startStep',
        summary: 'IM-2, RB-3, IM-7: a step starts (in plan order); idempotent with reportId',
        params: stepParams,
        body: startStepInput,
        response: { 200: stepReportView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        const { id, phase, index } = request.params;
        const { duplicate } = await startStep(deps, ctx, id, phase, index, request.body);
        return { ...(await getProgress(deps, ctx, id)), duplicate };
      },
    });
    app.post('/api/releases/:id/steps/:phase/:index/finish', {
      config: { action: 'release.finish_step' },
      schema: {
        tags,
        operationId: 'finishStep',
        summary: 'IM-2, RB-3, IM-7: a running step ends with result and output; idempotent with reportId',
        params: stepParams,
        body: finishStepInput,
        response: { 200: stepReportView },
      },
      handler: async (request) => {
        const ctx = contextOf(request);
        const { id, phase, index } = request.params;
        const { duplicate } = await finishStep(deps, ctx, id, phase, index, request.body);
        return { ...(await getProgress(deps, ctx, id)), duplicate };
      },
    });
    app.get('/api/releases/:id/live', {
      schema: {
        tags,
        operationId: 'streamReleaseEvents',
        produces: ['text/event-stream'],
        summary: 'IM-3: Server-Sent Events for one release (every node hears every node on PostgreSQL)',
        params: idParams,
      },
      handler: async (request, reply) => {
        authorize(contextOf(request), 'release.read');
        const release = await findRelease(deps.db.kysely, request.params.id);
        if (!release) throw notFound('release', request.params.id);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        let seq = 0;
        const send = (event: string, data: unknown) =>
          raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        send('hello', { releaseId: release.id, state: release.state });
        const unsubscribe = deps.events.subscribe(release.id, (e) => send('change', e));
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
        const end = () => {
          clearInterval(heartbeat);
          unsubscribe();
        };
        // The server's shutdown closes this connection too (forceCloseConnections), which ends it here.
        request.raw.on('close', end);
      },
    });
  };
}
