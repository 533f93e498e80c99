import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { cjkFont } from './document.font';
import { DOCUMENT_FORMATS } from './document.formats';
import { exportPlanDocument, type DocumentDeps, type DocumentFile } from './documents.service';

const planDocumentParams = z.object({
  id: z.string().min(1).max(64),
  version: z.coerce.number().int().min(1).max(100_000),
});
const documentQuery = z.object({
  format: z.enum(DOCUMENT_FORMATS).default('docx'),
  lang: z.enum(['zh', 'en']).default('zh'),
});

/** RFC 5987 / RFC 6266: the UTF-8 name for browsers that read it, an ASCII one for the rest. */
export function contentDisposition(filename: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Sends a rendered document as a download. The report route (CL-2, with close) uses it too. */
export function sendDocument(reply: FastifyReply, doc: DocumentFile) {
  reply.header('content-type', doc.contentType);
  reply.header('content-length', String(doc.bytes.length));
  reply.header('content-disposition', contentDisposition(doc.filename, doc.asciiFilename));
  reply.header('cache-control', 'no-store');
  return reply.send(doc.bytes);
}

export function documentRoutes(deps: DocumentDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Say at start-up which font PDFs will embed, or what to install (PL-4, decision 0007).
    try {
      const font = cjkFont(deps.pdfFontPath);
      app.log.info({ font: font.regular.file, source: font.source }, 'PDF documents embed this CJK font');
    } catch (error) {
      app.log.warn({ err: error }, 'PDF documents cannot be rendered until a CJK font is available');
    }

    app.get('/api/releases/:id/plans/:version/document', {
      config: { action: 'document.export' },
      schema: {
        tags: ['documents'],
        operationId: 'downloadPlanDocument',
        summary: 'PL-4: the plan version as the document 《发布计划》, DOCX or PDF (audited)',
        params: planDocumentParams,
        querystring: documentQuery,
        produces: [
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'application/pdf',
        ],
      },
      handler: async (request, reply) => {
        const doc = await exportPlanDocument(
          deps,
          contextOf(request),
          request.params.id,
          request.params.version,
          request.query.format,
          request.query.lang,
        );
        return sendDocument(reply, doc);
      },
    });
  };
}
