import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanContent } from '@releasegate/domain';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep, shortForm } from '../../test/implementation';

describe.each(DIALECTS)('the emergency path end to end on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const actions = async (who: keyof typeof c, id: string) =>
    Object.fromEntries(
      (
        (await c[who].get(`/api/releases/${id}`)).body.actions as {
          action: string;
          allowed: boolean;
          blockers: { rule: string }[];
        }[]
      ).map((a) => [a.action, a]),
    );

  /** An emergency release the manager drafted in its short form and approved, implemented. */
  const implementedEmergency = async () => {
    const r = await readyRelease(t, c, { type: 'emergency', drafter: 'boss', plan: shortForm });
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    t.clock.set('2026-02-01T15:10:00Z');
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/complete`)).body.state).toBe(
      'post_release',
    );
    for (const key of ['functional', 'performance', 'business'])
      expect(
        (await c.eng1.post(`/api/releases/${r.id}/verifications/${key}`, { result: 'passed', note: 'ok' }))
          .status,
      ).toBe(200);
    expect(
      (await c.biz.post(`/api/releases/${r.id}/acceptance`, { accepted: true, department: '零售业务部' }))
        .status,
    ).toBe(200);
    return r;
  };

  it('TY-4 RO-5 a manager drafts and approves an emergency short form (the policy’s answer when the drafter is the authority); it closes only once its plan is completed and someone else has reviewed it', async () => {
    const r = await implementedEmergency();
    const cmdb = await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {});
    expect(cmdb.status, JSON.stringify(cmdb.body)).toBe(200);
    // The short form named the target configuration: the CMDB now holds it.
    expect((await c.cfg.get(`/api/cmdb/cis/${r.ciId}`)).body.version).toBe('2.1');
    expect((await c.eng1.post(`/api/releases/${r.id}/archive`)).status).toBe(200);

    const refused = await c.boss.post(`/api/releases/${r.id}/close`, {
      outcome: 'successful',
      analysis: '紧急修复',
    });
    expect(refused.status).toBe(422);
    const close = (await actions('boss', r.id)).close_successful;
    expect(close.blockers.map((b: { rule: string }) => b.rule)).toEqual([
      'TY-4 the plan completed before close',
      'TY-4 reviewed after the fact',
    ]);

    // The completion may not change what ran.
    const plans = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans;
    const approved = plans[0].content as PlanContent;
    const full = { ...approved, participants: [{ name: '张工', role: '实施', responsibility: '部署' }] };
    const moved = await c.eng1.request('PUT', `/api/releases/${r.id}/plan/completion`, {
      ...full,
      steps: [...approved.steps!, { title: '追加', owner: '张工', expectedMinutes: 5, verification: 'ok' }],
    });
    expect(moved.status).toBe(422);
    expect(moved.body.error.details).toMatchObject({ rule: 'TY-4 the completion keeps what was approved' });
    expect(Object.keys(moved.body.error.details.fields)).toEqual(['steps']);

    const completion: PlanContent = {
      ...approved,
      participants: [{ name: '张工', role: '发布实施人员', responsibility: '执行部署步骤' }],
      risks: [
        {
          category: 'technical',
          description: '热修复引入回归',
          likelihood: 'low',
          impact: 'high',
          response: '回退',
        },
      ],
      postDeployment: '功能验证、更新 CMDB',
      resources: '两名工程师',
    };
    const saved = await c.eng1.request('PUT', `/api/releases/${r.id}/plan/completion`, completion);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.state).toBe('post_release');
    // The emergency approval authority approves the completion; an engineer cannot (TY-2).
    expect((await c.eng2.post(`/api/releases/${r.id}/plan/completion/approve`, {})).status).toBe(403);
    const ok = await c.boss.post(`/api/releases/${r.id}/plan/completion/approve`, { comment: '补全无误' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const versions = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans;
    expect(versions.map((p: { version: number; status: string }) => [p.version, p.status])).toEqual([
      [2, 'approved'],
      [1, 'superseded'],
    ]);
    expect((await actions('eng1', r.id)).complete_plan.allowed).toBe(false);

    // The review after the fact: not by whoever approved a plan of the release.
    const byApprover = await c.boss.post(`/api/releases/${r.id}/review`, {
      justified: true,
      findings: '合理',
    });
    expect(byApprover.status).toBe(422);
    expect(byApprover.body.error.details.rule).toBe('TY-4 the review is by someone other than the approver');
    const empty = await c.eng2.post(`/api/releases/${r.id}/review`, { justified: true, findings: '  ' });
    expect(empty.status).toBe(400);
    const review = await c.eng2.post(`/api/releases/${r.id}/review`, {
      justified: true,
      findings: '核心交易故障，紧急发布合理；补全计划已批准',
    });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const again = await c.eng1.post(`/api/releases/${r.id}/review`, { justified: false, findings: '再评' });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ by: 'eng2' });
    expect((await c.biz.get(`/api/releases/${r.id}/post-release`)).body.review).toMatchObject({
      justified: true,
      reviewerName: 'eng2',
    });

    const closed = await c.boss.post(`/api/releases/${r.id}/close`, {
      outcome: 'successful',
      analysis: '紧急修复',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', r.id)
      .where('outcome', '=', 'success')
      .execute();
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'release.complete_plan',
        'release.approve_completion',
        'release.review_emergency',
      ]),
    );
  });

  it('TY-4 the short form names its target configuration; a failed emergency release, too, closes only once completed and reviewed', async () => {
    const r = await readyRelease(t, c, {
      type: 'emergency',
      drafter: 'boss',
      checks: false,
      plan: (full) => ({ ...shortForm(full), baseline: undefined }),
    }).catch((e: Error) => e);
    // Without the baseline, the short form is refused at submit, naming what it lacks.
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toContain('"section":"baseline"');

    const s = await implementedEmergency();
    const failed = await c.boss.post(`/api/releases/${s.id}/close`, {
      outcome: 'failed',
      analysis: '部分失败',
    });
    expect(failed.status).toBe(422);
    expect(failed.body.error.details.rule).toMatch(/^TY-4/);
  });

  it('TY-4 RB-5 a rollback that failed closes an emergency release only once its plan is completed and reviewed; the refusal writes nothing', async () => {
    const r = await readyRelease(t, c, { type: 'emergency', drafter: 'boss', plan: shortForm });
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, { kind: 'data', summary: '数据异常' });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    const decided = await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, {
      decision: 'rollback',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await runStep(c.eng1, r.id, 'rollback', 0, 'failed');

    const refused = await c.boss.post(`/api/releases/${r.id}/rollback/fail`, { reason: '备份不可用' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toMatch(/^TY-4/);
    expect((await c.boss.get(`/api/releases/${r.id}`)).body.state).toBe('rolling_back');
    const rules = (await actions('boss', r.id)).fail_rollback.blockers.map((b: { rule: string }) => b.rule);
    expect(rules).toEqual(['TY-4 the plan completed before close', 'TY-4 reviewed after the fact']);

    // Completed, approved and reviewed while the rollback is under way: then it closes as failed.
    const approved = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans[0].content as PlanContent;
    const completion: PlanContent = {
      ...approved,
      participants: [{ name: '张工', role: '发布实施人员', responsibility: '执行部署步骤' }],
      risks: [
        {
          category: 'technical',
          description: '数据异常',
          likelihood: 'low',
          impact: 'high',
          response: '回退',
        },
      ],
      postDeployment: '功能验证、更新 CMDB',
      resources: '两名工程师',
    };
    expect((await c.eng1.request('PUT', `/api/releases/${r.id}/plan/completion`, completion)).status).toBe(
      200,
    );
    expect((await c.boss.post(`/api/releases/${r.id}/plan/completion/approve`, {})).status).toBe(200);
    const review = await c.eng2.post(`/api/releases/${r.id}/review`, {
      justified: true,
      findings: '紧急发布合理；回退失败的原因另见问题记录',
    });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const failed = await c.boss.post(`/api/releases/${r.id}/rollback/fail`, { reason: '备份不可用' });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body).toMatchObject({ state: 'closed', outcome: 'failed' });
  });

  it('IN-1 TY-4 a change approved by the emergency CAB serves an emergency release, never a major or normal one', async () => {
    // An emergency release on an emergency change: the expedited approval is enough.
    const r = await readyRelease(t, c, {
      type: 'emergency',
      drafter: 'boss',
      plan: shortForm,
      emergencyChange: true,
    });
    const detail = (await c.eng1.get(`/api/releases/${r.id}`)).body;
    expect(detail.state).toBe('ready');
    expect(detail.changes).toEqual([expect.objectContaining({ approved: true, expedited: true })]);

    // The same kind of change in a release classified major: its plan cannot be submitted.
    const app = await ci(c.cfg, 'application', 'billing-major');
    const change = await approvedChange(c, '加急变更', [app.id], { emergencyReason: '客户投诉' });
    const req = await c.eng1.post('/api/releases', {
      title: '借紧急通道的重大发布',
      changeIds: [change.id],
      targetCiIds: [app.id],
    });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    expect((await c.eng2.post(`/api/releases/${req.body.id}/accept`, {})).status).toBe(200);
    const classified = await c.eng1.post(`/api/releases/${req.body.id}/classify`, {
      type: 'major',
      reason: '影响计费核心流程',
    });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    expect(
      (await c.eng1.request('PUT', `/api/releases/${req.body.id}/plan`, completePlan([app.id]))).status,
    ).toBe(200);
    const submit = await c.eng1.post(`/api/releases/${req.body.id}/plan/submit`);
    expect(submit.status).toBe(422);
    expect(submit.body.error.details.rule).toBe(
      'IN-1 an emergency CAB approval serves an emergency release only',
    );
    expect((await c.eng1.get(`/api/releases/${req.body.id}`)).body.state).toBe('planning');
  });

  it('PO-2 a CMDB update that would change nothing is refused unless the plan says why no CI changes', async () => {
    const anyCi = (
      await c.cfg.post('/api/cmdb/cis', {
        type: 'application',
        name: 'baseline-app',
        environment: 'production',
      })
    ).body;
    const baseline = await c.cfg.post('/api/cmdb/baselines', {
      name: '发布前基线',
      description: 'x',
      ciIds: [anyCi.id],
    });
    expect(baseline.status, JSON.stringify(baseline.body)).toBe(201);
    const noTargets = (full: PlanContent): PlanContent => ({
      ...full,
      baseline: { baselineId: baseline.body.id, targets: [] },
    });
    const r = await readyRelease(t, c, { plan: noTargets });
    await c.impl.post(`/api/releases/${r.id}/implementation/start`);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    await c.impl.post(`/api/releases/${r.id}/implementation/complete`);
    const refused = await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toBe('PO-2 the CMDB update applies the plan');

    const reasoned = await readyRelease(t, c, {
      plan: (full) => ({
        ...full,
        baseline: { baselineId: null, targets: [], noChangeReason: '仅调整参数配置，无版本变化' },
      }),
    });
    await c.impl.post(`/api/releases/${reasoned.id}/implementation/start`);
    await runStep(c.impl, reasoned.id, 'implementation', 0);
    await runStep(c.impl, reasoned.id, 'implementation', 1);
    await c.impl.post(`/api/releases/${reasoned.id}/implementation/complete`);
    const done = await c.cfg.post(`/api/releases/${reasoned.id}/cmdb-update/complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await c.cfg.get(`/api/releases/${reasoned.id}/post-release`)).body.cmdbUpdate.applied).toEqual(
      [],
    );
  });
});
