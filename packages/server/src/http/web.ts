import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { CODE_DIR } from '../code-dir';

/** packages/web/dist, from packages/server/src or packages/server/dist alike. */
export const DEFAULT_WEB_DIST = path.resolve(CODE_DIR, '../../web/dist');

/**
 * Serves the built web app; any non-API GET that is not a file gets index.html, so the
 * browser router owns the paths. Unknown API paths get the JSON error shape.
 */
export async function registerWeb(app: FastifyInstance, distDir: string): Promise<void> {
  const hasWeb = fs.existsSync(path.join(distDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: distDir, wildcard: false, index: false });
  app.setNotFoundHandler(async (request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url === '/api';
    if (!isApi && hasWeb && request.method === 'GET') {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({
      error: {
        code: 'not_found',
        message: `No such endpoint: ${request.method} ${request.url.split('?')[0]}`,
      },
    });
  });
}
