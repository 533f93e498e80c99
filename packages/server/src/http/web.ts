import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { CODE_DIR } from '../code-dir';
import type { Registry } from 'prom-client';
import { compressPage, loadFirstPaint, wantsFirstPaint } from './first-paint';
import { registerFirstPaintMetrics } from './metrics';

/** packages/web/dist, from packages/server/src or packages/server/dist alike. */
export const DEFAULT_WEB_DIST = path.resolve(CODE_DIR, '../../web/dist');

/** A year: what a file whose name carries its content's hash may be kept for without asking again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A file the web build names after its content (`assets/index-BnX3a9_k.js`, and its `.br` and
 * `.gz` copies): Vite writes every such file into assets/ with a hash of at least 8 characters.
 */
export function isHashedAsset(distDir: string, file: string): boolean {
  const relative = path.relative(distDir, file).split(path.sep);
  if (relative.length !== 2 || relative[0] !== 'assets') return false;
  return /-[\w-]{8,}\.[a-z0-9]+$/i.test(relative[1].replace(/\.(br|gz)$/, ''));
}

/**
 * Serves the built web app; any non-API GET that is not a file gets index.html, so the
 * browser router owns the paths. Unknown API paths get the JSON error shape.
 *
 * Issue #18: the build leaves a brotli and a gzip copy beside each text file; the browser gets
 * brotli if it accepts it, else gzip, else the file itself (`preCompressed`), and every answer
 * says it varies with Accept-Encoding so a cache in between keeps them apart. Hashed assets are
 * cached for a year without revalidation; index.html and anything else (favicon) are revalidated
 * on every load (`no-cache`), so a new release is picked up at the next visit.
 */
export async function registerWeb(
  app: FastifyInstance,
  { distDir, firstPaintMs, metrics }: { distDir: string; firstPaintMs: number; metrics: Registry },
): Promise<void> {
  const hasWeb = fs.existsSync(path.join(distDir, 'index.html'));
  if (hasWeb)
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader('vary', 'Accept-Encoding');
        res.setHeader('cache-control', isHashedAsset(distDir, file) ? IMMUTABLE : 'no-cache');
      },
    });
  // Issue #18: a phone's first paint of the pages it acts on, drawn here (http/first-paint.ts).
  const firstPaint =
    hasWeb && firstPaintMs > 0
      ? await loadFirstPaint(app, {
          webDist: distDir,
          template: fs.readFileSync(path.join(distDir, 'index.html'), 'utf8'),
          timeoutMs: firstPaintMs,
        })
      : null;
  if (firstPaint) registerFirstPaintMetrics(metrics, firstPaint.counts);
  app.setNotFoundHandler(async (request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url === '/api';
    // HEAD too (monitors, link checkers): Node sends the GET's headers without the body.
    if (!isApi && hasWeb && (request.method === 'GET' || request.method === 'HEAD')) {
      const page = firstPaint && wantsFirstPaint(request) ? await firstPaint.render(request) : null;
      if (page) {
        const { encoding, body } = await compressPage(page, request.headers['accept-encoding']);
        if (encoding) reply.header('content-encoding', encoding);
        // A drawn page holds the visitor's data: kept by no cache.
        return reply
          .header('cache-control', 'no-store')
          .header('vary', 'Accept-Encoding')
          .type('text/html; charset=utf-8')
          .send(body);
      }
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
