import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, signInRoles } from '../../test/releases';

describe.each(DIALECTS)('intake assessments on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const release = async (title: string, targetCiIds: string[]) => {
    const change = await approvedChange(c, title, targetCiIds);
    const r = await c.eng1.post('/api/releases', { title, changeIds: [change.id], targetCiIds });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string };
  };

  it('IN-3 related open releases are found from shared and dependent CIs; merge and order are proposed and the decision recorded', async () => {
    const db = await ci(c.cfg, 'database', 'orders-db');
    const app = await ci(c.cfg, 'application', 'orders-app');
    const other = await ci(c.cfg, 'application', 'unrelated');
    await c.cfg.post('/api/cmdb/relations', { sourceId: app.id, targetId: db.id, type: 'depends_on' });
    const dbRelease = await release('数据库升级', [db.id]);
    const appRelease = await release('应用升级', [app.id]);
    const sameDb = await release('数据库参数调整', [db.id]);
    await release('无关发布', [other.id]);

    const findings = (await c.eng1.get(`/api/releases/${dbRelease.id}/relationships`)).body;
    expect(findings.related.map((r: any) => [r.number, r.relation]).sort()).toEqual(
      [
        [appRelease.number, 'this_first'],
        [sameDb.number, 'same'],
      ].sort(),
    );
    expect(findings.proposeMerge).toEqual([sameDb.number]);
    expect(findings.proposedOrder).toEqual([dbRelease.number, appRelease.number]);
    // Seen from the application's release, both database releases come first.
    expect((await c.eng1.get(`/api/releases/${appRelease.id}/relationships`)).body.proposedOrder).toEqual([
      dbRelease.number,
      sameDb.number,
      appRelease.number,
    ]);

    const decided = await c.eng1.post(`/api/releases/${dbRelease.id}/assessments/relationship`, {
      decision: 'merge',
      mergeWith: [sameDb.number],
      order: [dbRelease.number, appRelease.number],
      note: '同一数据库的两次变更合并发布',
    });
    expect(decided.status).toBe(200);
    const recorded = decided.body.assessments.find((a: any) => a.kind === 'relationship');
    expect(recorded).toMatchObject({
      recordedBy: 'eng1',
      content: {
        decision: { decision: 'merge', mergeWith: [sameDb.number] },
        findings: { proposeMerge: [sameDb.number] },
      },
    });
    const denied = await c.biz.post(`/api/releases/${dbRelease.id}/assessments/relationship`, {
      decision: 'separate',
      note: 'x',
    });
    expect(denied.status).toBe(403);
  });

  it('IN-4 IN-5 resource and risk assessments are structured records; all three kinds of risk are required', async () => {
    const app = await ci(c.cfg, 'application', 'crm');
    const r = await release('CRM 升级', [app.id]);
    const resource = await c.eng1.post(`/api/releases/${r.id}/assessments/resource`, {
      technical: '测试环境一套、回退脚本',
      people: [{ name: '张工', role: '发布实施人员', availability: '12月1日 14:00-18:00' }],
      time: { estimateHours: 2 },
    });
    expect(resource.status).toBe(200);
    const partial = await c.eng1.post(`/api/releases/${r.id}/assessments/risk`, {
      risks: [
        {
          category: 'technical',
          description: '迁移脚本失败',
          likelihood: 'low',
          impact: 'high',
          response: '回退',
        },
      ],
    });
    expect(partial.status).toBe(400);
    expect(partial.body.error.details.fields.risks).toEqual([
      'no business risk assessed',
      'no management risk assessed',
    ]);
    const risks = await c.eng1.post(`/api/releases/${r.id}/assessments/risk`, {
      risks: [
        {
          category: 'technical',
          description: '迁移脚本失败',
          likelihood: 'low',
          impact: 'high',
          response: '回退',
        },
        {
          category: 'business',
          description: '月末结算高峰',
          likelihood: 'medium',
          impact: 'high',
          response: '避开月末',
        },
        {
          category: 'management',
          description: '供应商人员不到位',
          likelihood: 'low',
          impact: 'medium',
          response: '提前确认排班',
        },
      ],
    });
    expect(risks.body.assessments.map((a: any) => a.kind).sort()).toEqual(['resource', 'risk']);
    // Once the plan is approved the intake assessments are closed.
    await c.eng1.post(`/api/releases/${r.id}/reject`, { reason: '重复申请' });
    const late = await c.eng1.post(`/api/releases/${r.id}/assessments/resource`, {
      technical: 'x',
      people: [{ name: 'a', role: 'b', availability: 'c' }],
      time: { estimateHours: 1 },
    });
    expect(late.status).toBe(409);
  });
});
