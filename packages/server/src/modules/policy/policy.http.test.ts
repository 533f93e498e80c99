import { XDYJ_06_01_V1 } from '@releasegate/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, signInRoles } from '../../test/releases';

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

  it('PC-1 RO-1 a new version is drafted by operations, approved by a manager who did not draft it, takes effect on its date, and releases keep the version they started under', async () => {
    const target = await ci(c.cfg, 'application', 'policy-target');
    const r1 = (
      await c.eng1.post('/api/releases', {
        title: 'before',
        changeIds: [(await approvedChange(c, 'a')).id],
        targetCiIds: [target.id],
      })
    ).body;
    const rules = { ...XDYJ_06_01_V1.rules, successRateTarget: 97 };
    const draft = await c.eng1.post('/api/policy/versions', {
      version: 'V1.1',
      effectiveDate: '2026-01-10',
      change: '提高成功率目标',
      rules,
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', createdBy: 'eng1' });
    // Only the operations roles draft the rules.
    for (const who of [c.cab1, c.biz, c.aud, c.cfg])
      expect(
        (
          await who.post('/api/policy/versions', {
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
    expect(noRollback.status).toBe(422);
    expect(noRollback.body.error.details.fields.requiredPlanSections[0]).toMatch(/PR-2/);
    // The engineer who drafted it holds no approval of the policy.
    expect((await c.eng1.post(`/api/policy/versions/${draft.body.id}/approve`)).status).toBe(403);

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
      await c.eng1.post('/api/releases', {
        title: 'after',
        changeIds: [(await approvedChange(c, 'b')).id],
        targetCiIds: [target.id],
      })
    ).body;
    expect(r2.policyVersionId).toBe(draft.body.id);
    expect((await c.eng1.get(`/api/releases/${r1.id}`)).body.policyVersionId).not.toBe(draft.body.id);
  });

  it('PC-1 RO-5 a manager cannot approve the version they drafted: the refusal is audited and the draft stays a draft', async () => {
    const draft = await c.boss.post('/api/policy/versions', {
      version: 'V1.1',
      effectiveDate: '2026-01-10',
      change: '调整',
      rules: XDYJ_06_01_V1.rules,
    });
    expect(draft.status).toBe(201);
    const own = await c.boss.post(`/api/policy/versions/${draft.body.id}/approve`);
    expect(own.status).toBe(403);
    expect(own.body.error.details).toMatchObject({ rule: 'PC-1 four eyes on the policy', drafter: 'boss' });
    expect((await c.aud.get(`/api/policy/versions/${draft.body.id}`)).body.status).toBe('draft');
    const denied = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('action', '=', 'policy.approve')
      .execute();
    expect(denied).toEqual([{ action: 'policy.approve', outcome: 'denied' }]);
  });

  it.each([
    [
      'the auditor approves plans',
      { approvalAuthority: { ...XDYJ_06_01_V1.rules.approvalAuthority, normal: ['auditor'] } },
      'approvalAuthority.normal',
    ],
    [
      'the business representative approves major releases',
      {
        approvalAuthority: {
          ...XDYJ_06_01_V1.rules.approvalAuthority,
          major: ['business_representative', 'operations_manager'],
        },
      },
      'approvalAuthority.major',
    ],
    [
      'an engineer approves emergency releases',
      { approvalAuthority: { ...XDYJ_06_01_V1.rules.approvalAuthority, emergency: ['operations_engineer'] } },
      'approvalAuthority.emergency',
    ],
    ['a CAB member accepts requests', { intakeRoles: ['cab_member'] }, 'intakeRoles'],
    [
      'the security administrator decides rollbacks',
      { rollbackDeciders: ['security_administrator'] },
      'rollbackDeciders',
    ],
    [
      'a two-minute decision clock',
      {
        deadlines: {
          ...XDYJ_06_01_V1.rules.deadlines,
          rollbackDecisionMinutes: 2,
          escalateMinutesBefore: [1],
        },
      },
      'deadlines.rollbackDecisionMinutes',
    ],
    [
      'a thirty-day CMDB deadline',
      { deadlines: { ...XDYJ_06_01_V1.rules.deadlines, cmdbUpdateHours: 720 } },
      'deadlines.cmdbUpdateHours',
    ],
    [
      'an escalation after the deadline',
      { deadlines: { ...XDYJ_06_01_V1.rules.deadlines, escalateMinutesBefore: [45] } },
      'deadlines.escalateMinutesBefore',
    ],
    [
      'an emergency short form without rollback',
      { emergencyShortForm: ['purpose', 'scope', 'steps'] },
      'emergencyShortForm',
    ],
    [
      'an emergency CAB larger than the CAB',
      { emergencyCab: { quorum: 3, voters: ['operations_manager'] } },
      'emergencyCab.quorum',
    ],
    [
      'the auditor sits on the emergency CAB',
      { emergencyCab: { quorum: 1, voters: ['auditor'] } },
      'emergencyCab.voters',
    ],
  ])(
    'PC-1 TY-2 RO-4 RB-2 IN-1 a version in which %s is refused at drafting, naming the field',
    async (_, change, field) => {
      const r = await c.boss.post('/api/policy/versions', {
        version: 'V9',
        effectiveDate: '2026-02-01',
        change: 'x',
        rules: { ...XDYJ_06_01_V1.rules, ...change },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(Object.keys(r.body.error.details.fields)).toEqual([field]);
      expect(
        (await c.aud.get('/api/policy/versions')).body.versions.filter((v: any) => v.status === 'draft'),
      ).toEqual([]);
    },
  );
});
