import type { FastifyRequest } from 'fastify';
import { decodeHeaderText } from './text-input';

/**
 * The file name a client sends with a streamed upload (URI-encoded X-Filename header), if any.
 * The text guard (http/text-input.ts) has refused a name that does not decode to valid text.
 */
export function uploadFilename(request: FastifyRequest): string | null {
  const header = request.headers['x-filename'];
  if (typeof header !== 'string') return null;
  const decoded = decodeHeaderText(header);
  // Cut by code point: cutting a surrogate pair in half would store a broken character.
  return 'text' in decoded ? Array.from(decoded.text).slice(0, 255).join('') : null;
}
