import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { waitingNotices } from '../../test/notifications';

describe.each(DIALECTS)('change notifications on %s', (dialect) => {
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

  it('X-2 RO-1 a change submitted for CAB review notifies every CAB member and the manager who sits on the CAB, not its submitter', async () => {
    await t.seedUser('eng', ['operations_engineer']);
    // A CAB member who also drafts changes: not asked about their own.
    await t.seedUser('cabeng', ['operations_engineer', 'cab_member']);
    await t.seedUser('cab1', ['cab_member']);
    await t.seedUser('cab2', ['cab_member']);
    await t.seedUser('boss', ['operations_manager']);
    const [eng, cabeng, cab1] = await Promise.all(['eng', 'cabeng', 'cab1'].map(as));

    const draft = (await eng.post('/api/changes', { title: '数据库扩容', risk: 'high' })).body;
    expect(await waiting(`/changes/${draft.id}`)).toEqual([]);
    expect((await eng.post(`/api/changes/${draft.id}/submit`)).status).toBe(200);
    const rows = await waiting(`/changes/${draft.id}`);
    expect(rows.map((r) => r.username)).toEqual(['boss', 'cab1', 'cab2', 'cabeng']);
    expect(rows[0].title_zh).toBe(`${draft.number} 变更待 CAB 评审`);
    expect(rows[0].title_en).toBe(`${draft.number}: change awaits CAB review`);

    const bell = (await cab1.get('/api/notifications?unread=1')).body;
    expect(bell.unread).toBe(1);
    expect(bell.items[0]).toMatchObject({
      kind: 'approval_waiting',
      link: `/changes/${draft.id}`,
      releaseId: null,
      body: { zh: '数据库扩容（风险：高，提交人：eng）', en: '数据库扩容 (high risk, submitted by eng)' },
    });

    // Submitted by a CAB member: the others are asked, the submitter is not.
    const own = (await cabeng.post('/api/changes', { title: '网络割接', risk: 'low' })).body;
    expect((await cabeng.post(`/api/changes/${own.id}/submit`)).status).toBe(200);
    expect((await waiting(`/changes/${own.id}`)).map((r) => r.username)).toEqual(['boss', 'cab1', 'cab2']);
    expect((await cabeng.get('/api/notifications')).body.items).toHaveLength(1);
  });

  it('X-2 a refused second submission asks the CAB nothing more', async () => {
    await t.seedUser('eng', ['operations_engineer']);
    await t.seedUser('cab1', ['cab_member']);
    const eng = await as('eng');
    const draft = (await eng.post('/api/changes', { title: '数据库扩容', risk: 'medium' })).body;
    expect((await eng.post(`/api/changes/${draft.id}/submit`)).status).toBe(200);
    // Submitting again is refused: no second request for votes.
    expect((await eng.post(`/api/changes/${draft.id}/submit`)).status).not.toBe(200);
    expect(await waiting(`/changes/${draft.id}`)).toHaveLength(1);
  });
});
