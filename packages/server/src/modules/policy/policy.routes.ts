import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import * as schemas from './policy.schemas';
import {
  approvePolicyVersion,
  currentPolicy,
  draftPolicyVersion,
  getPolicyVersion,
  listPolicyVersions,
  type PolicyDeps,
} from './policy.service';

const tags = ['policy'];

export function policyRoutes(deps: PolicyDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/policy', {
      schema: {
        tags,
        operationId: 'getPolicy',
        summary: 'The release policy in force (PC-1)',
        response: { 200: schemas.policyVersionView },
      },
      handler: async (request) => currentPolicy(deps, contextOf(request)),
    });
    app.get('/api/policy/versions', {
      schema: {
        tags,
        operationId: 'listPolicyVersions',
        summary: 'Every version of the policy',
        response: { 200: z.object({ versions: z.array(schemas.policyVersionView) }) },
      },
      handler: async (request) => ({ versions: await listPolicyVersions(deps, contextOf(request)) }),
    });
    app.get('/api/policy/versions/:id', {
      schema: {
        tags,
        operationId: 'getPolicyVersion',
        summary: 'One version of the policy',
        params: schemas.idParams,
        response: { 200: schemas.policyVersionView },
      },
      handler: async (request) => getPolicyVersion(deps, contextOf(request), request.params.id),
    });
    app.post('/api/policy/versions', {
      config: { action: 'policy.draft' },
      schema: {
        tags,
        operationId: 'createPolicyVersion',
        summary: 'Draft a new version of the policy (its rules, version and effective date)',
        body: schemas.draftPolicyInput,
        response: { 201: schemas.policyVersionView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await draftPolicyVersion(deps, contextOf(request), request.body)),
    });
    app.post('/api/policy/versions/:id/approve', {
      config: { action: 'policy.approve' },
      schema: {
        tags,
        operationId: 'approvePolicyVersion',
        summary: 'Approve a drafted version (operations manager); it takes effect on its date',
        params: schemas.idParams,
        response: { 200: schemas.policyVersionView },
      },
      handler: async (request) => approvePolicyVersion(deps, contextOf(request), request.params.id),
    });
  };
}
