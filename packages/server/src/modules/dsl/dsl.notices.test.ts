import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { waitingNotices } from '../../test/notifications';

describe.each(DIALECTS)('software-library notifications on %s', (dialect) => {
  let t: TestApp;
  const as = async (username: string) => {
    const c = new HttpClient(t.url);
    expect((await c.login(username)).status).toBe(200);
    return c;
  };
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const waiting = (link: string) => waitingNotices(t, link);

  it('X-2 a software-library version awaiting approval notifies every operations manager, not the uploader', async () => {
    await t.seedUser('eng', ['operations_engineer']);
    await t.seedUser('boss', ['operations_manager']);
    await t.seedUser('boss2', ['operations_manager']);
    // A manager who also uploads: not asked about their own upload.
    await t.seedUser('both', ['operations_engineer', 'operations_manager']);
    await t.seedUser('cfg', ['configuration_administrator']);
    const [eng, boss, both] = await Promise.all(['eng', 'boss', 'both'].map(as));

    // Uploaded: a draft asks no one; the upload that completes it asks the managers.
    const v = (await eng.post('/api/dsl/versions', { name: 'billing', version: '2.1.0' })).body;
    expect(v.state).toBe('draft');
    expect(await waiting(`/dsl/versions/${v.id}`)).toEqual([]);
    const put = (bytes: string, who = eng) =>
      who.upload('PUT', `/api/dsl/versions/${v.id}/content`, Buffer.from(bytes), 'billing.tar.gz');
    expect((await put('artifact 1')).body.state).toBe('pending');
    const rows = await waiting(`/dsl/versions/${v.id}`);
    expect(rows.map((r) => r.username)).toEqual(['boss', 'boss2', 'both']);
    expect(rows[0]).toMatchObject({
      title_zh: '最终软件库：billing 2.1.0 待审批',
      title_en: 'Software library: billing 2.1.0 awaits approval',
    });
    const bell = (await boss.get('/api/notifications?unread=1')).body;
    expect(bell.items[0]).toMatchObject({
      kind: 'approval_waiting',
      link: `/dsl/versions/${v.id}`,
      body: { zh: 'eng 已上传内容，请核对后批准或驳回。' },
    });
    // New content for a version still pending does not ask again; after a rejection it does.
    expect((await put('artifact 2')).status).toBe(200);
    expect(await waiting(`/dsl/versions/${v.id}`)).toHaveLength(3);
    expect((await boss.post(`/api/dsl/versions/${v.id}/reject`, { comment: '缺少测试报告' })).status).toBe(
      200,
    );
    expect((await put('artifact 3')).body.state).toBe('pending');
    // Pending again, it is asked again — in the same notice, one per thing to do (decision 0018):
    // refreshed and unread, not a second one.
    expect(await waiting(`/dsl/versions/${v.id}`)).toHaveLength(3);
    expect((await boss.get('/api/notifications?unread=1')).body.items).toHaveLength(1);

    // Registered as an external reference: pending at once; the registering manager is left out.
    const ext = await both.post('/api/dsl/versions', {
      name: 'gateway',
      version: '5.0.0',
      external: { url: 'https://nexus.example.com/gateway-5.0.0.jar', digest: 'a'.repeat(64) },
    });
    expect(ext.body.state, JSON.stringify(ext.body)).toBe('pending');
    expect((await waiting(`/dsl/versions/${ext.body.id}`)).map((r) => r.username)).toEqual(['boss', 'boss2']);
    expect((await both.get('/api/notifications')).body.items).toHaveLength(1);
  });
});
