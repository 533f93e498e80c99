import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanContent } from '@releasegate/domain';
import { DIALECTS } from '../../test/databases';
import { SESSIONS_FOR_A_DAY, implementRelease, readyRelease, shortForm } from '../../test/implementation';
import { signInRoles } from '../../test/releases';
import { startTestApp, type HttpClient, type TestApp } from '../../test/test-app';

/**
 * X-2 (decision 0018): the bell counts what its owner still has to do — one notice per thing,
 * addressed to who can do it, done when anyone does it — and information goes to the digest.
 */
describe.each(DIALECTS)('to-dos and the digest on %s', (dialect) => {
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

  const bell = async (who: HttpClient) => {
    const r = await who.get('/api/notifications?limit=200');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as {
      unread: number;
      todo: number;
      info: number;
      items: {
        category: 'todo' | 'info';
        kind: string;
        todoKey: string | null;
        doneAt: string | null;
        doneBy: string | null;
        title: { zh: string };
      }[];
    };
  };
  const open = (b: Awaited<ReturnType<typeof bell>>) =>
    b.items.filter((n) => n.category === 'todo' && !n.doneAt);

  it('X-2 after a full release walk the manager has nothing open, the bell says 0 and the digest holds the state changes', async () => {
    const r = await readyRelease(t, c);
    // The manager was asked for the CAB vote, the DSL approval and the plan approval; all are done.
    let boss = await bell(c.boss);
    const todos = boss.items.filter((n) => n.category === 'todo');
    expect(todos.map((n) => n.todoKey?.split(':')[2]).sort()).toEqual(
      ['accept', 'approve_dsl_version', 'approve_plan', 'vote_change'].sort(),
    );
    expect(open(boss)).toEqual([]);
    expect(boss.unread).toBe(0);
    // Every state change so far is information, not a to-do.
    expect(boss.items.some((n) => n.category === 'info' && n.kind === 'state_changed')).toBe(true);
    expect(boss.items.filter((n) => n.kind === 'state_changed').every((n) => n.category === 'info')).toBe(
      true,
    );

    await implementRelease(t, c, r.id);

    // The configuration administrator has the CMDB update to do, the business user the acceptance.
    expect((await bell(c.cfg)).todo).toBe(1);
    expect(open(await bell(c.biz)).map((n) => n.todoKey)).toEqual([`release:${r.id}:sign_acceptance`]);
    for (const key of ['functional', 'performance', 'business'])
      await c.eng1.post(`/api/releases/${r.id}/verifications/${key}`, { result: 'passed', note: '正常' });
    await c.biz.post(`/api/releases/${r.id}/acceptance`, { accepted: true, department: '零售业务部' });
    expect((await bell(c.biz)).todo).toBe(0);
    expect((await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {})).status).toBe(200);
    const cfg = await bell(c.cfg);
    expect(cfg.todo).toBe(0);
    expect(cfg.items.find((n) => n.todoKey === `release:${r.id}:complete_cmdb_update`)?.doneAt).toBeTruthy();
    await c.eng1.post(`/api/releases/${r.id}/archive`);
    expect((await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'successful' })).status).toBe(200);

    boss = await bell(c.boss);
    expect(boss.unread).toBe(0);
    expect(boss.todo).toBe(0);
    // The digest holds the rest: every state change of the walk, unread, out of the bell's count.
    const info = boss.items.filter((n) => n.category === 'info');
    expect(info.length).toBeGreaterThanOrEqual(6);
    expect(boss.info).toBe(info.length);
    const digest = await c.boss.get('/api/notifications?category=info&limit=200');
    expect(digest.body.items).toHaveLength(info.length);
    // Marking the digest read leaves the to-dos alone.
    expect((await c.boss.post('/api/notifications/read-all?category=info', {})).body.marked).toBe(
      info.length,
    );
    expect((await bell(c.boss)).info).toBe(0);
  });

  it('X-2 a to-do is marked done when another person with the same role does it, naming who did', async () => {
    const core = await c.cfg.post('/api/cmdb/cis', {
      type: 'database',
      name: '账务库',
      environment: 'production',
    });
    const change = await c.eng1.post('/api/changes', {
      title: '账务升级',
      description: '升级',
      risk: 'medium',
      ciIds: [core.body.id],
    });
    expect(change.status, JSON.stringify(change.body)).toBe(201);
    await c.eng1.post(`/api/changes/${change.body.id}/submit`);
    // Both CAB members and the manager are asked for a vote; each vote is personal.
    expect(open(await bell(c.cab1)).map((n) => n.todoKey)).toEqual([`change:${change.body.id}:vote_change`]);
    await c.cab1.post(`/api/changes/${change.body.id}/votes`, { decision: 'approve', comment: '同意' });
    expect((await bell(c.cab1)).todo).toBe(0);
    expect((await bell(c.cab2)).todo).toBe(1);
    await c.cab2.post(`/api/changes/${change.body.id}/votes`, { decision: 'approve', comment: '同意' });
    // The change is approved: the manager's vote is no longer asked for.
    expect(open(await bell(c.boss))).toEqual([]);

    const requested = await c.eng1.post('/api/releases', {
      title: '账务升级发布',
      changeIds: [change.body.id],
      targetCiIds: [core.body.id],
      urgency: 'normal',
      rollbackDifficulty: 'moderate',
      newTechnology: false,
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const key = `release:${requested.body.id}:accept`;
    // The requester is not asked; the manager and the other engineer are.
    expect((await bell(c.eng1)).items.some((n) => n.todoKey === key)).toBe(false);
    expect(open(await bell(c.eng2)).map((n) => n.todoKey)).toEqual([key]);
    expect(open(await bell(c.boss)).map((n) => n.todoKey)).toEqual([key]);
    expect((await bell(c.boss)).unread).toBe(1);

    // The manager accepts: the engineer's to-do is done too, by the manager.
    expect((await c.boss.post(`/api/releases/${requested.body.id}/accept`, { note: '受理' })).status).toBe(
      200,
    );
    const eng2 = await bell(c.eng2);
    expect(eng2.todo).toBe(0);
    const done = eng2.items.find((n) => n.todoKey === key)!;
    expect(done.doneAt).toBeTruthy();
    expect(done.doneBy).toBe('boss');
    expect((await bell(c.boss)).unread).toBe(0);
  });

  it('X-2 TY-4 the emergency path is a to-do at each step: complete the plan, approve the completion, review after the fact; each done when done', async () => {
    const r = await readyRelease(t, c, { type: 'emergency', drafter: 'boss', plan: shortForm });
    const openKeys = async (who: HttpClient) => open(await bell(who)).map((n) => n.todoKey);
    // The short form is approved: the planners have its completion to do.
    expect(await openKeys(c.eng1)).toContain(`release:${r.id}:complete_plan`);
    expect(await openKeys(c.eng2)).toContain(`release:${r.id}:complete_plan`);
    // 我的待办 lists it too, where it is done.
    const tasks = (await c.eng2.get('/api/me/tasks')).body.tasks as { kind: string; link: string }[];
    expect(tasks.filter((k) => k.link.startsWith(`/releases/${r.id}`)).map((k) => k.kind)).toEqual(
      expect.arrayContaining(['complete_plan']),
    );
    // Implemented: the review is the engineers' to do, not the manager's, who approved its plans.
    await implementRelease(t, c, r.id);
    expect(await openKeys(c.eng1)).toContain(`release:${r.id}:review_emergency`);
    expect(await openKeys(c.boss)).not.toContain(`release:${r.id}:review_emergency`);

    const approved = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans[0].content as PlanContent;
    const completion: PlanContent = {
      ...approved,
      participants: [{ name: '张工', role: '发布实施人员', responsibility: '执行部署步骤' }],
      risks: [
        { category: 'technical', description: '回归', likelihood: 'low', impact: 'high', response: '回退' },
      ],
      postDeployment: '功能验证、更新 CMDB',
      resources: '两名工程师',
    };
    expect((await c.eng1.request('PUT', `/api/releases/${r.id}/plan/completion`, completion)).status).toBe(
      200,
    );
    // Drafted in full: completing is done for everyone, approving is the manager's.
    expect(await openKeys(c.eng2)).not.toContain(`release:${r.id}:complete_plan`);
    expect(await openKeys(c.boss)).toContain(`release:${r.id}:approve_completion`);
    expect((await c.boss.post(`/api/releases/${r.id}/plan/completion/approve`, {})).status).toBe(200);
    expect(await openKeys(c.boss)).not.toContain(`release:${r.id}:approve_completion`);

    expect(
      (await c.eng2.post(`/api/releases/${r.id}/review`, { justified: true, findings: '紧急发布合理' }))
        .status,
    ).toBe(200);
    const eng1 = await bell(c.eng1);
    const review = eng1.items.find((n) => n.todoKey === `release:${r.id}:review_emergency`)!;
    expect(review.doneAt).toBeTruthy();
    expect(review.doneBy).toBe('eng2');
  });
});
