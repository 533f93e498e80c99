import { XDYJ_06_01_V1 } from '@releasegate/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, signInRoles } from '../../test/releases';

describe.each(DIALECTS)('the release policy as data on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('PC-1 XDYJ-06-01 V1.0 is in force by default, with its rules as data', async () => {
    const p = (await c.aud.get('/api/policy')).body;
    expect(p).toMatchObject({
      status: 'approved',
      effectiveDate: '2025-01-10',
      document: { number: 'XDYJ-06-01', title: '发布管理制度', version: 'V1.0' },
      // Approved by 孙玥 on 2025.01.10 (the document's 审批时间), not at install.
      approvedBy: '孙玥',
      approvedAt: '2025-01-09T16:00:00.000Z',
      createdBy: 'system',
    });
    expect(p.document.rules).toEqual(XDYJ_06_01_V1.rules);
    expect(p.document.rules.deadlines).toEqual({
      cmdbUpdateHours: 24,
      rollbackDecisionMinutes: 30,
      escalateMinutesBefore: [10],
    });
  });

  it('PC-1 a new version is drafted and approved by the operations manager, takes effect on its date, and releases keep the version they started under', async () => {
    const r1 = (
      await c.eng1.post('/api/releases', { title: 'before', changeIds: [(await approvedChange(c, 'a')).id] })
    ).body;
    const rules = { ...XDYJ_06_01_V1.rules, successRateTarget: 97 };
    const draft = await c.boss.post('/api/policy/versions', {
      version: 'V1.1',
      effectiveDate: '2026-01-10',
      change: '提高成功率目标',
      rules,
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect(draft.body.status).toBe('draft');
    expect(
      (
        await c.eng1.post('/api/policy/versions', {
          version: 'V1.2',
          effectiveDate: '2026-02-01',
          change: 'x',
          rules,
        })
      ).status,
    ).toBe(403);
    const noRollback = await c.boss.post('/api/policy/versions', {
      version: 'V1.3',
      effectiveDate: '2026-02-01',
      change: 'x',
      rules: { ...rules, requiredPlanSections: ['purpose'] },
    });
    expect(noRollback.body.error.details.fields.requiredPlanSections[0]).toMatch(/PR-2/);

    const approved = await c.boss.post(`/api/policy/versions/${draft.body.id}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'boss' });
    expect(approved.body.document.revisions.map((x: any) => x.version)).toEqual(['V1.0', 'V1.1']);
    // Not yet in force: the clock is before 2026-01-10.
    expect((await c.aud.get('/api/policy')).body.document.version).toBe('V1.0');
    t.clock.set('2026-01-10T08:00:00.000Z');
    // Five days later every session has ended; everyone signs in again.
    for (const [name, client] of Object.entries(c)) await client.login(name);
    expect((await c.aud.get('/api/policy')).body.document.version).toBe('V1.1');
    const r2 = (
      await c.eng1.post('/api/releases', { title: 'after', changeIds: [(await approvedChange(c, 'b')).id] })
    ).body;
    expect(r2.policyVersionId).toBe(draft.body.id);
    expect((await c.eng1.get(`/api/releases/${r1.id}`)).body.policyVersionId).not.toBe(draft.body.id);
  });
});
