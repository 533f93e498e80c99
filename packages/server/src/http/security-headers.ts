import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

type Directives = Record<string, string[]>;

/**
 * The Content-Security-Policy of the web app. Script only from this origin: no inline
 * script, no eval, no plug-ins, so an injected `<script>`, `javascript:` link or event handler
 * does not run. Styles allow 'unsafe-inline' — and only styles: Ant Design's CSS-in-JS and its
 * rc-component helpers write <style> elements and style attributes at run time, some without a
 * way to pass a nonce (decision 0013). No framing by anyone (clickjacking), no <base> rewriting,
 * forms post only here.
 */
export function appDirectives(https: boolean): Directives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // Over https, a stray http:// sub-resource is fetched over https instead of in the clear.
    ...(https && { 'upgrade-insecure-requests': [] }),
  };
}

/**
 * The headers helmet sets for these options, computed once: they are the same for every answer
 * (no nonce), and helmet would otherwise build the policy again on each request (bench/).
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | string[]) =>
      (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Headers a browser reads only on a document (a page or a worker's script): the
 * Content-Security-Policy and the framing, opener, agent-cluster, referrer and legacy IE/Flash
 * switches. On a script a page loads they do nothing — the page's own policy governs what the
 * script may do — and each of the 20-odd scripts of a page would carry ~0.6 KB of them over a
 * phone's network (issue #18, decision 0031). nosniff and Cross-Origin-Resource-Policy, which
 * do protect a script, stay; so does HSTS.
 */
const DOCUMENT_ONLY = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-frame-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

/**
 * A script is recognised by what is sent, not by the path asked for, so a page that answers a
 * script's path (the app's fallback for an unknown path) still carries every header. The app
 * starts no worker; a worker's script would need the policy (and this rule revisited).
 */
const isScript = (contentType: unknown) =>
  typeof contentType === 'string' && /^(application|text)\/javascript\b/i.test(contentType);

/**
 * Security headers on every answer (helmet): the CSP above; X-Content-Type-Options
 * nosniff (a download or JSON never runs as a page); X-Frame-Options DENY for browsers older
 * than frame-ancestors; Referrer-Policy no-referrer (a setup link's token never leaves in a
 * Referer); cross-origin isolation of windows and resources; HSTS only when the public address
 * is https — HSTS on a plain-http deployment would lock browsers out of it; on scripts only
 * the headers that protect a script (above). Swagger UI at
 * /api/docs runs under the same policy as it is (its own files, no inline script), so it needs
 * no policy of its own; an e2e test opens it and watches for violations.
 */
export function registerSecurityHeaders(app: FastifyInstance, publicUrl: string): void {
  const https = publicUrl.startsWith('https://');
  const headers = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: appDirectives(https) },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  // onRequest, as @fastify/helmet did: errors, 404s and early refusals carry them too.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isScript(reply.getHeader('content-type'))) for (const name of DOCUMENT_ONLY) reply.removeHeader(name);
    done(null, payload);
  });
}
