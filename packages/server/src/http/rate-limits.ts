import { RULES, type en } from '@releasegate/messages';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { refusal } from '@releasegate/domain';
import type { Config } from '../config';

/** One limit: at most `max` requests a minute for one key, on the routes it names. */
interface RateRule {
  /**
   * Named in every refusal (`details.rule`), in the docs and in the configuration table; what it
   * counts is said by the catalog's `words.rateLimited` (the refusal's message).
   */
  rule: keyof typeof en.words.rateLimited;
  routes: string[];
  max: number;
  /** What is counted: the source address, a user name from it, a user, an external system. */
  key: (request: FastifyRequest) => string;
}

const WINDOW_MS = 60_000;

const bodyField = (request: FastifyRequest, field: string): string => {
  const value = (request.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
};

/**
 * The rate limits of the routes that guess or spend something (X-4, IN-2), in one table so an
 * auditor reads them in one place. Each route keeps its code; the limits are attached here, as
 * a pre-handler that runs after the body is validated and the caller authenticated.
 */
function rules(limits: Config['rateLimits']): RateRule[] {
  return [
    {
      // Guessing one password across many user names (password spraying) from one address.
      // Counted first, so that attempts refused by the per-name limit count here too.
      rule: 'x4_sign_in_rate_address',
      routes: ['POST /api/auth/login', 'POST /api/auth/second-factor'],
      max: limits.signInAddress,
      key: (r) => r.ip,
    },
    {
      rule: 'x4_sign_in_rate_user',
      routes: ['POST /api/auth/login'],
      max: limits.signIn,
      key: (r) => `${r.ip} ${bodyField(r, 'username')}`,
    },
    {
      rule: 'x4_setup_rate',
      routes: ['GET /api/setup/status', 'POST /api/setup'],
      max: limits.setup,
      key: (r) => r.ip,
    },
    {
      rule: 'x4_token_creation_rate',
      routes: ['POST /api/tokens'],
      max: limits.tokenCreate,
      key: (r) => r.principal?.userId ?? r.ip,
    },
    {
      rule: 'change_webhook_rate',
      routes: ['POST /api/webhooks/changes/:system'],
      max: limits.changeWebhook,
      key: (r) => `${(r.params as { system?: string }).system ?? ''} ${r.ip}`,
    },
    {
      rule: 'chat_callback_rate',
      // The URL check too: like the callbacks it is public and records each refusal.
      routes: [
        'POST /api/chat/feishu/card',
        'GET /api/chat/wecom/callback',
        'POST /api/chat/wecom/callback',
        'POST /api/chat/dingtalk/callback',
      ],
      max: limits.chatCallback,
      key: (r) => r.ip,
    },
  ];
}

/**
 * Registers @fastify/rate-limit (its in-memory store: counts are per server node) and attaches
 * the rules to their routes as they are declared. Call before the routes are registered; the
 * app refuses to start if a rule names a route that does not exist, so a renamed route cannot
 * silently lose its limit.
 */
export async function registerRateLimits(app: FastifyInstance, limits: Config['rateLimits']): Promise<void> {
  await app.register(fastifyRateLimit, { global: false });
  const unmatched = new Set<string>();
  const byRoute = new Map<string, { rules: string[]; hooks: preHandlerAsyncHookHandler[] }>();
  for (const rule of rules(limits)) {
    const limiter = app.createRateLimit({ max: rule.max, timeWindow: WINDOW_MS, keyGenerator: rule.key });
    const hook: preHandlerAsyncHookHandler = async (request, reply) => {
      const state = await limiter(request);
      if (state.isAllowed || !state.isExceeded) return;
      reply.header('retry-after', String(state.ttlInSeconds));
      request.log.warn({ rule: RULES[rule.rule], key: state.key }, 'rate limit reached');
      throw refusal(
        'rate_limited',
        rule.rule,
        {
          code: 'too_many_requests',
          params: { what: rule.rule, max: rule.max, seconds: state.ttlInSeconds },
        },
        { limit: rule.max, windowSeconds: WINDOW_MS / 1000, retryAfterSeconds: state.ttlInSeconds },
      );
    };
    for (const route of rule.routes) {
      unmatched.add(route);
      const limits = byRoute.get(route) ?? { rules: [], hooks: [] };
      byRoute.set(route, { rules: [...limits.rules, RULES[rule.rule]], hooks: [...limits.hooks, hook] });
    }
  }
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const limits = byRoute.get(`${method} ${route.url}`);
      if (!limits) continue;
      unmatched.delete(`${method} ${route.url}`);
      route.preHandler = [...[route.preHandler ?? []].flat(), ...limits.hooks];
      // Named on the route, so the API document says which routes can answer 429.
      route.config = { ...route.config, rateLimits: limits.rules };
    }
  });
  app.addHook('onReady', async () => {
    if (unmatched.size > 0)
      throw new Error(`Rate limits name routes that do not exist: ${[...unmatched].join(', ')}`);
  });
}
