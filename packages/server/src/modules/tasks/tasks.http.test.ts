import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';

interface Task {
  id: string;
  kind: string;
  object: string;
  objectId: string;
  title: string;
  link: string;
  since: string;
  dueAt: string | null;
  note: string | null;
}

describe.each(DIALECTS)('my to-do (GET /api/me/tasks) on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T10:00:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const tasksOf = async (who: HttpClient) => {
    const r = await who.get('/api/me/tasks');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { tasks: Task[]; total: number; limit: number; now: string };
  };
  /** Kind and object of each task of one object, in order. */
  const on = async (who: HttpClient, objectId: string) =>
    (await tasksOf(who)).tasks.filter((x) => x.objectId === objectId).map((x) => x.kind);

  async function requested(title: string) {
    const app = await ci(c.cfg, 'application', `${title}-应用`);
    const change = await approvedChange(c, title, [app.id]);
    const r = await c.eng1.post('/api/releases', {
      title,
      changeIds: [change.id],
      targetCiIds: [app.id],
      items: [],
      urgency: 'normal',
      rollbackDifficulty: 'moderate',
      newTechnology: false,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, number: r.body.number as string, ciId: app.id };
  }

  it("RO-1 RO-2 RO-4 RO-5 PL-2 the manager's to-do lists the request to accept and the plan awaiting approval; a returned plan is on its drafter's", async () => {
    const r1 = await requested('网银登录优化');
    // RO-4: the intake roles (manager and engineers) are asked to accept, but not the requester
    // (four eyes at intake); the type is still open.
    for (const who of [c.boss, c.eng2]) expect(await on(who, r1.id)).toEqual(['accept', 'classify']);
    expect(await on(c.eng1, r1.id)).toEqual(['classify']);
    for (const who of [c.cfg, c.impl, c.cab1, c.biz, c.aud]) expect(await on(who, r1.id)).toEqual([]);
    const accept = (await tasksOf(c.boss)).tasks.find((x) => x.objectId === r1.id)!;
    expect(accept).toMatchObject({
      object: 'release',
      title: `${r1.number} 网银登录优化`,
      link: `/releases/${r1.id}?tab=overview`,
      since: '2026-02-01T10:00:00.000Z',
      dueAt: null,
    });

    const r2 = await requested('核心账务升级');
    await c.eng2.post(`/api/releases/${r2.id}/accept`, {});
    expect(await on(c.eng2, r2.id)).toEqual(['classify', 'edit_plan']);
    const classified = await c.eng1.post(`/api/releases/${r2.id}/classify`, {
      type: 'major',
      reason: '涉及核心账务',
    });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    // The plan under way is its drafter's to finish; once complete, to submit.
    expect((await c.eng1.request('PUT', `/api/releases/${r2.id}/plan`, { purpose: '升级' })).status).toBe(
      200,
    );
    expect(await on(c.eng1, r2.id)).toEqual(['edit_plan']);
    expect(await on(c.eng2, r2.id)).toEqual([]);
    await c.eng1.request('PUT', `/api/releases/${r2.id}/plan`, completePlan([r2.ciId]));
    expect(await on(c.eng1, r2.id)).toEqual(['submit_plan']);
    t.clock.set('2026-02-01T11:00:00Z');
    expect((await c.eng1.post(`/api/releases/${r2.id}/plan/submit`)).status).toBe(200);

    // TY-2: a major plan waits for the manager only, since its submission.
    t.clock.set('2026-02-01T12:00:00Z');
    expect((await tasksOf(c.boss)).tasks.find((x) => x.objectId === r2.id)).toMatchObject({
      kind: 'approve_plan',
      link: `/releases/${r2.id}?tab=plan`,
      since: '2026-02-01T11:00:00.000Z',
    });
    for (const who of [c.eng1, c.eng2, c.impl]) expect(await on(who, r2.id)).toEqual([]);

    // PL-2: returned with a comment, the plan is on its drafter's to-do, with the comment, until edited.
    const rejected = await c.boss.post(`/api/releases/${r2.id}/plan/reject`, { comment: '回退步骤不完整' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect((await tasksOf(c.eng1)).tasks.filter((x) => x.objectId === r2.id)).toEqual([
      expect.objectContaining({
        kind: 'revise_returned_plan',
        link: `/releases/${r2.id}?tab=plan`,
        since: '2026-02-01T12:00:00.000Z',
        note: '回退步骤不完整',
      }),
      expect.objectContaining({ kind: 'submit_plan' }),
    ]);
    expect(await on(c.eng2, r2.id)).toEqual(['submit_plan']);
    expect(await on(c.boss, r2.id)).toEqual(['submit_plan']);
    await c.eng1.request('PUT', `/api/releases/${r2.id}/plan`, completePlan([r2.ciId]));
    expect(await on(c.eng1, r2.id)).toEqual(['submit_plan']);

    // TY-2 RO-5: a normal plan waits for the engineers and the manager, but not for its drafter.
    await c.eng2.post(`/api/releases/${r1.id}/accept`, {});
    const normal = await c.eng1.post(`/api/releases/${r1.id}/classify`, { type: 'normal', reason: '一般' });
    expect(normal.status, JSON.stringify(normal.body)).toBe(200);
    await c.eng1.request('PUT', `/api/releases/${r1.id}/plan`, completePlan([r1.ciId]));
    expect((await c.eng1.post(`/api/releases/${r1.id}/plan/submit`)).status).toBe(200);
    for (const who of [c.boss, c.eng2]) expect(await on(who, r1.id)).toEqual(['approve_plan']);
    expect(await on(c.eng1, r1.id)).toEqual([]);
  });

  it('IN-1 DS-1 a change in CAB review waits for each member who has not voted; a pending software version for the managers but its registrant', async () => {
    const change = await c.eng1.post('/api/changes', {
      title: '防火墙策略调整',
      description: '开放端口',
      risk: 'low',
      ciIds: [],
    });
    expect((await c.eng1.post(`/api/changes/${change.body.id}/submit`)).status).toBe(200);
    const vote = {
      kind: 'vote_change',
      object: 'change',
      title: `${change.body.number} 防火墙策略调整`,
      link: `/changes/${change.body.id}`,
      since: '2026-02-01T10:00:00.000Z',
    };
    for (const who of [c.cab1, c.cab2, c.boss])
      expect((await tasksOf(who)).tasks).toEqual([expect.objectContaining(vote)]);
    expect(await on(c.eng1, change.body.id)).toEqual([]);
    await c.cab1.post(`/api/changes/${change.body.id}/votes`, { decision: 'approve', comment: '同意' });
    expect(await on(c.cab1, change.body.id)).toEqual([]);
    expect(await on(c.cab2, change.body.id)).toEqual(['vote_change']);

    const v = await c.eng1.post('/api/dsl/versions', {
      name: 'nginx',
      version: '1.26.2',
      external: { url: 'https://mirror.example.com/nginx-1.26.2.tar.gz', digest: 'a'.repeat(64) },
    });
    expect(v.body.state).toBe('pending');
    expect((await tasksOf(c.boss)).tasks.find((x) => x.objectId === v.body.id)).toMatchObject({
      kind: 'approve_dsl_version',
      object: 'dsl_version',
      title: 'nginx 1.26.2',
      link: `/dsl/versions/${v.body.id}`,
    });
    for (const who of [c.eng1, c.cfg, c.cab1]) expect(await on(who, v.body.id)).toEqual([]);
    await c.boss.post(`/api/dsl/versions/${v.body.id}/approve`, {});
    expect(await on(c.boss, v.body.id)).toEqual([]);

    // Roles with nothing to act on have an empty list; signing in is all it needs.
    await t.seedUser('sys', ['system_administrator']);
    const sys = new HttpClient(t.url);
    await sys.login('sys');
    expect((await tasksOf(sys)).tasks).toEqual([]);
    expect((await tasksOf(c.aud)).tasks).toEqual([]);
    expect((await new HttpClient(t.url).get('/api/me/tasks')).status).toBe(401);
  });

  it("PO-1 PO-2 CL-1 the business representative's to-do lists the acceptance to sign, the CMDB update its due time, and the manager's the release to close", async () => {
    t.clock.set('2026-02-01T14:30:00Z');
    const r = await readyRelease(t, c);
    expect(await on(c.impl, r.id)).toEqual(['start_implementation']);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    expect(await on(c.impl, r.id)).toEqual(['record_step']);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    expect(await on(c.impl, r.id)).toEqual(['complete_implementation']);
    t.clock.set('2026-02-01T15:10:00Z');
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/complete`)).body.state).toBe(
      'post_release',
    );

    t.clock.set('2026-02-01T18:10:00Z');
    expect((await tasksOf(c.biz)).tasks).toEqual([
      expect.objectContaining({
        kind: 'sign_acceptance',
        link: `/releases/${r.id}?tab=postrelease`,
        since: '2026-02-01T15:10:00.000Z',
        dueAt: null,
      }),
    ]);
    const cmdb = { kind: 'complete_cmdb_update', dueAt: '2026-02-02T15:10:00.000Z' };
    expect((await tasksOf(c.cfg)).tasks).toEqual([expect.objectContaining(cmdb)]);
    // The step at hand first, at most two per release.
    expect(await on(c.eng1, r.id)).toEqual(['complete_cmdb_update', 'record_verification']);
    expect(await on(c.boss, r.id)).toEqual(['record_verification', 'archive']);

    for (const key of ['functional', 'performance', 'business'])
      await c.eng1.post(`/api/releases/${r.id}/verifications/${key}`, { result: 'passed', note: '正常' });
    await c.biz.post(`/api/releases/${r.id}/acceptance`, { accepted: true, department: '零售业务部' });
    expect((await tasksOf(c.biz)).tasks).toEqual([]);
    expect((await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {})).status).toBe(200);
    expect((await tasksOf(c.cfg)).tasks).toEqual([]);
    expect(await on(c.eng1, r.id)).toEqual(['archive']);
    expect((await c.eng1.post(`/api/releases/${r.id}/archive`)).status).toBe(200);
    expect(await on(c.eng1, r.id)).toEqual([]);
    // CL-1: only the manager closes.
    expect((await tasksOf(c.boss)).tasks).toEqual([
      expect.objectContaining({ kind: 'close', link: `/releases/${r.id}?tab=close` }),
    ]);
    await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'successful' });
    expect((await tasksOf(c.boss)).tasks).toEqual([]);
  });

  it("RB-2 a pending rollback decision is on the deciders' to-do with its due time, ahead of everything else", async () => {
    t.clock.set('2026-02-01T14:30:00Z');
    const older = await requested('older request');
    const r = await readyRelease(t, c);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
      kind: 'function_unusable',
      summary: '网银转账功能不可用',
      discoveredAt: '2026-02-01T14:55:00Z',
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    const mine = (await tasksOf(c.boss)).tasks;
    expect(mine[0]).toMatchObject({
      kind: 'decide_rollback',
      objectId: r.id,
      link: `/releases/${r.id}?tab=rollback`,
      since: '2026-02-01T14:55:00.000Z',
      dueAt: '2026-02-01T15:25:00.000Z',
      note: '网银转账功能不可用',
    });
    expect(mine.map((x) => x.objectId)).toContain(older.id);
    // Only the policy's deciders decide; the implementer's steps wait meanwhile.
    for (const who of [c.impl, c.eng1]) expect(await on(who, r.id)).toEqual(['record_step']);
    const decided = await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, {
      decision: 'rollback',
      reason: '立即回退',
    });
    expect(decided.body.state).toBe('rolling_back');
    expect(await on(c.boss, r.id)).toEqual(['record_rollback_step']);
    expect(await on(c.impl, r.id)).toEqual(['record_rollback_step']);
    // RB-5: a failed rollback step puts the judgement on the manager's list; the step may be retried.
    await runStep(c.impl, r.id, 'rollback', 0, 'failed');
    expect(await on(c.boss, r.id)).toEqual(['fail_rollback', 'record_rollback_step']);
    expect(await on(c.impl, r.id)).toEqual(['record_rollback_step']);
    await runStep(c.impl, r.id, 'rollback', 0);
    expect(await on(c.cfg, r.id)).toEqual(['verify_restoration']);
    expect(await on(c.boss, r.id)).not.toContain('fail_rollback');
  });

  it("IM-2 RO-3 a step assigned to an account is on that implementer's to-do only, with its title; an unassigned step on everyone's who may record steps; a rollback step likewise", async () => {
    const r = await readyRelease(t, c, {
      plan: (content) => ({
        ...content,
        steps: content.steps!.map((s, i) => (i === 0 ? { ...s, assignee: 'impl' } : s)),
        rollback: {
          ...content.rollback!,
          steps: content.rollback!.steps.map((s) => ({ ...s, assignee: 'eng2' })),
        },
      }),
    });
    expect((await c.eng1.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    const step = async (who: HttpClient) =>
      (await tasksOf(who)).tasks.find((x) => x.objectId === r.id && x.kind === 'record_step');
    /** The to-dos the person was sent about steps of this release. */
    const stepNotices = async (who: HttpClient) =>
      (await who.get('/api/notifications?category=todo')).body.items.filter(
        (n: { kind: string; releaseId: string }) => n.kind === 'task_assigned' && n.releaseId === r.id,
      );
    // Step 1 is the implementer's: on their list with its title, on no other engineer's.
    expect(await step(c.impl)).toMatchObject({
      note: '1. 停止服务',
      link: `/releases/${r.id}?tab=implementation`,
    });
    for (const who of [c.eng1, c.eng2, c.boss]) expect(await step(who)).toBeUndefined();
    // and they are told, as a to-do that is open until the step has succeeded.
    const [told] = await stepNotices(c.impl);
    expect(told).toMatchObject({
      todoKey: `release:${r.id}:step.implementation.0`,
      link: `/releases/${r.id}?tab=implementation`,
      body: { zh: '1. 停止服务' },
      doneAt: null,
    });
    expect(told.title.zh).toContain('轮到您执行实施第 1 步');
    for (const who of [c.eng1, c.eng2, c.boss]) expect(await stepNotices(who)).toEqual([]);
    // Anyone who may still records it (the assignment routes the task, it grants nothing).
    await runStep(c.eng1, r.id, 'implementation', 0);
    const [done] = await stepNotices(c.impl);
    expect(done.doneAt).toBeTruthy();
    expect(done.doneBy).toBe('eng1');
    // Step 2 names no account: everyone's who may record steps.
    for (const who of [c.impl, c.eng1, c.eng2])
      expect(await step(who)).toMatchObject({ note: '2. 部署新版本' });
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
      kind: 'function_unusable',
      summary: '计费失败',
      discoveredAt: '2026-02-01T14:59:00Z',
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    const decided = await c.boss.post(`/api/releases/${r.id}/triggers/${raised.body.id}/decision`, {
      decision: 'rollback',
      reason: '立即回退',
    });
    expect(decided.body.state).toBe('rolling_back');
    const rollbackStep = async (who: HttpClient) =>
      (await tasksOf(who)).tasks.find((x) => x.objectId === r.id && x.kind === 'record_rollback_step');
    expect(await rollbackStep(c.eng2)).toMatchObject({ note: '1. 回滚到 2.0' });
    for (const who of [c.impl, c.eng1, c.boss]) expect(await rollbackStep(who)).toBeUndefined();
    // The decision to roll back brings the first rollback step to hand: its assignee is told.
    expect(await stepNotices(c.eng2)).toMatchObject([
      { todoKey: `release:${r.id}:step.rollback.0`, link: `/releases/${r.id}?tab=rollback`, doneAt: null },
    ]);
    // Step 2 of the implementation named nobody: nobody was sent a to-do about it.
    expect(await stepNotices(c.impl)).toHaveLength(1);
    expect(await stepNotices(c.eng1)).toEqual([]);
  });

  it('IM-2 RO-3 a plan assigning a step to an account that may not carry out steps, is disabled or does not exist is refused, each step named, and nothing is saved', async () => {
    const r = await requested('指派校验');
    expect((await c.eng2.post(`/api/releases/${r.id}/accept`, {})).status).toBe(200);
    const classified = await c.eng1.post(`/api/releases/${r.id}/classify`, {
      type: 'normal',
      reason: '一般',
    });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    // An implementer whose account was disabled.
    await t.seedUser('gone', ['release_implementer']);
    await t.database.db.kysely
      .updateTable('users')
      .set({ disabled: 1 })
      .where('username', '=', 'gone')
      .execute();
    const plan = completePlan([r.ciId]);
    const [first, second] = plan.steps!;
    const rollback = plan.rollback!;
    const withAssignees = (a: string, b: string, back: string) => ({
      ...plan,
      steps: [
        { ...first, assignee: a },
        { ...second, assignee: b },
      ],
      rollback: { ...rollback, steps: [{ ...rollback.steps[0], assignee: back }] },
    });
    const refused = await c.eng1.request(
      'PUT',
      `/api/releases/${r.id}/plan`,
      withAssignees('biz', 'gone', 'nobody'),
    );
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    const fields = refused.body.error.details.fieldProblems as Record<string, unknown[]>;
    expect(Object.keys(fields).sort()).toEqual([
      'rollback.steps.0.assignee',
      'steps.0.assignee',
      'steps.1.assignee',
    ]);
    for (const problems of Object.values(fields))
      expect(problems).toEqual([{ code: 'not_an_implementer', params: {} }]);
    expect((await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans).toEqual([]);
    // Implementers and engineers may carry out steps: saved, and read back as saved.
    const saved = await c.eng1.request(
      'PUT',
      `/api/releases/${r.id}/plan`,
      withAssignees('impl', 'eng2', ''),
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const [version] = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans;
    expect(version.content.steps.map((s: { assignee?: string }) => s.assignee)).toEqual(['impl', 'eng2']);
  });

  it('DS-1 a list beyond 100 shows the 100 waiting longest, with the total', async () => {
    for (let i = 0; i < 101; i++) {
      const v = await c.eng1.post('/api/dsl/versions', {
        name: 'lib',
        version: `1.0.${i}`,
        external: {
          url: `https://mirror.example.com/lib-1.0.${i}.tgz`,
          digest: i.toString(16).padStart(64, '0'),
        },
      });
      expect(v.status, JSON.stringify(v.body)).toBe(201);
      t.clock.advanceMinutes(1);
    }
    const mine = await tasksOf(c.boss);
    expect(mine).toMatchObject({ total: 101, limit: 100, now: '2026-02-01T11:41:00.000Z' });
    expect(mine.tasks).toHaveLength(100);
    // The longest waiting first.
    expect(mine.tasks[0].title).toBe('lib 1.0.0');
  });
});
