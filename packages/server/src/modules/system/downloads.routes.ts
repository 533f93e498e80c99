import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '@releasegate/domain';
import { z } from 'zod';
import { codeFile } from '../../code-dir';

/**
 * The pipeline client (packages/ci-client): one dependency-free file pipelines fetch from here,
 * found from the server's code directory so the sources and the compiled bundle agree.
 */
export const CI_CLIENT_FILE = codeFile('../../ci-client/releasegate-ci.mjs');
export const CI_CLIENT_NAME = 'releasegate-ci.mjs';
export const CI_CLIENT_PATH = `/downloads/${CI_CLIENT_NAME}`;

export interface CiClient {
  bytes: Buffer;
  sha256: string;
  size: number;
}

/** Read once at start: what is served is what was hashed. Null when the file is not deployed. */
export function loadCiClient(file = CI_CLIENT_FILE): CiClient | null {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return null;
  }
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

const tags = ['downloads'];

export const ciClientInfoView = z
  .object({
    file: z.string(),
    path: z.string().describe('Where this server serves it, from its origin'),
    sha256: z.string().describe('Check the downloaded file against this (sha256sum -c)'),
    size: z.number().describe('Bytes'),
  })
  .meta({
    examples: [
      {
        file: CI_CLIENT_NAME,
        path: CI_CLIENT_PATH,
        sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        size: 26_214,
      },
    ],
  });

/**
 * IM-7: the pipeline client, served by every server so a pipeline needs neither npm nor a
 * checkout: GET /downloads/releasegate-ci.mjs (public, like the API document), and its SHA-256
 * and size for the API tokens page (signed in), which shows the line that fetches and checks it.
 */
export function downloadRoutes(client: CiClient | null = loadCiClient()): FastifyPluginAsyncZod {
  const missing = () => notFound('pipeline_client', CI_CLIENT_NAME);
  const etag = client ? `"sha256-${client.sha256}"` : '';
  return async (app) => {
    app.get(CI_CLIENT_PATH, {
      schema: {
        tags,
        operationId: 'downloadCiClient',
        produces: ['text/javascript'],
        summary:
          'IM-7: the pipeline client, one dependency-free file for Node.js ≥ 18 (`node releasegate-ci.mjs --help`). Its SHA-256 is in the ETag and X-Content-SHA256 headers and on the API tokens page',
      },
      handler: async (request, reply) => {
        if (!client) throw missing();
        reply
          .header('etag', etag)
          .header('x-content-sha256', client.sha256)
          // Revalidated on every use: after an upgrade the new file is fetched, unchanged it is a 304.
          .header('cache-control', 'public, no-cache')
          .header('content-disposition', `attachment; filename="${CI_CLIENT_NAME}"`);
        const given = request.headers['if-none-match'];
        if (given && given.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
          return reply.code(304).send();
        return reply
          .header('content-type', 'text/javascript; charset=utf-8')
          .header('content-length', String(client.size))
          .send(client.bytes);
      },
    });

    app.get('/api/downloads/ci-client', {
      schema: {
        tags,
        operationId: 'getCiClientInfo',
        summary: `IM-7: the SHA-256 and size of the pipeline client this server serves at ${CI_CLIENT_PATH}`,
        response: { 200: ciClientInfoView },
      },
      handler: async () => {
        if (!client) throw missing();
        return { file: CI_CLIENT_NAME, path: CI_CLIENT_PATH, sha256: client.sha256, size: client.size };
      },
    });
  };
}
