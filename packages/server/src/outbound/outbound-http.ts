// The one way the server makes an HTTP request to a URL a user gave it (X-4 outbound policy).
// node:http rather than fetch: its `lookup` hook lets the policy answer DNS for the connection
// itself, so the address that was checked is the address connected — a name that resolves to a
// public address for the check and to 127.0.0.1 a moment later (DNS rebinding) never gets through.
// Redirects are not followed: a 3xx is the answer (a receiver cannot send the server elsewhere).
import type { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { renderReason, type Reason } from '@releasegate/messages';
import { bareHost, OutboundRefused, type OutboundPolicy } from './outbound-policy';

/** What went wrong, in a short class a person can act on. */
export type OutboundFailure =
  'blocked' | 'timeout' | 'refused' | 'dns' | 'tls' | 'reset' | 'unreachable' | 'error';

/**
 * A request that got no HTTP answer. The reason (a code of the message catalog, X-3) names the
 * host (and port) only: a URL's path and query may carry a robot's token, and the receiver's words
 * are never repeated. The message is its English.
 */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly failure: OutboundFailure,
    readonly reason: Reason,
    /** The policy's refusal, for `blocked`. */
    readonly refusal?: OutboundRefused,
  ) {
    super(renderReason('en', reason));
  }
}

export interface OutboundRequest {
  url: string;
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The most of the answer's body read; the rest is dropped. */
  maxBodyBytes?: number;
}

/**
 * The receiver's answer: its status, and at most `maxBodyBytes` of its body for the caller to
 * interpret (a robot's `errcode`). The body is never to be shown, stored or logged: an internal
 * service reached by mistake must not be read through the server.
 */
export interface OutboundResponse {
  status: number;
  body: string;
}

const DEFAULT_MAX_BODY = 64 * 1024;

/** Makes the request through the policy; throws OutboundError when no HTTP answer came back. */
export async function outboundRequest(
  policy: OutboundPolicy,
  request: OutboundRequest,
): Promise<OutboundResponse> {
  const target = new URL(request.url);
  const where = target.host;
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new OutboundError('blocked', { code: 'delivery_blocked_scheme', params: {} });
  // A literal address never reaches `lookup` (the socket connects to it directly): judge it here.
  if (net.isIP(bareHost(target.hostname)) !== 0) {
    try {
      await policy.permittedAddresses(target.hostname);
    } catch (error) {
      throw failureOf(error, where, request.timeoutMs);
    }
  }
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ) => {
    policy.permittedAddresses(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
        if (usable.length === 0) {
          const none: NodeJS.ErrnoException = new Error(`${hostname} has no usable address`);
          none.code = 'ENOTFOUND';
          return callback(none, '', 0);
        }
        if (options.all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
  const maxBody = request.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const body = request.body ?? '';
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(failureOf(error, where, request.timeoutMs));
    };
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: request.method ?? 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        // No pooled sockets: each request connects (and is checked) on its own.
        agent: false,
        // One signal covers connecting, sending and reading the answer.
        signal: AbortSignal.timeout(request.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          if (settled) return;
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, maxBody).toString('utf8'),
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= maxBody) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/** An error of a request as an OutboundError: its class and a message with the host only. */
function failureOf(error: unknown, where: string, timeoutMs: number): OutboundError {
  if (error instanceof OutboundError) return error;
  if (error instanceof OutboundRefused) {
    const { host, address, range } = error;
    return new OutboundError(
      'blocked',
      host === address
        ? { code: 'delivery_blocked_address', params: { address, range } }
        : { code: 'delivery_blocked_resolved', params: { host, address, range } },
      error,
    );
  }
  const e = error as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const host = where;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || code === 'ABORT_ERR' || code === 'ETIMEDOUT')
    return new OutboundError('timeout', { code: 'delivery_timeout', params: { host, ms: timeoutMs } });
  if (code === 'ECONNREFUSED')
    return new OutboundError('refused', { code: 'delivery_refused', params: { host } });
  if (DNS_CODES.has(code))
    return new OutboundError('dns', { code: 'delivery_dns', params: { host, error: code } });
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new OutboundError('reset', { code: 'delivery_reset', params: { host, error: code } });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return new OutboundError('unreachable', { code: 'delivery_unreachable', params: { host, error: code } });
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return new OutboundError('tls', { code: 'delivery_tls', params: { host, error: code } });
  return new OutboundError(
    'error',
    code
      ? { code: 'delivery_unreached_error', params: { host, error: code } }
      : { code: 'delivery_unreached', params: { host } },
  );
}
