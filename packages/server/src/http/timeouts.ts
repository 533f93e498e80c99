import { RULES } from '@releasegate/messages';
import http from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';

/**
 * How long a client may take, so that a slow or stalled one cannot hold a connection (and its
 * memory) for ever — before, a request body trickled a byte at a time stayed open indefinitely:
 *
 * - headers: the whole request head must arrive within HTTP_HEADERS_TIMEOUT_SECONDS (Node's
 *   headersTimeout; slowloris);
 * - body: a JSON body (at most 1 MB) within HTTP_BODY_TIMEOUT_SECONDS of its headers;
 * - request: any request, uploads included, within HTTP_REQUEST_TIMEOUT_SECONDS (Node's
 *   requestTimeout) — the bound for a large file over a slow link;
 * - idle: a connection on which nothing moves either way for HTTP_IDLE_TIMEOUT_SECONDS is closed
 *   (Fastify's connectionTimeout; the live event stream sends a heartbeat well within it).
 *
 * A request over its time is answered 408 naming the variable, and its connection closed.
 */
export type HttpTimeouts = Config['http'];

/** The server options that carry the timeouts (Fastify's and Node's own). */
export function serverTimeoutOptions(t: HttpTimeouts) {
  return {
    connectionTimeout: t.idleTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    http: {
      headersTimeout: t.headersTimeoutMs,
      requestTimeout: t.requestTimeoutMs,
      // Node checks the headers and request timeouts on this interval (30 s by default): a
      // quarter of the shorter one keeps the answer close to the configured time.
      connectionsCheckingInterval: Math.max(
        100,
        Math.min(30_000, Math.floor(Math.min(t.headersTimeoutMs, t.requestTimeoutMs) / 4)),
      ),
    },
  };
}

/** The error a JSON body too slow to arrive ends with; the error handler answers 408 with it. */
export class BodyTimeoutError extends Error {
  readonly code = 'RG_BODY_TIMEOUT';
  readonly statusCode = 408;
  constructor(readonly seconds: number) {
    super(`The request body did not arrive within ${seconds} s (HTTP_BODY_TIMEOUT_SECONDS)`);
  }
}

/**
 * Bounds the time a parsed (JSON) body may take to arrive. Upload routes stream their body to the
 * route and are bounded by the request timeout instead. The body is read through a stream that
 * fails with a 408 when the time is up, so the client is told why before its connection closes.
 */
export function registerBodyTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('preParsing', (request, reply, payload, done) => {
    if (request.routeOptions.config.upload || request.raw.complete) return done(null, payload);
    const body = new PassThrough();
    const timer = setTimeout(() => {
      payload.unpipe(body);
      body.destroy(new BodyTimeoutError(Math.round(timeoutMs / 1000)));
    }, timeoutMs);
    timer.unref();
    const stop = () => clearTimeout(timer);
    payload.once('end', stop);
    // Answered before the body came (too large, refused): nothing is waiting for it any more.
    reply.raw.once('close', stop);
    // The parser reports the wrapper's failure while it reads; once it has stopped reading, an
    // error nobody listens to would be thrown out of the server.
    body.on('error', () => undefined);
    payload.once('error', (error) => {
      stop();
      body.destroy(error);
    });
    payload.pipe(body);
    done(null, body);
  });
}

/**
 * Answers what Node refuses before Fastify sees a request (a head or request over its time, a
 * head too large, a malformed request) in the API's one error shape, then closes the connection
 * a moment later: closing at once could reset it before the client has read the answer.
 */
export function clientErrorHandler(t: HttpTimeouts) {
  return (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, body] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            {
              code: 'request_timeout',
              message: `The request did not arrive in time: its headers within ${t.headersTimeoutMs / 1000} s (HTTP_HEADERS_TIMEOUT_SECONDS), the whole request within ${t.requestTimeoutMs / 1000} s (HTTP_REQUEST_TIMEOUT_SECONDS)`,
              details: {
                rule: RULES.http_timeouts,
                headersTimeoutSeconds: t.headersTimeoutMs / 1000,
                requestTimeoutSeconds: t.requestTimeoutMs / 1000,
              },
            },
          ]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [
              431,
              {
                code: 'too_large',
                message: 'The request headers are too large',
                details: { rule: RULES.request_header_size_limit, maxBytes: http.maxHeaderSize },
              },
            ]
          : [
              400,
              {
                code: 'invalid_input',
                message: 'The request is not valid HTTP/1.1',
                details: { rule: RULES.http_syntax, reason: error.code ?? null },
              },
            ];
    const text = JSON.stringify({ error: body });
    if (socket.writable)
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
}
