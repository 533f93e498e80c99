import type { FastifyRequest } from 'fastify';

/** The file name a client sends with a streamed upload (URI-encoded X-Filename header), if any. */
export function uploadFilename(request: FastifyRequest): string | null {
  const header = request.headers['x-filename'];
  if (typeof header !== 'string') return null;
  try {
    return decodeURIComponent(header).slice(0, 255);
  } catch {
    return header.slice(0, 255);
  }
}
