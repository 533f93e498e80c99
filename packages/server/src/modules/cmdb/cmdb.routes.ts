import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { pageRequestOf } from '../../http/page.schemas';
import type { CmdbDeps } from './cmdb.deps';
import type { ImportLimits } from './transfer/import-limits';
import * as schemas from './cmdb.schemas';
import { createCiType, listCiTypes, updateCiType } from './ci-type.service';
import {
  addRelation,
  ciHistory,
  createCi,
  getCi,
  listCis,
  removeRelation,
  retireCi,
  updateCi,
} from './ci.service';
import { analyseImpact } from './impact.service';
import { sendImpact } from './impact.response';
import { compareBaseline, getBaseline, listBaselines, takeBaseline } from './baseline.service';
import { importCmdb } from './transfer/import.service';
import { exportCmdb } from './transfer/export.service';
import { acceptUploads, uploadFilename, uploadStream } from '../../http/uploads';

const tags = ['cmdb'];

export function cmdbRoutes(deps: CmdbDeps, importLimits: ImportLimits): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/cmdb/types', {
      schema: {
        tags,
        operationId: 'listCiTypes',
        summary: 'CI types and their attribute fields',
        response: { 200: z.object({ types: z.array(schemas.ciTypeView) }) },
      },
      handler: async (request) => ({ types: await listCiTypes(deps, contextOf(request)) }),
    });
    app.post('/api/cmdb/types', {
      config: { action: 'cmdb.type_create' },
      schema: {
        tags,
        operationId: 'createCiType',
        summary: 'Add a CI type',
        body: schemas.createCiTypeInput,
        response: { 201: schemas.ciTypeView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createCiType(deps, contextOf(request), request.body)),
    });
    app.put('/api/cmdb/types/:key', {
      config: { action: 'cmdb.type_update' },
      schema: {
        tags,
        operationId: 'updateCiType',
        summary: 'Rename a CI type or change its fields',
        params: schemas.typeKeyParams,
        body: schemas.updateCiTypeInput,
        response: { 200: schemas.ciTypeView },
      },
      handler: async (request) => updateCiType(deps, contextOf(request), request.params.key, request.body),
    });

    app.get('/api/cmdb/cis', {
      schema: {
        tags,
        operationId: 'listCis',
        summary: 'Search configuration items, a page at a time (keyset), by name unless sorted',
        querystring: schemas.ciListQuery,
        response: { 200: schemas.ciListView },
      },
      handler: async (request) => {
        const { cursor, limit, sort, critical, q, ...rest } = request.query;
        return listCis(
          deps,
          contextOf(request),
          { ...rest, text: q, ...(critical && { critical: critical === 'true' }) },
          pageRequestOf({ cursor, limit, sort }),
        );
      },
    });
    app.post('/api/cmdb/cis', {
      config: { action: 'cmdb.ci_create' },
      schema: {
        tags,
        operationId: 'createCi',
        summary: 'Create a configuration item',
        body: schemas.createCiInput,
        response: { 201: schemas.ciView },
      },
      handler: async (request, reply) => {
        const { reason, ...input } = request.body;
        return reply
          .status(201)
          .send(await createCi(deps, contextOf(request), input, { kind: 'manual', reason }));
      },
    });
    app.get('/api/cmdb/cis/:id', {
      schema: {
        tags,
        operationId: 'getCi',
        summary: 'A configuration item with its relations',
        params: schemas.idParams,
        response: { 200: schemas.ciDetailView },
      },
      handler: async (request) => getCi(deps, contextOf(request), request.params.id),
    });
    app.patch('/api/cmdb/cis/:id', {
      config: { action: 'cmdb.ci_update' },
      schema: {
        tags,
        operationId: 'updateCi',
        summary: 'Change a configuration item (give its current revision and the reason)',
        params: schemas.idParams,
        body: schemas.updateCiInput,
        response: { 200: schemas.ciView },
      },
      handler: async (request) => {
        const { reason, ...patch } = request.body;
        return updateCi(deps, contextOf(request), request.params.id, patch, { kind: 'manual', reason });
      },
    });
    app.post('/api/cmdb/cis/:id/retire', {
      config: { action: 'cmdb.ci_retire' },
      schema: {
        tags,
        operationId: 'retireCi',
        summary: 'Retire a configuration item (its relations are removed)',
        params: schemas.idParams,
        body: schemas.retireInput,
        response: { 200: schemas.ciView },
      },
      handler: async (request) =>
        retireCi(deps, contextOf(request), request.params.id, {
          kind: 'manual',
          reason: request.body.reason,
        }),
    });
    app.get('/api/cmdb/cis/:id/history', {
      schema: {
        tags,
        operationId: 'getCiHistory',
        summary: 'Every change of a configuration item: who, when, why, before and after',
        params: schemas.idParams,
        response: { 200: schemas.historyView },
      },
      handler: async (request) => ({ entries: await ciHistory(deps, contextOf(request), request.params.id) }),
    });
    app.get('/api/cmdb/cis/:id/impact', {
      schema: {
        tags,
        operationId: 'getCiImpact',
        summary: 'What a change to this CI affects',
        params: schemas.idParams,
        querystring: schemas.impactQuery,
        response: { 200: schemas.impactView },
      },
      // The answer is written as JSON by impactJson (no zod pass over ~100,000 entries).
      handler: async (request, reply) =>
        sendImpact(
          reply,
          await analyseImpact(
            deps,
            contextOf(request),
            [request.params.id],
            request.query.depth,
            request.query.limit,
          ),
        ),
    });
    app.post('/api/cmdb/impact', {
      schema: {
        tags,
        operationId: 'analyzeImpact',
        summary: 'What a change to a set of CIs affects, transitively, with paths',
        body: schemas.impactInput,
        response: { 200: schemas.impactView },
      },
      handler: async (request, reply) =>
        sendImpact(
          reply,
          await analyseImpact(
            deps,
            contextOf(request),
            request.body.ciIds,
            request.body.maxDepth,
            request.body.limit,
          ),
        ),
    });

    app.post('/api/cmdb/relations', {
      config: { action: 'cmdb.relation_add' },
      schema: {
        tags,
        operationId: 'createRelation',
        summary: 'Relate two CIs (source —type→ target)',
        body: schemas.createRelationInput,
        response: { 201: schemas.relationView },
      },
      handler: async (request, reply) => {
        const { reason, ...input } = request.body;
        return reply
          .status(201)
          .send(await addRelation(deps, contextOf(request), input, { kind: 'manual', reason }));
      },
    });
    app.post('/api/cmdb/relations/:id/remove', {
      config: { action: 'cmdb.relation_remove' },
      schema: {
        tags,
        operationId: 'removeRelation',
        summary: 'Remove a relation',
        params: schemas.idParams,
        body: schemas.retireInput,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await removeRelation(deps, contextOf(request), request.params.id, {
          kind: 'manual',
          reason: request.body.reason,
        });
        return reply.status(204).send(null);
      },
    });

    await app.register(async (context) => {
      const uploads = acceptUploads(context);
      uploads.post('/api/cmdb/import', {
        config: { action: 'cmdb.import' },
        schema: {
          tags,
          operationId: 'importCmdb',
          summary:
            'Import CIs and relations from CSV or XLSX (application/octet-stream; X-Filename header). A file with any bad row imports nothing.',
          querystring: schemas.importQuery,
          response: { 200: schemas.importReportView },
        },
        handler: async (request) => {
          return importCmdb(deps, contextOf(request), uploadStream(request), {
            format: request.query.format,
            kind: request.query.kind,
            dryRun: request.query.dryRun === 'true',
            fileName: uploadFilename(request),
            limits: importLimits,
          });
        },
      });
    });
    app.get('/api/cmdb/export', {
      config: { action: 'cmdb.export' },
      schema: {
        tags,
        operationId: 'exportCmdb',
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        summary: 'Export CIs or relations as CSV, or both as XLSX',
        querystring: schemas.exportQuery,
      },
      handler: async (request, reply) => {
        const { format, kind } = request.query;
        const stream = await exportCmdb(deps, contextOf(request), format, kind);
        const stamp = new Date().toISOString().slice(0, 10);
        reply.header(
          'content-type',
          format === 'csv'
            ? 'text/csv; charset=utf-8'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
        reply.header(
          'content-disposition',
          `attachment; filename="cmdb-${format === 'csv' ? kind : 'all'}-${stamp}.${format}"`,
        );
        return reply.send(stream);
      },
    });

    app.get('/api/cmdb/baselines', {
      schema: {
        tags,
        operationId: 'listBaselines',
        summary: 'Configuration baselines',
        response: { 200: z.object({ baselines: z.array(schemas.baselineView) }) },
      },
      handler: async (request) => ({ baselines: await listBaselines(deps, contextOf(request)) }),
    });
    app.post('/api/cmdb/baselines', {
      config: { action: 'cmdb.baseline_take' },
      schema: {
        tags,
        operationId: 'createBaseline',
        summary: 'Take a baseline of the given CIs, or of those matching a filter',
        body: schemas.takeBaselineInput,
        response: { 201: schemas.baselineView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await takeBaseline(deps, contextOf(request), request.body)),
    });
    app.get('/api/cmdb/baselines/:id', {
      schema: {
        tags,
        operationId: 'getBaseline',
        summary: 'A baseline with its snapshots',
        params: schemas.idParams,
        response: { 200: schemas.baselineDetailView },
      },
      handler: async (request) => getBaseline(deps, contextOf(request), request.params.id),
    });
    app.get('/api/cmdb/baselines/:id/compare', {
      schema: {
        tags,
        operationId: 'compareBaseline',
        summary: 'Differences from a baseline to now or to another baseline',
        params: schemas.idParams,
        querystring: schemas.compareQuery,
        response: { 200: schemas.diffView },
      },
      handler: async (request) =>
        compareBaseline(deps, contextOf(request), request.params.id, request.query.against),
    });
  };
}
