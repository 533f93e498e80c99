import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { approvedChange, ci, signInRoles } from '../test/releases';

describe.each(DIALECTS)('Idempotency-Key on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(() => t.close());

  const count = async (table: 'changes' | 'releases') =>
    (await t.database.db.kysely.selectFrom(table).select('id').execute()).length;

  it('IN-1 X-4 a double click on 新建 (the same key twice at once) creates one change, and both get its answer', async () => {
    const body = { title: '数据库扩容', risk: 'medium' };
    const headers = { 'idempotency-key': 'change-form-7f3a' };
    const [first, second] = await Promise.all([
      c.eng1.request('POST', '/api/changes', body, headers),
      c.eng1.request('POST', '/api/changes', body, headers),
    ]);
    // The second waited for the first answer and got it too.
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    expect(await count('changes')).toBe(1);
    const again = await c.eng1.request('POST', '/api/changes', body, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe([first, second].find((r) => r.status === 201)!.body.id);
    expect(await count('changes')).toBe(1);
    const created = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('outcome')
      .where('action', '=', 'change.create')
      .execute();
    expect(created).toHaveLength(1);
  });

  it('IN-1 a repeated release request with its key creates one release; the key reused for another body is refused', async () => {
    const change = await approvedChange(c, '证书更新');
    const cert = await ci(c.cfg, 'application', '证书服务');
    const body = { title: '证书更新', changeIds: [change.id], targetCiIds: [cert.id] };
    const headers = { 'idempotency-key': 'release-request-1' };
    const first = await c.eng1.request('POST', '/api/releases', body, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const replay = await c.eng1.request('POST', '/api/releases', body, headers);
    expect(replay.body.number).toBe(first.body.number);
    expect(await count('releases')).toBe(1);
    const other = await c.eng1.request('POST', '/api/releases', { ...body, title: '另一个' }, headers);
    expect(other.status).toBe(422);
    expect(other.body.error.details.rule).toBe('Idempotency-Key names one request');
    // Keys belong to their caller: the same key from someone else is a new request.
    const byBoss = await c.boss.request('POST', '/api/releases', body, headers);
    expect(byBoss.status).toBe(201);
    expect(byBoss.body.number).not.toBe(first.body.number);
    // Without a key, every request is its own.
    expect((await c.eng1.post('/api/releases', body)).status).toBe(201);
    expect(await count('releases')).toBe(3);
    const bad = await c.eng1.request('POST', '/api/releases', body, { 'idempotency-key': 'x'.repeat(300) });
    expect(bad.status).toBe(400);
  });
});
