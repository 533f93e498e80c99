import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { pageRequestOf, pageView } from '../../http/page.schemas';
import * as schemas from './dsl.schemas';
import {
  approveVersion,
  deleteVersion,
  getVersion,
  listVersions,
  openContent,
  registerVersion,
  rejectVersion,
  retireVersion,
  updateVersionInfo,
  uploadContent,
  verifyVersion,
  type DslDeps,
} from './dsl.service';
import { acceptUploads, uploadFilename, uploadStream } from '../../http/uploads';

const tags = ['definitive software library'];

export function dslRoutes(deps: DslDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/dsl/versions', {
      schema: {
        tags,
        operationId: 'listDslVersions',
        summary:
          'Versions in the definitive software library, a page at a time (keyset), newest first unless sorted',
        querystring: schemas.listQuery,
        response: { 200: pageView(schemas.dslVersionView) },
      },
      handler: async (request) => {
        const { q, name, state, ...page } = request.query;
        return listVersions(deps, contextOf(request), { name, state, text: q }, pageRequestOf(page));
      },
    });
    app.post('/api/dsl/versions', {
      config: { action: 'dsl.version_register' },
      schema: {
        tags,
        operationId: 'createDslVersion',
        summary:
          'Register a version: upload its content next, or give an external reference with its SHA-256',
        body: schemas.registerVersionInput,
        response: { 201: schemas.dslVersionView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await registerVersion(deps, contextOf(request), request.body)),
    });
    app.get('/api/dsl/versions/:id', {
      schema: {
        tags,
        operationId: 'getDslVersion',
        summary: 'One version',
        params: schemas.idParams,
        response: { 200: schemas.dslVersionView },
      },
      handler: async (request) => getVersion(deps, contextOf(request), request.params.id),
    });
    app.patch('/api/dsl/versions/:id', {
      config: { action: 'dsl.version_update' },
      schema: {
        tags,
        operationId: 'updateDslVersion',
        summary: 'Change description or source (not once approved)',
        params: schemas.idParams,
        body: schemas.updateVersionInput,
        response: { 200: schemas.dslVersionView },
      },
      handler: async (request) =>
        updateVersionInfo(deps, contextOf(request), request.params.id, request.body),
    });
    app.delete('/api/dsl/versions/:id', {
      config: { action: 'dsl.version_delete' },
      schema: {
        tags,
        operationId: 'deleteDslVersion',
        summary: 'Delete a version that was never approved',
        params: schemas.idParams,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await deleteVersion(deps, contextOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    });
    await app.register(async (context) => {
      const uploads = acceptUploads(context);
      uploads.put('/api/dsl/versions/:id/content', {
        config: { action: 'dsl.content_upload' },
        schema: {
          tags,
          operationId: 'uploadDslContent',
          summary:
            'Upload the content (application/octet-stream; optional X-Filename header); streamed and hashed with SHA-256',
          params: schemas.idParams,
          response: { 200: schemas.dslVersionView },
        },
        handler: async (request) => {
          return uploadContent(deps, contextOf(request), request.params.id, uploadStream(request), {
            filename: uploadFilename(request),
            mediaType: 'application/octet-stream',
          });
        },
      });
    });
    app.get('/api/dsl/versions/:id/content', {
      config: { action: 'dsl.content_download' },
      schema: {
        tags,
        operationId: 'downloadDslContent',
        produces: ['application/octet-stream'],
        summary: 'Download the content; refused if the stored bytes no longer match the digest',
        params: schemas.idParams,
      },
      handler: async (request, reply) => {
        const { version, stream } = await openContent(deps, contextOf(request), request.params.id);
        const filename = version.filename ?? `${version.name}-${version.version}`;
        reply.header('content-type', 'application/octet-stream');
        reply.header('content-length', String(version.size));
        reply.header('x-content-sha256', version.digest!);
        reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
        return reply.send(stream);
      },
    });
    app.get('/api/dsl/versions/:id/verify', {
      schema: {
        tags,
        operationId: 'verifyDslContent',
        summary: 'Re-hash the stored content now and compare it with the recorded SHA-256',
        params: schemas.idParams,
        response: {
          200: z.object({ ok: z.boolean(), digest: z.string().nullable(), actual: z.string().nullable() }),
        },
      },
      handler: async (request) => verifyVersion(deps, contextOf(request), request.params.id),
    });
    app.post('/api/dsl/versions/:id/approve', {
      config: { action: 'dsl.version_approve' },
      schema: {
        tags,
        operationId: 'approveDslVersion',
        summary: 'Approve a version (operations manager; not the one who registered it)',
        params: schemas.idParams,
        body: schemas.decisionInput,
        response: { 200: schemas.dslVersionView },
      },
      handler: async (request) =>
        approveVersion(deps, contextOf(request), request.params.id, request.body.comment ?? null),
    });
    app.post('/api/dsl/versions/:id/reject', {
      config: { action: 'dsl.version_reject' },
      schema: {
        tags,
        operationId: 'rejectDslVersion',
        summary: 'Reject a version, saying why',
        params: schemas.idParams,
        body: schemas.rejectInput,
        response: { 200: schemas.dslVersionView },
      },
      handler: async (request) =>
        rejectVersion(deps, contextOf(request), request.params.id, request.body.comment),
    });
    app.post('/api/dsl/versions/:id/retire', {
      config: { action: 'dsl.version_retire' },
      schema: {
        tags,
        operationId: 'retireDslVersion',
        summary: 'Retire an approved version, saying why (it stays in the library)',
        params: schemas.idParams,
        body: schemas.retireInput,
        response: { 200: schemas.dslVersionView },
      },
      handler: async (request) =>
        retireVersion(deps, contextOf(request), request.params.id, request.body.reason),
    });
  };
}
