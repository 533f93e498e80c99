import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { impactView } from './cmdb.schemas';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';

describe.each(DIALECTS)('CMDB over HTTP on %s', (dialect) => {
  let t: TestApp;
  let admin: HttpClient;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.seedUser('cfg', ['configuration_administrator']);
    admin = new HttpClient(t.url);
    await admin.login('cfg');
  });
  afterEach(async () => {
    await t.close();
  });

  const ci = async (type: string, name: string, extra: Record<string, unknown> = {}) => {
    const r = await admin.post('/api/cmdb/cis', { type, name, environment: 'production', ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; revision: number };
  };
  const relate = async (sourceId: string, type: string, targetId: string) => {
    const r = await admin.post('/api/cmdb/relations', { sourceId, targetId, type });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string };
  };

  it('CM-1 CIs carry type, environment, owner, criticality, version and typed attributes, validated against their type', async () => {
    const types = await admin.get('/api/cmdb/types');
    expect(types.body.types.map((x: any) => x.key)).toEqual(
      expect.arrayContaining(['application', 'service', 'server', 'database', 'network_device', 'document']),
    );
    const bad = await admin.post('/api/cmdb/cis', {
      type: 'server',
      name: 'srv-01',
      environment: 'production',
      attributes: { cpu: 'eight', colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual({
      'attributes.colour': [expect.stringMatching(/unknown attribute/)],
      'attributes.ip': ['required'],
      'attributes.cpu': ['must be a number'],
    });
    const server = await ci('server', 'srv-01', {
      owner: '运维一组',
      critical: true,
      version: 'CentOS 7.9',
      attributes: { ip: '10.0.0.1', cpu: 8 },
    });
    const got = await admin.get(`/api/cmdb/cis/${server.id}`);
    expect(got.body).toMatchObject({
      name: 'srv-01',
      type: 'server',
      owner: '运维一组',
      critical: true,
      version: 'CentOS 7.9',
      attributes: { ip: '10.0.0.1', cpu: 8 },
      revision: 1,
      status: 'active',
    });
    const dup = await admin.post('/api/cmdb/cis', {
      type: 'server',
      name: 'srv-01',
      environment: 'production',
      attributes: { ip: '10.0.0.2' },
    });
    expect(dup.status).toBe(409);
    // A custom CI type with its own fields.
    const created = await admin.post('/api/cmdb/types', {
      key: 'load_balancer',
      name: { zh: '负载均衡', en: 'Load balancer' },
      fields: [{ key: 'vip', label: { zh: 'VIP', en: 'VIP' }, kind: 'string', required: true }],
    });
    expect(created.status).toBe(201);
    await ci('load_balancer', 'lb-01', { attributes: { vip: '10.0.0.100' } });
  });

  it('CM-1 search and filter by type, environment, owner, criticality and text, in keyset pages', async () => {
    for (let i = 0; i < 7; i++)
      await ci('application', `app-${i}`, { owner: i % 2 ? 'teamA' : 'teamB', critical: i < 2 });
    await ci('database', 'db-main', { owner: 'teamA' });
    const page1 = await admin.get('/api/cmdb/cis?type=application&limit=3');
    expect(page1.body.items.map((x: any) => x.name)).toEqual(['app-0', 'app-1', 'app-2']);
    const page2 = await admin.get(`/api/cmdb/cis?type=application&limit=3&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((x: any) => x.name)).toEqual(['app-3', 'app-4', 'app-5']);
    const page3 = await admin.get(`/api/cmdb/cis?type=application&limit=3&cursor=${page2.body.nextCursor}`);
    expect(page3.body).toMatchObject({ items: [{ name: 'app-6' }], nextCursor: null });
    expect(
      (await admin.get('/api/cmdb/cis?owner=teamA&critical=false')).body.items.map((x: any) => x.name),
    ).toEqual(['app-3', 'app-5', 'db-main']);
    expect((await admin.get('/api/cmdb/cis?q=main')).body.items.map((x: any) => x.name)).toEqual(['db-main']);
    expect((await admin.get('/api/cmdb/cis?environment=test')).body.items).toEqual([]);
  });

  it('CM-4 every change keeps who, when, why and before/after; a stale revision is refused', async () => {
    const app = await ci('application', 'billing', { version: '1.0' });
    const noReason = await admin.patch(`/api/cmdb/cis/${app.id}`, { version: '1.1', revision: 1 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields.reason).toBeDefined();
    t.clock.advanceMinutes(5);
    const updated = await admin.patch(`/api/cmdb/cis/${app.id}`, {
      version: '1.1',
      revision: 1,
      reason: '补丁升级',
    });
    expect(updated.body).toMatchObject({ version: '1.1', revision: 2 });
    const stale = await admin.patch(`/api/cmdb/cis/${app.id}`, {
      version: '1.2',
      revision: 1,
      reason: 'late',
    });
    expect(stale.status).toBe(409);
    const db = await ci('database', 'billing-db');
    await relate(app.id, 'depends_on', db.id);
    const history = (await admin.get(`/api/cmdb/cis/${app.id}/history`)).body.entries;
    expect(history.map((h: any) => h.change)).toEqual(['relation_added', 'updated', 'created']);
    expect(history[1]).toMatchObject({
      actorName: 'cfg',
      reasonKind: 'manual',
      reason: '补丁升级',
      before: { version: '1.0' },
      after: { version: '1.1' },
    });
    expect(history[1].at).toBe(t.clock.now().toISOString());
    // The relation shows in the history of both ends.
    expect(
      (await admin.get(`/api/cmdb/cis/${db.id}/history`)).body.entries.map((h: any) => h.change),
    ).toEqual(['relation_added', 'created']);
  });

  it('CM-2 impact follows the direction of change, with paths, and respects the depth bound', async () => {
    const service = await ci('service', '网上银行');
    const web = await ci('application', 'ebank-web');
    const api = await ci('application', 'ebank-api');
    const db = await ci('database', 'ebank-db');
    const host = await ci('server', 'db-host-01', { attributes: { ip: '10.1.1.1' } });
    await relate(web.id, 'part_of', service.id);
    await relate(web.id, 'depends_on', api.id);
    await relate(api.id, 'depends_on', db.id);
    await relate(db.id, 'runs_on', host.id);

    const fromHost = (await admin.get(`/api/cmdb/cis/${host.id}/impact?depth=10`)).body;
    expect(fromHost.affected.map((a: any) => [a.name, a.depth])).toEqual([
      ['ebank-db', 1],
      ['ebank-api', 2],
      ['ebank-web', 3],
      ['网上银行', 4],
    ]);
    expect(fromHost.services).toEqual([service.id]);
    const webEntry = fromHost.affected.find((a: any) => a.name === 'ebank-web');
    expect(webEntry.via).toEqual({ fromId: api.id, relation: 'depends_on', reverse: true });
    expect(fromHost).toMatchObject({ affectedCount: 4, criticalCount: 0, truncated: false, maxDepth: 10 });
    expect(fromHost.seeds).toEqual([
      { id: host.id, name: 'db-host-01', type: 'server', environment: 'production', critical: false },
    ]);
    // The answer is exactly what the documented response schema describes.
    expect(impactView.parse(fromHost)).toEqual(fromHost);

    // A limit lists the nearest CIs and still counts them all (the web view asks for one).
    const limited = (await admin.get(`/api/cmdb/cis/${host.id}/impact?depth=10&limit=2`)).body;
    expect(limited.affected.map((a: any) => a.name)).toEqual(['ebank-db', 'ebank-api']);
    expect(limited).toMatchObject({ affectedCount: 4, services: [service.id], truncated: false });
    const limitedPost = await admin.post('/api/cmdb/impact', { ciIds: [host.id], maxDepth: 10, limit: 1 });
    expect(limitedPost.body.affected.map((a: any) => a.name)).toEqual(['ebank-db']);
    expect(limitedPost.body.affectedCount).toBe(4);
    expect((await admin.get(`/api/cmdb/cis/${host.id}/impact?limit=0`)).status).toBe(400);
    expect((await admin.get(`/api/cmdb/cis/no-such-ci/impact`)).status).toBe(404);

    // Changing the web tier does not affect the database below it.
    const fromWeb = (await admin.post('/api/cmdb/impact', { ciIds: [web.id], maxDepth: 10 })).body;
    expect(fromWeb.affected.map((a: any) => a.name)).toEqual(['网上银行']);

    const shallow = (await admin.get(`/api/cmdb/cis/${host.id}/impact?depth=2`)).body;
    expect(shallow.affected.map((a: any) => a.name)).toEqual(['ebank-db', 'ebank-api']);
    expect(shallow.truncated).toBe(true);

    // A relation added later is seen at once (the in-memory graph notices the change).
    const batch = await ci('application', 'ebank-batch');
    await relate(batch.id, 'depends_on', db.id);
    expect(
      (await admin.get(`/api/cmdb/cis/${host.id}/impact?depth=10`)).body.affected.map((a: any) => a.name),
    ).toContain('ebank-batch');
    // A CI renamed after the graph was loaded shows under its new name at once.
    expect(
      (await admin.patch(`/api/cmdb/cis/${api.id}`, { name: 'ebank-api-v2', revision: 1, reason: '改名' }))
        .status,
    ).toBe(200);
    const renamed = (await admin.get(`/api/cmdb/cis/${host.id}/impact?depth=10`)).body.affected.map(
      (a: any) => a.name,
    );
    expect(renamed).toContain('ebank-api-v2');
    expect(renamed).not.toContain('ebank-api');
    // A CI added since the graph was loaded (no relation yet) is a seed that affects nothing.
    const lone = await ci('application', 'lone-app');
    const fromLone = await admin.get(`/api/cmdb/cis/${lone.id}/impact`);
    expect(fromLone.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(fromLone.body).toMatchObject({ affected: [], affectedCount: 0, services: [], maxDepth: 5 });
    expect(fromLone.body.seeds.map((s: any) => s.name)).toEqual(['lone-app']);
  });

  it('CM-3 baselines: immutable snapshots, compared with now and with each other', async () => {
    const app = await ci('application', 'crm', { version: '2.0' });
    const db = await ci('database', 'crm-db', { version: '12' });
    const first = await admin.post('/api/cmdb/baselines', { name: '发布前基线', ciIds: [app.id, db.id] });
    expect(first.status).toBe(201);
    expect(first.body.ciCount).toBe(2);

    await admin.patch(`/api/cmdb/cis/${app.id}`, {
      version: '2.1',
      revision: app.revision,
      reason: 'release',
    });
    await relate(app.id, 'depends_on', db.id);
    const vsNow = (await admin.get(`/api/cmdb/baselines/${first.body.id}/compare`)).body;
    expect(vsNow.to).toBe('now');
    expect(vsNow.changed).toEqual([
      {
        ciId: app.id,
        name: 'crm',
        type: 'application',
        fields: [{ field: 'version', before: '2.0', after: '2.1' }],
        relationsAdded: [{ type: 'depends_on', targetId: db.id, targetName: 'crm-db' }],
        relationsRemoved: [],
      },
    ]);
    expect(vsNow.unchanged).toBe(1);

    const second = await admin.post('/api/cmdb/baselines', {
      name: '发布后基线',
      filter: { type: 'application' },
    });
    expect(second.body.ciCount).toBe(1);
    const between = (
      await admin.get(`/api/cmdb/baselines/${first.body.id}/compare?against=${second.body.id}`)
    ).body;
    expect(between.removed.map((s: any) => s.name)).toEqual(['crm-db']);
    expect(between.changed[0].fields).toEqual([{ field: 'version', before: '2.0', after: '2.1' }]);

    // The first baseline still shows what it saw.
    const kept = (await admin.get(`/api/cmdb/baselines/${first.body.id}`)).body;
    expect(kept.items.find((s: any) => s.name === 'crm').version).toBe('2.0');
  });

  it('CM-4 retiring keeps the CI and its history, removes its relations and refuses later edits', async () => {
    const a = await ci('application', 'legacy');
    const b = await ci('database', 'legacy-db');
    await relate(a.id, 'depends_on', b.id);
    const retired = await admin.post(`/api/cmdb/cis/${b.id}/retire`, { reason: '下线' });
    expect(retired.body.status).toBe('retired');
    expect((await admin.get(`/api/cmdb/cis/${a.id}`)).body.relations).toEqual([]);
    const edit = await admin.patch(`/api/cmdb/cis/${b.id}`, {
      version: 'x',
      revision: retired.body.revision,
      reason: 'x',
    });
    expect(edit.status).toBe(409);
    expect((await admin.get(`/api/cmdb/cis/${b.id}/history`)).body.entries.map((h: any) => h.change)).toEqual(
      ['retired', 'relation_removed', 'relation_added', 'created'],
    );
  });

  it('CM-1 only configuration roles change the CMDB; everyone in operations reads it', async () => {
    await t.seedUser('boss', ['operations_manager']);
    const boss = new HttpClient(t.url);
    await boss.login('boss');
    expect((await boss.get('/api/cmdb/cis')).status).toBe(200);
    const r = await boss.post('/api/cmdb/cis', { type: 'application', name: 'x', environment: 'production' });
    expect(r.status).toBe(403);
    expect(r.body.error.details.permission).toBe('cmdb.write');
  });
});
