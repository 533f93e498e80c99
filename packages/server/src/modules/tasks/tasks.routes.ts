import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../../http/request-context';
import type { ReleaseDeps } from '../releases';
import * as schemas from './tasks.schemas';
import { listMyTasks } from './tasks.service';

const tags = ['my to-do'];

/** 我的待办: what waits for the signed-in user, whatever their roles. */
export function tasksRoutes(deps: ReleaseDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/me/tasks', {
      schema: {
        tags,
        operationId: 'listMyTasks',
        summary:
          "The signed-in user's to-do: lifecycle steps of open releases they may take now (the release's available actions), their plans returned by the approver, changes awaiting their CAB vote, software versions awaiting their approval; deadlines first, at most 100",
        response: { 200: schemas.myTasks },
      },
      handler: async (request) => listMyTasks(deps, contextOf(request)),
    });
  };
}
