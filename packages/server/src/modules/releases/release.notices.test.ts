import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { XDYJ_06_01_V1 } from '@releasegate/domain';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';

describe.each(DIALECTS)('release notifications on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-2 a submitted plan asks the approvers of its type; every state change is announced in-app', async () => {
    const c = await signInRoles(t);
    const app = await ci(c.cfg, 'application', 'billing');
    const change = await approvedChange(c, '计费升级', [app.id]);
    const r = (
      await c.eng1.post('/api/releases', {
        title: '计费 2.1',
        changeIds: [change.id],
        items: [],
        targetCiIds: [app.id],
      })
    ).body;
    await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    await c.eng1.post(`/api/releases/${r.id}/classify`, { type: 'major', reason: '涉及计费核心流程' });
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, completePlan([app.id]));
    const submitted = await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(submitted.body.state, JSON.stringify(submitted.body)).toBe('plan_review');
    const rows = await t.database.db.kysely
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select(['users.username', 'notifications.kind', 'notifications.title_zh'])
      .where('notifications.release_id', '=', r.id)
      .execute();
    // TY-2: a major plan is approved by the operations manager only.
    const planWaiting = rows.filter((n) => n.kind === 'approval_waiting' && n.title_zh.includes('发布计划'));
    expect(planWaiting.map((n) => n.username)).toEqual(['boss']);
    const changes = rows
      .filter((n) => n.kind === 'state_changed' && n.username === 'boss')
      .map((n) => n.title_zh);
    expect(changes).toEqual([expect.stringContaining('计划制定'), expect.stringContaining('计划审批')]);
    const bell = (await c.boss.get('/api/notifications?unread=1')).body;
    expect(JSON.stringify(bell)).toContain('发布计划待审批');
  });

  /** Who was told that the release awaits them, by username, and with which titles. */
  const waiting = async (releaseId: string) =>
    (
      await t.database.db.kysely
        .selectFrom('notifications')
        .innerJoin('users', 'users.id', 'notifications.user_id')
        .select(['users.username', 'notifications.title_zh', 'notifications.title_en'])
        .where('notifications.release_id', '=', releaseId)
        .where('notifications.kind', '=', 'approval_waiting')
        .execute()
    ).sort((x, y) => (x.username < y.username ? -1 : 1));

  it('X-2 a release request notifies everyone the policy lets accept it, not the requester', async () => {
    const c = await signInRoles(t);
    const request = async (title: string) => {
      const target = await ci(c.cfg, 'application', `target-${title}`);
      const change = await approvedChange(c, title);
      const r = await c.eng1.post('/api/releases', {
        title,
        changeIds: [change.id],
        items: [],
        targetCiIds: [target.id],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body as { id: string; number: string };
    };
    // RO-4 by default: the operations manager and the operations engineers accept.
    const r = await request('计费 2.1');
    const rows = await waiting(r.id);
    expect(rows.map((n) => n.username)).toEqual(['boss', 'eng2']);
    expect(rows[0]).toMatchObject({
      title_zh: `${r.number} 发布申请待受理`,
      title_en: `${r.number}: release request awaits acceptance`,
    });
    const bell = (await c.eng2.get('/api/notifications?unread=1')).body;
    expect(bell.items[0]).toMatchObject({
      kind: 'approval_waiting',
      link: `/releases/${r.id}`,
      releaseId: r.id,
      body: { zh: '计费 2.1（申请人：eng1）', en: '计费 2.1 (requested by eng1)' },
    });
    expect((await c.eng1.get('/api/notifications')).body.items).toEqual([]);

    // The policy decides: a version in force today that lets only the manager accept.
    // Drafted by an engineer, approved by the manager (PC-1: nobody approves their own draft).
    const draft = await c.eng1.post('/api/policy/versions', {
      version: 'V1.1',
      effectiveDate: '2026-01-05',
      change: '仅运维管理部经理受理发布申请',
      rules: { ...XDYJ_06_01_V1.rules, intakeRoles: ['operations_manager'] },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((await c.boss.post(`/api/policy/versions/${draft.body.id}/approve`)).status).toBe(200);
    const later = await request('计费 2.2');
    expect((await waiting(later.id)).map((n) => n.username)).toEqual(['boss']);
  });

  it('X-2 a release entering post-release asks every business representative for user acceptance (PO-1)', async () => {
    t.clock.set('2026-02-01T14:30:00Z');
    const c = await signInRoles(t);
    // An implementer who also signs for the business is not asked about what they just completed.
    await t.seedUser('implbiz', ['release_implementer', 'business_representative']);
    const implbiz = new HttpClient(t.url);
    await implbiz.login('implbiz');
    const r = await readyRelease(t, c);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    const before = (await waiting(r.id)).length;
    const done = await implbiz.post(`/api/releases/${r.id}/implementation/complete`);
    expect(done.body.state, JSON.stringify(done.body)).toBe('post_release');
    const asked = (await waiting(r.id)).filter((n) => n.title_zh.includes('用户验收'));
    expect((await waiting(r.id)).length - before).toBe(1);
    expect(asked.map((n) => n.username)).toEqual(['biz']);
    const bell = (await c.biz.get('/api/notifications?unread=1')).body;
    const number = (await c.biz.get(`/api/releases/${r.id}`)).body.number as string;
    expect(bell.items).toEqual([
      expect.objectContaining({
        kind: 'approval_waiting',
        link: `/releases/${r.id}`,
        title: {
          zh: `${number} 用户验收待签署`,
          en: `${number}: user acceptance awaits your sign-off`,
        },
      }),
    ]);
    expect((await implbiz.get('/api/notifications')).body.items).toEqual([]);
  });
});
