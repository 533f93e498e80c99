import { FIELDS } from '@releasegate/messages';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { refusal } from '@releasegate/domain';
import { decodeHeaderText } from './text-input';

/** The one content type of an upload: the file's bytes as the body, streamed, never buffered. */
export const UPLOAD_CONTENT_TYPE = 'application/octet-stream';

/**
 * Makes an encapsulated context an upload context (returned with the zod type provider): its only body parser hands the raw request
 * stream to the route, and its routes are marked so a refusal names the content type they take.
 * A JSON body sent to an upload is then a 415 naming application/octet-stream (it used to reach
 * the route as an object and fail as a 500), and a stream sent to a JSON route elsewhere is a 415
 * naming application/json, since no other context has this parser.
 */
export function acceptUploads(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(UPLOAD_CONTENT_TYPE, (_request, payload, done) => done(null, payload));
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, upload: true };
  });
  return app.withTypeProvider<ZodTypeProvider>();
}

/** The uploaded bytes; a request without a body (no Content-Type at all) is refused, not a 500. */
export function uploadStream(request: FastifyRequest): Readable {
  if (request.body instanceof Readable) return request.body;
  throw refusal(
    'invalid_input',
    'content_type',
    { code: 'upload_body_required', params: { expected: UPLOAD_CONTENT_TYPE } },
    { expected: UPLOAD_CONTENT_TYPE, fields: { _: [FIELDS.required] } },
  );
}

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

/**
 * How long a client whose upload was answered before its body was read (a 413, a 404, a bad
 * file) may go on sending before the connection is closed. Reading on meanwhile is what lets it
 * receive the answer: closing a socket with unread data resets it, and the reset can destroy the
 * answer before the client reads it; never reading again (the request paused) left it hanging.
 */
export const UNREAD_BODY_DRAIN_MS = 5_000;

/**
 * After every answer: a request body not read to its end is read on and discarded, so the
 * client is not blocked sending into a paused socket; if it has not ended within the drain time,
 * the connection is closed. A body that does end keeps its kept-alive connection usable.
 */
export function registerUnreadBodyDrain(app: FastifyInstance, drainMs = UNREAD_BODY_DRAIN_MS): void {
  // Fastify asks to close at once a connection whose body it refused (too large, wrong type);
  // the drain below closes it instead once the client has stopped sending, or its time is up.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    const incoming = request.raw;
    const socket = incoming.socket as Socket | null;
    // An injected request (a chat card's decision, modules/chat) has no connection to close.
    if (incoming.complete || typeof socket?.destroy !== 'function') return done();
    const close = setTimeout(() => socket.destroy(), incoming.destroyed ? 500 : drainMs);
    close.unref();
    if (!incoming.destroyed) {
      incoming.once('end', () => clearTimeout(close));
      // Whatever it was piped into (a parser, a meter) has stopped reading: discard instead.
      incoming.unpipe();
      incoming.resume();
    }
    done();
  });
}
