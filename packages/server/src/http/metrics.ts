import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IdentityCache } from '../modules/identity/identity.cache';
import type { FirstPaintCounts } from './first-paint';

/** A registry per app (tests build many apps in one process) with process and HTTP metrics. */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'releasegate_' });
  const duration = new Histogram({
    name: 'releasegate_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  return registry;
}

/** Decision 0028: how the sessions and tokens of signed-in requests were found. */
export function registerIdentityCacheMetrics(registry: Registry, cache: IdentityCache): void {
  new Counter({
    name: 'releasegate_identity_lookups_total',
    help: 'Sessions and API tokens checked: kept (from the cache), read (from the database), bypassed (cache not trusted)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(cache.counts)) this.inc({ outcome }, count);
    },
  });
}

/** Issue #18: the pages whose first paint the server was asked to draw, by how it went. */
export function registerFirstPaintMetrics(registry: Registry, counts: Readonly<FirstPaintCounts>): void {
  new Counter({
    name: 'releasegate_first_paints_total',
    help: 'Phone pages asked of the server renderer: drawn, or left to the browser (busy, late, declined, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(counts)) this.inc({ outcome }, count);
    },
  });
}
