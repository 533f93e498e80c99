import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { authorize } from '../../authorize';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import {
  addGroupRoleMapping,
  listGroupRoleMappings,
  removeGroupRoleMapping,
  setBreakGlass,
} from './directory.service';
import { recheckDirectory, type Rechecker } from './directory.recheck';
import { getUser } from './user.service';
import {
  breakGlassInput,
  directoryStatusView,
  groupRoleMappingInput,
  groupRoleMappingView,
  idParams,
  recheckInput,
  recheckView,
  signInMethodsView,
  userView,
} from './identity.schemas';

const tags = ['directory'];

/** X-4 / RO-1: sign-in methods, the group → role mapping, the break-glass mark, the re-check. */
export function directoryRoutes(deps: IdentityDeps, recheckers: readonly Rechecker[]): FastifyPluginAsyncZod {
  const { directory } = deps.settings;
  return async (app) => {
    app.get('/api/auth/methods', {
      // Public, and the same for everyone: a session whose password must change first (the page
      // it is sent to) or that still lacks its second factor is no reason to refuse it.
      config: { allowExpiredPassword: true, allowWithoutSecondFactor: true },
      schema: {
        tags,
        operationId: 'getSignInMethods',
        summary: 'The sign-in methods this installation offers',
        response: { 200: signInMethodsView },
      },
      handler: async () => ({
        password: directory.localSignIn,
        ldap: directory.ldap !== null,
        oidc: directory.oidc && { label: directory.oidc.label },
      }),
    });

    app.get('/api/directory/status', {
      schema: {
        tags,
        operationId: 'getDirectoryStatus',
        summary: 'How directory sign-in is configured (no secrets)',
        response: { 200: directoryStatusView },
      },
      handler: async (request) => {
        authorize(contextOf(request), 'user.read');
        const holder = await repo.findBreakGlassUser(deps.db.kysely);
        return {
          ldap: directory.ldap && {
            url: directory.ldap.url,
            groups: directory.ldap.groups,
            nestedGroups: directory.ldap.nestedGroups,
          },
          oidc: directory.oidc && { issuer: directory.oidc.issuer, label: directory.oidc.label },
          recheckMinutes: directory.recheckMinutes,
          trustProviderMfa: directory.trustProviderMfa,
          localSignIn: directory.localSignIn,
          breakGlass: holder?.username ?? null,
        };
      },
    });

    app.post('/api/directory/recheck', {
      config: { action: 'identity.directory_recheck' },
      schema: {
        tags,
        operationId: 'recheckDirectory',
        summary: 'Look every directory user up again now (as the scheduled re-check does)',
        description:
          'More removals than DIRECTORY_RECHECK_MAX_REMOVALS are held (422 too_many_removals, nobody disabled) unless `confirmRemovals` is true.',
        body: recheckInput,
        response: { 200: recheckView },
      },
      handler: async (request) => {
        authorize(contextOf(request), 'user.manage');
        return recheckDirectory(deps, contextOf(request), recheckers, {
          confirmRemovals: request.body.confirmRemovals === true,
        });
      },
    });

    app.get('/api/directory/mappings', {
      schema: {
        tags,
        operationId: 'listGroupRoleMappings',
        summary: 'Directory groups and the roles their members hold',
        response: { 200: z.object({ mappings: z.array(groupRoleMappingView) }) },
      },
      handler: async (request) => ({ mappings: await listGroupRoleMappings(deps, contextOf(request)) }),
    });

    app.post('/api/directory/mappings', {
      config: { action: 'identity.group_mapping_add' },
      schema: {
        tags,
        operationId: 'addGroupRoleMapping',
        summary: 'Give the members of a directory group a role (refused when it breaks separation of duties)',
        body: groupRoleMappingInput,
        response: { 201: groupRoleMappingView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await addGroupRoleMapping(deps, contextOf(request), request.body)),
    });

    app.delete('/api/directory/mappings/:id', {
      config: { action: 'identity.group_mapping_remove' },
      schema: {
        tags,
        operationId: 'removeGroupRoleMapping',
        summary: 'Remove a group → role mapping (members lose the role at their next sign-in or re-check)',
        params: idParams,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await removeGroupRoleMapping(deps, contextOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    });

    app.put('/api/users/:id/break-glass', {
      config: { action: 'identity.break_glass_set' },
      schema: {
        tags: ['users'],
        operationId: 'setBreakGlass',
        summary: 'Name (or un-name) the local break-glass administrator',
        params: idParams,
        body: breakGlassInput,
        response: { 200: userView },
      },
      handler: async (request) => {
        await setBreakGlass(deps, contextOf(request), request.params.id, request.body.breakGlass);
        return getUser(deps, contextOf(request), request.params.id);
      },
    });
  };
}
