import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ADMINISTRATOR_ROLES,
  NEVER_ON_TOKENS,
  PERMISSIONS,
  PIPELINE_SCOPES,
  ROLES,
  ROLE_PERMISSIONS,
} from '@releasegate/domain';
import { contextOf } from '../../http/request-context';
import { pageRequestOf, pageView } from '../../http/page.schemas';
import type { IdentityDeps } from './identity.deps';
import {
  createUser,
  getUser,
  listPeople,
  listUsers,
  resetPassword,
  setUserDisabled,
  unlockUser,
  updateUser,
} from './user.service';
import {
  createUserInput,
  idParams,
  peopleView,
  resetPasswordInput,
  rolesView,
  updateUserInput,
  userListQuery,
  userView,
} from './identity.schemas';
import { requirePrincipal } from '../../authorize';

const tags = ['users'];

export function userRoutes(deps: IdentityDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/users', {
      schema: {
        tags,
        operationId: 'listUsers',
        summary: 'Users, a page at a time (keyset), by username unless sorted',
        querystring: userListQuery,
        response: { 200: pageView(userView) },
      },
      handler: async (request) => {
        const { disabled, serviceAccount, text, role, status, ...page } = request.query;
        return listUsers(
          deps,
          contextOf(request),
          {
            text,
            role,
            status,
            ...(disabled && { disabled: disabled === 'true' }),
            ...(serviceAccount && { serviceAccount: serviceAccount === 'true' }),
          },
          pageRequestOf(page),
        );
      },
    });

    app.get('/api/people', {
      schema: {
        tags,
        operationId: 'listPeople',
        summary: 'Usernames and display names of every account (any signed-in user)',
        response: { 200: peopleView },
      },
      handler: async (request) => ({ people: await listPeople(deps, contextOf(request)) }),
    });

    app.get('/api/users/:id', {
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'One user',
        params: idParams,
        response: { 200: userView },
      },
      handler: async (request) => getUser(deps, contextOf(request), request.params.id),
    });

    app.post('/api/users', {
      config: { action: 'user.create' },
      schema: {
        tags,
        operationId: 'createUser',
        summary: 'Create a user (security administrator)',
        body: createUserInput,
        response: { 201: userView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createUser(deps, contextOf(request), request.body)),
    });

    app.patch('/api/users/:id', {
      config: { action: 'user.update' },
      schema: {
        tags,
        operationId: 'updateUser',
        summary: 'Change name, e-mail or roles',
        params: idParams,
        body: updateUserInput,
        response: { 200: userView },
      },
      handler: async (request) => updateUser(deps, contextOf(request), request.params.id, request.body),
    });

    for (const [verb, disabled] of [
      ['disable', true],
      ['enable', false],
    ] as const) {
      app.post(`/api/users/:id/${verb}`, {
        config: { action: `user.${verb}` },
        schema: {
          tags,
          operationId: verb === 'disable' ? 'disableUser' : 'enableUser',
          summary: `${verb === 'disable' ? 'Disable (ends every session)' : 'Enable'} a user`,
          params: idParams,
          response: { 200: userView },
        },
        handler: async (request) => setUserDisabled(deps, contextOf(request), request.params.id, disabled),
      });
    }

    app.post('/api/users/:id/password', {
      config: { action: 'user.password_reset' },
      schema: {
        tags,
        operationId: 'setUserPassword',
        summary: "Set a user's password (ends every session)",
        params: idParams,
        body: resetPasswordInput,
        response: { 200: userView },
      },
      handler: async (request) =>
        resetPassword(deps, contextOf(request), request.params.id, request.body.password),
    });

    app.post('/api/users/:id/unlock', {
      config: { action: 'user.unlock' },
      schema: {
        tags,
        operationId: 'unlockUser',
        summary: 'Lift a sign-in lockout',
        params: idParams,
        response: { 200: userView },
      },
      handler: async (request) => unlockUser(deps, contextOf(request), request.params.id),
    });

    app.get('/api/roles', {
      schema: {
        tags,
        operationId: 'listRoles',
        summary: 'Roles and the permissions each grants',
        response: { 200: rolesView },
      },
      handler: async (request) => {
        requirePrincipal(contextOf(request));
        return {
          roles: ROLES.map((role) => ({
            role,
            administrator: (ADMINISTRATOR_ROLES as readonly string[]).includes(role),
            permissions: [...ROLE_PERMISSIONS[role]],
          })),
          permissions: [...PERMISSIONS],
          tokenScopes: { pipeline: [...PIPELINE_SCOPES], never: [...NEVER_ON_TOKENS] },
        };
      },
    });
  };
}
