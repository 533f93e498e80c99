import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanContent } from '@releasegate/domain';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, completePlan, signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';

describe.each(DIALECTS)('monitoring and rollback on %s', (dialect) => {
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

  /** A release implementing, its first step done. */
  const implementing = async (plan?: (content: PlanContent) => PlanContent) => {
    const r = await readyRelease(t, c, { plan });
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    await runStep(c.impl, r.id, 'implementation', 0);
    return r;
  };
  const rollbackView = async (id: string) => (await c.biz.get(`/api/releases/${id}/rollback`)).body;
  const notifications = (kind: string) =>
    t.database.db.kysely
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select(['users.username', 'notifications.title_zh'])
      .where('notifications.kind', '=', kind)
      .execute();

  it('IM-4 RB-1 a reading beyond its threshold raises a performance trigger by itself, once while it awaits a decision', async () => {
    const r = await implementing();
    const fine = await c.impl.post(`/api/releases/${r.id}/readings`, {
      indicator: 'error_ratio',
      value: 0.01,
    });
    expect(fine.body).toEqual({ breached: false, trigger: null });
    const unknown = await c.impl.post(`/api/releases/${r.id}/readings`, { indicator: 'cpu', value: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.rule).toBe('IM-4 indicators from the plan');
    // A reading dated in the future would sit outside every window the policy counts in.
    const future = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const forged = await c.impl.post(`/api/releases/${r.id}/readings`, {
      indicator: 'error_ratio',
      value: 0.5,
      at: future,
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.details.fields).toEqual({ at: ['not after now'] });
    const forgedLog = await c.impl.post(`/api/releases/${r.id}/logs`, {
      lines: [{ message: 'ok' }, { message: 'later', at: future }],
    });
    expect(forgedLog.status).toBe(400);
    expect(Object.keys(forgedLog.body.error.details.fields)).toEqual(['lines.1.at']);
    const breach = await c.impl.post(`/api/releases/${r.id}/readings`, {
      indicator: 'error_ratio',
      value: 0.12,
    });
    expect(breach.body.breached).toBe(true);
    expect(breach.body.trigger).toMatchObject({
      kind: 'performance',
      decisionDueAt: '2026-02-01T15:30:00.000Z',
    });
    const again = await c.impl.post(`/api/releases/${r.id}/readings`, {
      indicator: 'error_ratio',
      value: 0.2,
    });
    expect(again.body).toMatchObject({ breached: true, trigger: null });
    const triggers = (await rollbackView(r.id)).triggers;
    expect(triggers).toHaveLength(1);
    // RB-2: the indicator whose reading raised it, for the curve beside the countdown.
    expect(triggers[0]).toMatchObject({
      source: 'metric',
      raisedBy: 'ReleaseGate',
      indicator: 'error_ratio',
    });
    expect(triggers[0].summary).toContain('交易失败率 = 0.12 (> 0.05 ratio)');
    // the evidence as a code with its parameters, beside its English.
    expect(triggers[0].evidenceReason).toEqual({
      code: 'trigger_evidence_entered',
      params: { by: 'impl', at: expect.any(String) },
    });
    expect(triggers[0].evidence).toBe(`entered by impl at ${triggers[0].evidenceReason.params.at}`);
    expect((await notifications('trigger_raised')).map((n) => n.username).sort()).toEqual([
      'boss',
      'eng1',
      'eng2',
    ]);
    // IM-2 with a trigger open, implementation cannot complete.
    await runStep(c.impl, r.id, 'implementation', 1);
    const complete = await c.impl.post(`/api/releases/${r.id}/implementation/complete`);
    expect(complete.body.error.details.rule).toBe('RB-2 decide first');
  });

  it("IM-5 logs are kept with the release, searchable, and lines matching the plan's error patterns are flagged", async () => {
    const r = await implementing();
    const pushed = await c.impl.post(`/api/releases/${r.id}/logs`, {
      lines: [
        { level: 'info', message: 'deploy billing 2.1 started' },
        { level: 'error', message: 'ORA-12541: TNS:no listener' },
        { level: 'warn', message: 'upstream Connection refused, retrying' },
      ],
    });
    expect(pushed.body).toEqual({ accepted: 3, flagged: 2 });
    const flagged = (await c.biz.get(`/api/releases/${r.id}/logs?flagged=true`)).body;
    expect(flagged.map((l: any) => l.flaggedPattern)).toEqual(['ORA-', '/connection (refused|reset)/i']);
    const found = (await c.biz.get(`/api/releases/${r.id}/logs?q=billing`)).body;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ source: 'attached', recordedBy: expect.any(String) });
    // A pasted file sends one default level; the level each line states wins.
    await c.impl.post(`/api/releases/${r.id}/logs`, {
      lines: [{ level: 'info', message: '2026-11-26 18:13:05 ERROR ORA-00060: deadlock detected' }],
    });
    const errors = (await c.biz.get(`/api/releases/${r.id}/logs?level=error&q=ORA-00060`)).body;
    expect(errors.map((l: any) => l.level)).toEqual(['error']);
  });

  it("IM-6 complaints reaching the policy's 5 within 10 minutes raise a concentrated-complaints trigger", async () => {
    const r = await implementing();
    const complain = (content: string) =>
      c.impl.post(`/api/releases/${r.id}/feedback`, {
        channel: '客服热线',
        reporter: '95588 坐席',
        content,
        severity: 'high',
        complaint: true,
      });
    for (let i = 0; i < 3; i++) expect((await complain(`无法转账 ${i}`)).body.trigger).toBeNull();
    t.clock.advanceMinutes(11);
    // The first three fall out of the window: four within ten minutes are not yet enough.
    for (let i = 0; i < 4; i++) expect((await complain(`余额显示错误 ${i}`)).body.trigger).toBeNull();
    const fifth = (await complain('余额显示错误 5')).body.trigger;
    expect(fifth).toMatchObject({ kind: 'complaints' });
    const missing = await c.impl.post(`/api/releases/${r.id}/feedback`, { channel: '', severity: 'low' });
    expect(missing.status).toBe(400);
  });

  it('RB-2 the decision deadline escalates before and at 30 minutes on a moved clock, and a late decision is a recorded breach', async () => {
    const r = await implementing();
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
      kind: 'function_unusable',
      summary: '网银转账功能不可用',
      evidence: '监控截图',
      discoveredAt: '2026-02-01T14:55:00Z',
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(raised.body.decisionDueAt).toBe('2026-02-01T15:25:00.000Z');
    // the notice gives the deadline on the department's clock (UTC+8), as people read it.
    const notice = await t.database.db.kysely
      .selectFrom('notifications')
      .select('body_zh')
      .where('kind', '=', 'trigger_raised')
      .executeTakeFirstOrThrow();
    expect(notice.body_zh).toContain('请在北京时间 2026-02-01 23:25 前作出回退决策');
    t.clock.set('2026-02-01T15:14:00Z');
    expect(await t.app.jobs.runDue()).toBe(0);
    t.clock.set('2026-02-01T15:15:00Z');
    expect(await t.app.jobs.runDue()).toBe(1);
    expect((await notifications('deadline_near')).map((n) => n.username)).toEqual(['boss']);
    expect((await rollbackView(r.id)).triggers[0]).toMatchObject({ escalations: 1, overdue: false });
    t.clock.set('2026-02-01T15:25:00Z');
    expect(await t.app.jobs.runDue()).toBe(1);
    expect(await t.app.jobs.runDue()).toBe(0);
    expect((await rollbackView(r.id)).triggers[0]).toMatchObject({ escalations: 2, overdue: true });
    expect((await notifications('deadline_missed')).map((n) => n.title_zh)).toEqual([
      expect.stringContaining('回退决策已超时'),
    ]);

    const triggerId = raised.body.id;
    const byEngineer = await c.eng1.post(`/api/releases/${r.id}/triggers/${triggerId}/decision`, {
      decision: 'rollback',
    });
    expect(byEngineer.status).toBe(403);
    expect(byEngineer.body.error.details.rule).toBe('RB-2 an authorised person decides');
    const noReason = await c.boss.post(`/api/releases/${r.id}/triggers/${triggerId}/decision`, {
      decision: 'continue',
    });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.details.rule).toBe('RB-2 continue with a reason');
    t.clock.set('2026-02-01T15:27:00Z');
    const decided = await c.boss.post(`/api/releases/${r.id}/triggers/${triggerId}/decision`, {
      decision: 'rollback',
      reason: '转账不可用，立即回退',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.state).toBe('rolling_back');
    expect((await rollbackView(r.id)).triggers[0]).toMatchObject({
      decision: 'rollback',
      decisionMinutes: 32,
      late: true,
    });
    const breach = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'in', [
        'release.mark_rollback_decision_late',
        'release.mark_rollback_decision_overdue',
      ])
      .execute();
    expect(breach.map((b) => b.action).sort()).toEqual([
      'release.mark_rollback_decision_late',
      'release.mark_rollback_decision_overdue',
    ]);
  });

  it('RB-2 a decision in time cancels the escalations still ahead', async () => {
    const r = await implementing();
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, { kind: 'data', summary: '对账不平' });
    await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, {
      decision: 'continue',
      reason: '差异来自测试账户，已核实',
    });
    t.clock.advanceMinutes(60);
    expect(await t.app.jobs.runDue()).toBe(0);
    const trigger = (await rollbackView(r.id)).triggers[0];
    expect(trigger).toMatchObject({ decision: 'continue', late: false, escalations: 0 });
    expect((await c.impl.get(`/api/releases/${r.id}`)).body).toMatchObject({
      state: 'implementing',
      rollbackDecided: false,
    });
  });

  it('RB-3 RB-4 RB-5 rollback steps run in order, restoration is verified against the baseline, and the course becomes a problem record', async () => {
    const r = await implementing((content) => ({
      ...content,
      rollback: {
        ...content.rollback!,
        steps: [
          { title: '切回旧版本', owner: '张工', expectedMinutes: 10, verification: '版本 2.0' },
          { title: '恢复数据库', owner: '李工', expectedMinutes: 20, verification: '校验通过' },
        ],
      },
    }));
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
      kind: 'data',
      summary: '账务数据不一致',
    });
    await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, {
      decision: 'rollback',
      reason: '数据不一致',
    });
    // The release is on the rollback path for good, whatever its outcome later.
    expect((await c.impl.get(`/api/releases/${r.id}`)).body.rollbackDecided).toBe(true);
    const outOfOrder = await c.eng1.post(`/api/releases/${r.id}/steps/rollback/1/start`, {});
    expect(outOfOrder.status).toBe(422);
    expect(outOfOrder.body.error.details.rule).toBe('RB-3 rollback steps in order');
    await runStep(c.eng1, r.id, 'rollback', 0);
    await runStep(c.eng1, r.id, 'rollback', 1);

    const notRestored = await c.eng1.post(`/api/releases/${r.id}/restoration`, {
      observed: [{ ciId: r.ciId, version: '2.1' }],
    });
    expect(notRestored.body.ok).toBe(false);
    expect(notRestored.body.items[0]).toMatchObject({ expectedVersion: '2.0', observedVersion: '2.1' });
    expect(notRestored.body.items[0].differences).toEqual(['deployed 2.1 ≠ 2.0']);
    // the same difference as a code the catalog renders in either language.
    expect(notRestored.body.items[0].differenceReasons).toEqual([
      { code: 'difference_deployed', params: { observed: '2.1', expected: '2.0' } },
    ]);
    const refused = await c.eng1.post(`/api/releases/${r.id}/rollback/complete`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toBe('RB-4 restoration verified');

    const restored = await c.eng1.post(`/api/releases/${r.id}/restoration`, {
      observed: [{ ciId: r.ciId, version: '2.0' }],
    });
    expect(restored.body.ok).toBe(true);
    const done = await c.eng1.post(`/api/releases/${r.id}/rollback/complete`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('rolled_back');
    const [problem] = (await rollbackView(r.id)).problems;
    expect(problem.number).toMatch(/^PRB-2026-\d{4}$/);
    expect(problem.reason).toBe('数据不一致或丢失：账务数据不一致');
    const course = problem.course.map((e: any) => e.event);
    expect(course.some((e: string) => e.startsWith('trigger (data, person)'))).toBe(true);
    expect(course.some((e: string) => e.startsWith('decision: rollback — 数据不一致'))).toBe(true);
    expect(course.filter((e: string) => e.startsWith('rollback step'))).toHaveLength(2);
    expect(course.some((e: string) => e.includes('differences on'))).toBe(true);
    // each event is also a reason of the catalog, which the web renders in Chinese.
    const codes = problem.course.map((e: any) => e.reason.code);
    expect(codes[0]).toBe('course_trigger');
    expect(codes).toContain('course_decision_reason');
    expect(codes).toContain('course_differences');
    expect(codes.at(-1)).toBe('course_completed');
    expect(problem.course[0].reason.params).toMatchObject({ kind: 'data', source: 'person' });

    // PL-5: once rolled back, the release no longer holds its window against others on its CIs.
    const next = await approvedChange(c, '计费再次升级', [r.ciId]);
    const again = (
      await c.eng1.post('/api/releases', {
        title: '计费 2.1 重新发布',
        changeIds: [next.id],
        items: [],
        targetCiIds: [r.ciId],
      })
    ).body;
    await c.eng2.post(`/api/releases/${again.id}/accept`, {});
    await c.eng1.request('PUT', `/api/releases/${again.id}/plan`, completePlan([r.ciId]));
    const conflicts = (await c.eng1.get(`/api/releases/${again.id}/plan/conflicts`)).body.conflicts;
    expect(conflicts.filter((x: any) => x.kind === 'release')).toEqual([]);
    // Nor does the rolled-back release show the new one as a conflict it cannot act on.
    expect((await c.eng1.get(`/api/releases/${r.id}/plan/conflicts`)).body.conflicts).toEqual([]);
  });

  it('RB-4 with a baseline in the plan, a CMDB still showing the new configuration is not restored; CIs changed by others since the baseline do not block', async () => {
    const r = await readyRelease(t, c, { checks: false });
    // The baseline covers more than the release changes: a database the release does not touch.
    const db = (
      await c.cfg.post('/api/cmdb/cis', {
        type: 'database',
        name: '计费库',
        environment: 'production',
        version: '12',
      })
    ).body;
    const taken = await c.cfg.post('/api/cmdb/baselines', { name: '发布前基线', ciIds: [r.ciId, db.id] });
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    // The plan is revised to record the baseline, approved again and verified.
    const revised = await c.eng1.post(`/api/releases/${r.id}/plan/revise`, { reason: '记录配置基线' });
    expect(revised.status, JSON.stringify(revised.body)).toBe(200);
    const [plan] = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans;
    const content = { ...plan.content, baseline: { ...plan.content.baseline, baselineId: taken.body.id } };
    expect((await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, content)).status).toBe(200);
    await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect((await c.boss.post(`/api/releases/${r.id}/plan/approve`, {})).body.state).toBe('approved');
    for (const key of ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan'])
      await c.impl.post(`/api/releases/${r.id}/checks/${key}`, { result: 'passed', note: 'ok' });
    await c.impl.post(`/api/releases/${r.id}/implementation/start`);
    const cmdbCi = (await c.cfg.get(`/api/cmdb/cis/${r.ciId}`)).body;
    await c.cfg.patch(`/api/cmdb/cis/${r.ciId}`, {
      version: '2.1',
      revision: cmdbCi.revision,
      reason: '部署后登记',
    });
    // Meanwhile the database the release does not touch is upgraded by hand (or by another release).
    const dbNow = (await c.cfg.get(`/api/cmdb/cis/${db.id}`)).body;
    await c.cfg.patch(`/api/cmdb/cis/${db.id}`, {
      version: '13',
      revision: dbNow.revision,
      reason: '另行升级',
    });
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
      kind: 'performance',
      summary: '慢',
    });
    await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, { decision: 'rollback' });
    await runStep(c.eng1, r.id, 'rollback', 0);
    const check = await c.eng1.post(`/api/releases/${r.id}/restoration`, {
      observed: [{ ciId: r.ciId, version: '2.0' }],
    });
    expect(check.body.ok).toBe(false);
    const item = (id: string) => check.body.items.find((i: any) => i.ciId === id);
    expect(item(r.ciId).differences).toEqual(['CMDB version: "2.0" → "2.1"']);
    // The CI the release did not change is compared in the CMDB only: no observed version asked
    // for, and its change since the baseline is shown but is not this rollback's to undo.
    expect(item(db.id)).toMatchObject({
      ok: true,
      differences: [],
      changedElsewhere: ['CMDB version: "12" → "13"'],
      changedElsewhereReasons: [
        { code: 'difference_cmdb_field', params: { field: 'version', before: '"12"', after: '"13"' } },
      ],
    });
    // Once the release's own CI is back, restoration is verified and the rollback completes.
    const back = (await c.cfg.get(`/api/cmdb/cis/${r.ciId}`)).body;
    await c.cfg.patch(`/api/cmdb/cis/${r.ciId}`, {
      version: '2.0',
      revision: back.revision,
      reason: '回退后登记',
    });
    const restored = await c.eng1.post(`/api/releases/${r.id}/restoration`, {
      observed: [{ ciId: r.ciId, version: '2.0' }],
    });
    expect(restored.body.ok, JSON.stringify(restored.body)).toBe(true);
    expect((await c.eng1.post(`/api/releases/${r.id}/rollback/complete`)).body.state).toBe('rolled_back');
  });

  it('RB-5 CL-1 a rollback that cannot restore the service closes the release as failed, archived and sealed with its report', async () => {
    const r = await implementing();
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, { kind: 'data', summary: '数据丢失' });
    await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, { decision: 'rollback' });
    await runStep(c.eng1, r.id, 'rollback', 0, 'failed');
    const noReason = await c.boss.post(`/api/releases/${r.id}/rollback/fail`, { reason: '' });
    expect(noReason.status).toBe(400);
    expect((await c.eng1.post(`/api/releases/${r.id}/rollback/fail`, { reason: '备份不可用' })).status).toBe(
      403,
    );
    const failed = await c.boss.post(`/api/releases/${r.id}/rollback/fail`, { reason: '备份不可用' });
    expect(failed.body).toMatchObject({ state: 'closed', outcome: 'failed' });
    expect((await rollbackView(r.id)).problems[0].course.at(-1)).toMatchObject({
      event: 'rollback failed: 备份不可用',
      reason: { code: 'course_failed', params: { reason: '备份不可用' } },
    });
    // CL-2: the report and the seal come from the job the close queued.
    expect((await c.biz.get(`/api/releases/${r.id}/post-release`)).body.sealing).toMatchObject({
      state: 'pending',
    });
    await t.app.jobs.runDue();
    const post = (await c.biz.get(`/api/releases/${r.id}/post-release`)).body;
    expect(post.sealing).toBeNull();
    expect(post.archive.sealedAt).not.toBeNull();
    expect(post.archiveItems.filter((i: any) => i.kind === 'report').map((i: any) => i.name)).toHaveLength(2);
    expect(post.closure).toMatchObject({ outcome: 'failed', analysis: '回退失败：备份不可用' });
    const record = await t.database.db.kysely
      .selectFrom('release_records')
      .select('outcome')
      .where('release_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(record.outcome).toBe('failed');
  });
});
