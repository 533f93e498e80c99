import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database';
import type { Database } from '../db/schema';
import { findChange } from '../modules/changes';
import { findArticle } from '../modules/knowledge';
import { findRelease } from '../modules/releases';

/** Objects addressed by id or number: the trail names them by id, as their other events do. */
type Find = (q: Kysely<Database>, idOrNumber: string) => Promise<{ id: string } | undefined>;

/**
 * PR-3: the object a request concerns, by its route's path: the type the audit trail names it
 * by, and the path parameter that identifies it. The first matching prefix wins.
 */
const ENTITIES: readonly { prefix: string; type: string; param: string; find?: Find }[] = [
  { prefix: '/api/releases/:id', type: 'release', param: 'id', find: findRelease },
  { prefix: '/api/changes/:id', type: 'change', param: 'id', find: findChange },
  { prefix: '/api/cmdb/cis/:id', type: 'ci', param: 'id' },
  { prefix: '/api/cmdb/relations/:id', type: 'ci_relation', param: 'id' },
  { prefix: '/api/cmdb/types/:key', type: 'ci_type', param: 'key' },
  { prefix: '/api/dsl/versions/:id', type: 'dsl_version', param: 'id' },
  { prefix: '/api/freeze-windows/:id', type: 'freeze_window', param: 'id' },
  { prefix: '/api/knowledge/articles/:id', type: 'knowledge_article', param: 'id', find: findArticle },
  { prefix: '/api/notifications/deliveries/:id', type: 'notification_delivery', param: 'id' },
  { prefix: '/api/notifications/webhooks/:id', type: 'webhook_endpoint', param: 'id' },
  { prefix: '/api/policy/versions/:id', type: 'policy_version', param: 'id' },
  { prefix: '/api/tokens/:id', type: 'api_token', param: 'id' },
  { prefix: '/api/users/:id', type: 'user', param: 'id' },
];

/** What an object's id, number or key looks like (UUIDs, `RL-2026-0001`, `database_server`). */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface RefusedEntity {
  entityType: string;
  entityId: string;
}

/**
 * What a refused request was about, so that its audit event names the object as the events of
 * its successful actions do; null for a request about no one object (a list, a creation).
 */
export async function refusedEntity(db: Db, request: FastifyRequest): Promise<RefusedEntity | null> {
  const url = request.routeOptions.url;
  if (!url) return null;
  const entry = ENTITIES.find((e) => url === e.prefix || url.startsWith(`${e.prefix}/`));
  const given = entry && (request.params as Record<string, string | undefined>)[entry.param];
  // Junk in the path (NUL, bad UTF-8, a huge string) names no object, and must not keep the
  // refusal itself off the trail: it is then recorded without one.
  if (!entry || !given || !IDENTIFIER.test(given)) return null;
  const found = entry.find && (await entry.find(db.kysely, given).catch(() => undefined));
  return { entityType: entry.type, entityId: found?.id ?? given };
}
