import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../../http/request-context';
import * as schemas from './measures.schemas';
import { exportQuarter, quarterReleases, quarterSummaries, type MeasuresDeps } from './measures.service';

const tags = ['measures'];

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export function measuresRoutes(deps: MeasuresDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/measures/quarters', {
      schema: {
        tags,
        operationId: 'listQuarterMeasures',
        summary:
          'KP-1, KP-2: per quarter, the release success rate against the policy target with its counts, and the other measures; with the rules in words',
        querystring: schemas.quartersQuery,
        response: { 200: schemas.quartersView },
      },
      handler: async (request) =>
        quarterSummaries(deps, contextOf(request), request.query.from, request.query.to),
    });
    app.get('/api/measures/quarters/:quarter/releases', {
      schema: {
        tags,
        operationId: 'listQuarterReleases',
        summary:
          "KP-1 drill-down: the quarter's closed releases, filtered by outcome or type, sorted and paged",
        params: schemas.quarterParams,
        querystring: schemas.releasesQuery,
        response: { 200: schemas.quarterReleasesView },
      },
      handler: async (request) =>
        quarterReleases(deps, contextOf(request), request.params.quarter, request.query),
    });
    app.get('/api/measures/quarters/:quarter/export', {
      config: { action: 'measures.export' },
      schema: {
        tags,
        operationId: 'exportQuarterReport',
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
        summary: 'KP-3: the quarter as a report, XLSX (summary and releases sheets) or CSV',
        params: schemas.quarterParams,
        querystring: schemas.exportQuery,
      },
      handler: async (request, reply) => {
        const { quarter } = request.params;
        const { format, lang } = request.query;
        const body = await exportQuarter(deps, contextOf(request), quarter, format, lang);
        reply.header('content-type', CONTENT_TYPES[format]);
        reply.header('content-disposition', `attachment; filename="release-measures-${quarter}.${format}"`);
        return reply.send(body);
      },
    });
  };
}
