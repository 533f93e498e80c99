import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, permissionsOf, type Permission, type Role } from '@releasegate/domain';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../test/releases';
import { insertApiToken } from '../modules/identity/identity.repository';
import { randomToken, sha256Hex } from '../modules/identity/secrets';
import { isTabledRoute, ROUTE_ACCESS, routeKey, type RouteAccess } from './route-access';
import { pathParameterExamples } from '../test/route-values';

/** A caller of the walk: a person signed in with one role, a token with one scope, or nobody. */
interface Caller {
  label: string;
  client: HttpClient;
  via: 'session' | 'token' | 'anonymous';
  permissions: ReadonlySet<Permission>;
}

function allowed(access: RouteAccess, caller: Caller): boolean {
  if (access === 'public') return true;
  if (caller.via === 'anonymous') return false;
  if (access === 'signed_in') return true;
  if (access === 'session') return caller.via === 'session';
  return access.some((p) => caller.permissions.has(p));
}

/** Concrete values for the path parameters of the OpenAPI document's routes. */
function concretePath(template: string, releaseId: string): string {
  const values: Record<string, string> = { id: releaseId, ...pathParameterExamples() };
  return template.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? randomUUID());
}

/**
 * Every table's content but the audit trail's and the credentials' last-used stamps: what a
 * refused request must leave exactly as it was.
 */
async function snapshot(t: TestApp): Promise<string> {
  const db = t.database.db.kysely;
  const tables = (await db.introspection.getTables())
    // PostgreSQL introspection lists every schema; other tests run in schemas of their own.
    .filter((table) => t.database.dialect === 'sqlite' || table.schema === t.database.db.schema)
    .map((table) => table.name)
    .filter(
      (name) => !['audit_events', 'sessions', 'api_tokens'].includes(name) && !name.startsWith('kysely_'),
    )
    .sort();
  const contents: Record<string, unknown[]> = {};
  for (const name of tables) {
    const rows = await db
      .selectFrom(name as never)
      .selectAll()
      .execute();
    contents[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return JSON.stringify(contents);
}

describe.each(DIALECTS)('authorization walk on %s', (dialect) => {
  let t: TestApp;
  let releaseId: string;
  const callers: Caller[] = [];

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const c = await signInRoles(t);
    // A release waiting for plan approval: the state in which a walked-around control does harm.
    const core = await ci(c.cfg, 'database', '核心数据库', { critical: true });
    const change = await approvedChange(c, '核心数据库升级', [core.id]);
    const created = await c.eng1.post('/api/releases', {
      title: '核心数据库升级',
      changeIds: [change.id],
      items: [{ kind: 'service', title: '数据库参数调整', ciIds: [core.id] }],
    });
    releaseId = created.body.id;
    await c.eng2.post(`/api/releases/${releaseId}/accept`, {});
    await c.eng1.post(`/api/releases/${releaseId}/classify`, { type: 'major', reason: '核心系统' });
    expect(
      (await c.eng1.request('PUT', `/api/releases/${releaseId}/plan`, completePlan([core.id]))).status,
    ).toBe(200);
    expect((await c.eng1.post(`/api/releases/${releaseId}/plan/submit`)).body.state).toBe('plan_review');

    callers.push({
      label: 'anonymous',
      client: new HttpClient(t.url),
      via: 'anonymous',
      permissions: new Set(),
    });
    for (const role of ROLES) {
      const user = await t.seedUser(`walk_${role}`, [role]);
      const client = new HttpClient(t.url);
      expect((await client.login(user.username)).status).toBe(200);
      callers.push({ label: `session ${role}`, client, via: 'session', permissions: permissionsOf([role]) });
    }
    // One token per permission, owned by a person who holds it: the token carries that scope only.
    const owners = new Map<Permission, { id: string; role: Role }>();
    for (const role of ROLES) {
      const owner = await t.seedUser(`owner_${role}`, [role]);
      for (const p of permissionsOf([role])) if (!owners.has(p)) owners.set(p, { id: owner.id, role });
    }
    const now = t.clock.now();
    for (const scope of PERMISSIONS) {
      const owner = owners.get(scope);
      if (!owner) continue;
      const secret = randomToken('rg_');
      await insertApiToken(t.database.db.kysely, {
        id: randomUUID(),
        userId: owner.id,
        name: `walk ${scope}`,
        prefix: secret.slice(0, 10),
        scopes: [scope],
        createdBy: owner.id,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
        revokedAt: null,
        lastUsedAt: null,
        tokenHash: sha256Hex(secret),
      });
      const client = new HttpClient(t.url);
      client.bearer = secret;
      callers.push({
        label: `token ${scope} of a ${owner.role}`,
        client,
        via: 'token',
        permissions: new Set([scope]),
      });
    }
  });
  afterAll(() => t?.close());

  it('X-4 RO-1 RO-2 RO-3 the permission table covers exactly the routes of the OpenAPI document', async () => {
    const doc = (await new HttpClient(t.url).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => isTabledRoute(path))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => routeKey(m, path.replace(/\{(\w+)\}/g, ':$1'))))
      .sort();
    const tabled = Object.keys(ROUTE_ACCESS)
      .filter((k) => k !== 'GET /api/openapi.json')
      .sort();
    expect(documented).toEqual(tabled);
  });

  it('X-4 RO-1 RO-2 RO-3 TY-2 IN-1 every route refuses every role and every single-scope token the table does not allow, before anything happens', async () => {
    const before = await snapshot(t);
    const auditBefore = await t.database.db.kysely
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const routes = Object.entries(ROUTE_ACCESS).filter(([, access]) => access !== 'public');
    const unexpected: string[] = [];
    let refusals = 0;
    let tokenRefusals = 0;

    const walk = async (caller: Caller) => {
      for (const [key, access] of routes) {
        if (allowed(access, caller)) continue;
        const [method, template] = key.split(' ');
        const r = await caller.client.request(
          method,
          concretePath(template, releaseId),
          method === 'GET' ? undefined : {},
        );
        const expected = caller.via === 'anonymous' ? 401 : 403;
        const rule = r.body?.error?.details?.rule;
        if (r.status !== expected || (caller.via !== 'anonymous' && !String(rule).startsWith('X-4 ')))
          unexpected.push(`${caller.label} → ${key}: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
        if (caller.via !== 'anonymous') refusals++;
        if (caller.via === 'token') tokenRefusals++;
      }
    };
    // Four callers at a time: the refusals race each other as real traffic would.
    for (let i = 0; i < callers.length; i += 4) await Promise.all(callers.slice(i, i + 4).map(walk));

    expect(unexpected).toEqual([]);
    expect(tokenRefusals).toBeGreaterThan(1000);
    // Nothing changed anywhere: the plan still waits for approval, no table moved…
    expect(await snapshot(t)).toBe(before);
    const release = await t.database.db.kysely
      .selectFrom('releases')
      .select('state')
      .where('id', '=', releaseId)
      .executeTakeFirstOrThrow();
    expect(release.state).toBe('plan_review');
    // …and the audit trail gained exactly one "denied" event per refusal of a known caller.
    const added = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['outcome'])
      .orderBy('seq')
      .offset(Number(auditBefore.n))
      .limit(1_000_000)
      .execute();
    expect(added.length).toBe(refusals);
    expect(new Set(added.map((e) => e.outcome))).toEqual(new Set(['denied']));
    // Thousands of requests (every route × every role and scope), each with its refusal audited:
    // 15 s on SQLite and up to a minute on PostgreSQL on 2 cores, more while the machine is busy.
  }, 180_000);
});
