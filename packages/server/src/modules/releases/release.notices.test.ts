import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';

describe.each(DIALECTS)('release notifications on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-2 a submitted plan asks the approvers of its type; every state change is announced in-app', async () => {
    const c = await signInRoles(t);
    const app = await ci(c.cfg, 'application', 'billing');
    const change = await approvedChange(c, '计费升级', [app.id]);
    const r = (await c.eng1.post('/api/releases', { title: '计费 2.1', changeIds: [change.id], items: [] }))
      .body;
    await c.eng1.post(`/api/releases/${r.id}/accept`, {});
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
    expect(rows.filter((n) => n.kind === 'approval_waiting').map((n) => n.username)).toEqual(['boss']);
    const changes = rows
      .filter((n) => n.kind === 'state_changed' && n.username === 'boss')
      .map((n) => n.title_zh);
    expect(changes).toEqual([expect.stringContaining('计划制定'), expect.stringContaining('计划审批')]);
    const bell = (await c.boss.get('/api/notifications?unread=1')).body;
    expect(JSON.stringify(bell)).toContain('发布计划待审批');
  });
});
