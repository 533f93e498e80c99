import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../test/implementation';

/**
 * Issue #13: flows a hurried or careless person cannot break — each refusal names its rule and
 * field, over real HTTP, on every database.
 */
describe.each(DIALECTS)('misuse a hurried or careless person cannot commit, on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A release requested by eng1 with one target CI. */
  async function requested(title = '网银核心 2.1 发布') {
    const app = await ci(c.cfg, 'application', `app-${title}`);
    const change = await approvedChange(c, title, [app.id]);
    const r = await c.eng1.post('/api/releases', { title, changeIds: [change.id], targetCiIds: [app.id] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, ciId: app.id, changeId: change.id };
  }

  const actionOf = async (who: typeof c.eng1, id: string, action: string) =>
    (
      (await who.get(`/api/releases/${id}`)).body.actions as {
        action: string;
        allowed: boolean;
        blockers: { rule: string }[];
      }[]
    ).find((a) => a.action === action)!;

  it('RO-4 four eyes at intake: the requester cannot accept their own request; another intake role does', async () => {
    const r = await requested();
    const own = await c.eng1.post(`/api/releases/${r.id}/accept`, {});
    expect(own.status, JSON.stringify(own.body)).toBe(422);
    expect(own.body.error.details.rule).toBe('RO-4 four eyes at intake');
    expect((await actionOf(c.eng1, r.id, 'accept')).blockers.map((b) => b.rule)).toEqual([
      'RO-4 four eyes at intake',
    ]);
    expect((await actionOf(c.eng2, r.id, 'accept')).allowed).toBe(true);
    expect((await c.eng2.post(`/api/releases/${r.id}/accept`, {})).body.state).toBe('planning');
  });

  it('RO-4 PC-1 a policy version stored before the rule existed reads with it on: four eyes at intake applies', async () => {
    const versions = await t.database.db.kysely
      .selectFrom('policy_versions')
      .select(['id', 'document'])
      .execute();
    for (const v of versions) {
      const document = JSON.parse(v.document) as { rules: Record<string, unknown> };
      delete document.rules.intakeFourEyes;
      await t.database.db.kysely
        .updateTable('policy_versions')
        .set({ document: JSON.stringify(document) })
        .where('id', '=', v.id)
        .execute();
    }
    const listed = await c.eng1.get('/api/policy/versions');
    expect(listed.status).toBe(200);
    for (const v of listed.body.versions) expect(v.document.rules.intakeFourEyes).toBe(true);
    const r = await requested();
    expect((await c.eng1.post(`/api/releases/${r.id}/accept`, {})).body.error.details.rule).toBe(
      'RO-4 four eyes at intake',
    );
  });

  it('RO-4 a policy version may switch four eyes at intake off; the requester then accepts', async () => {
    const policy = (await c.boss.get('/api/policy')).body;
    const draft = await c.eng1.post('/api/policy/versions', {
      version: 'V1.1',
      effectiveDate: '2026-01-06',
      change: '小团队：申请人可受理',
      rules: { ...policy.document.rules, intakeFourEyes: false },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((await c.boss.post(`/api/policy/versions/${draft.body.id}/approve`, {})).status).toBe(200);
    t.clock.set('2026-01-06T01:00:00Z');
    const r = await requested();
    expect((await c.eng1.post(`/api/releases/${r.id}/accept`, {})).status).toBe(200);
  });

  it('PR-6 a request naming no release item and no target CI is refused naming the fields; an old one cannot be accepted', async () => {
    const change = await approvedChange(c, '空申请');
    const empty = await c.eng1.post('/api/releases', { title: '空申请', changeIds: [change.id] });
    expect(empty.status, JSON.stringify(empty.body)).toBe(400);
    expect(empty.body.error.details).toMatchObject({
      rule: 'PR-6 a release carries items or target CIs',
      fields: { items: [expect.any(String)], targetCiIds: [expect.any(String)] },
    });
    expect(await t.database.db.kysely.selectFrom('releases').select('id').execute()).toEqual([]);

    // A request stored before the rule (no items, no targets) cannot be accepted as it is.
    const r = await requested('旧申请');
    await t.database.db.kysely
      .updateTable('releases')
      .set({ target_ci_ids: '[]' })
      .where('id', '=', r.id)
      .execute();
    const accept = await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    expect(accept.status).toBe(422);
    expect(accept.body.error.details.rule).toBe('PR-6 a release carries items or target CIs');
  });

  it('PL-1 a plan whose window is already over is refused at submission; a window ahead is submitted', async () => {
    const r = await requested();
    await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    await c.eng1.post(`/api/releases/${r.id}/classify`, { type: 'normal', reason: '一般' });
    // The test clock stands at 2026-01-05T02:00Z.
    const past = completePlan([r.ciId], { start: '2026-01-04T14:00:00Z', end: '2026-01-04T16:00:00Z' });
    expect((await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, past)).status).toBe(200);
    const refused = await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.details.rule).toBe('PL-1 window not in the past');
    expect((await actionOf(c.eng1, r.id, 'submit_plan')).blockers.map((b) => b.rule)).toEqual([
      'PL-1 window not in the past',
    ]);
    expect((await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, completePlan([r.ciId]))).status).toBe(
      200,
    );
    expect((await c.eng1.post(`/api/releases/${r.id}/plan/submit`)).body.state).toBe('plan_review');
  });

  it('RO-5 PL-2 a rejected plan redrafted by another planner becomes theirs: audited, and they cannot approve it', async () => {
    const r = await requested();
    await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    await c.eng1.post(`/api/releases/${r.id}/classify`, { type: 'normal', reason: '一般' });
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, completePlan([r.ciId]));
    await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(
      (await c.boss.post(`/api/releases/${r.id}/plan/reject`, { comment: '回退步骤不够细' })).status,
    ).toBe(200);
    const redraft = { ...completePlan([r.ciId]), purpose: '升级核心账务系统（补充回退步骤）' };
    const saved = await c.eng2.request('PUT', `/api/releases/${r.id}/plan`, redraft);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.plan.drafterName).toBe('eng2');
    const plans = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body;
    const latest = (Array.isArray(plans) ? plans : plans.plans)[0];
    expect(latest).toMatchObject({ drafterName: 'eng2', status: 'draft' });
    expect(latest.comments.map((x: { kind: string }) => x.kind)).toContain('taken_over');
    const audit = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('details_json')
      .where('action', '=', 'release.edit_plan')
      .where('entity_id', '=', r.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details_json!)).toMatchObject({ drafter: { before: 'eng1', after: 'eng2' } });

    await c.eng2.post(`/api/releases/${r.id}/plan/submit`);
    const own = await c.eng2.post(`/api/releases/${r.id}/plan/approve`, {});
    expect(own.status).toBe(422);
    expect(own.body.error.details.rule).toBe('RO-5 four eyes');
    expect((await c.eng1.post(`/api/releases/${r.id}/plan/approve`, {})).body.state).toBe('approved');
  });

  it('CL-1 KP-1 closing as failed needs the analysis: refused naming the field, then closed with it', async () => {
    // Sessions started on the clock's first day: signed in again on the day of the release.
    t.clock.set('2026-02-01T14:30:00Z');
    for (const [name, client] of Object.entries(c)) await client.login(name);
    const r = await readyRelease(t, c);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/complete`)).body.state).toBe(
      'post_release',
    );
    for (const analysis of [undefined, null, '   ']) {
      const refused = await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'failed', analysis });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.error.details).toMatchObject({
        rule: 'CL-1 an unsuccessful close says why',
        fields: { analysis: [expect.any(String)] },
      });
    }
    expect((await c.eng1.get(`/api/releases/${r.id}`)).body.state).toBe('post_release');
    const closed = await c.boss.post(`/api/releases/${r.id}/close`, {
      outcome: 'failed',
      analysis: '上线后交易失败率超标，业务决定不再继续',
    });
    expect(closed.body).toMatchObject({ state: 'closed', outcome: 'failed' });
  });

  it('IN-1 a changed CAB vote is a new vote: the first is kept as superseded, only the latest counts, and it is audited', async () => {
    const created = await c.eng1.post('/api/changes', { title: '扩容', description: '扩容', risk: 'low' });
    const id = created.body.id as string;
    await c.eng1.post(`/api/changes/${id}/submit`);
    expect(
      (await c.cab1.post(`/api/changes/${id}/votes`, { decision: 'approve', comment: '同意' })).status,
    ).toBe(200);
    t.clock.advance(60_000);
    const changed = await c.cab1.post(`/api/changes/${id}/votes`, {
      decision: 'reject',
      comment: '容量评估不足',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.quorum).toMatchObject({ approve: 0, reject: 1 });
    expect(changed.body.votes).toHaveLength(2);
    const [first, second] = changed.body.votes;
    expect(first).toMatchObject({ voter: 'cab1', decision: 'approve', supersededBy: second.id });
    expect(first.supersededAt).toBe(second.votedAt);
    expect(second).toMatchObject({
      voter: 'cab1',
      decision: 'reject',
      supersededBy: null,
      supersededAt: null,
    });
    // Only the latest vote of each member counts: one more rejection reaches the quorum of two.
    const decided = await c.cab2.post(`/api/changes/${id}/votes`, { decision: 'reject', comment: '不同意' });
    expect(decided.body.state).toBe('rejected');
    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', id)
      .where('action', 'in', ['change.vote', 'change.change_vote'])
      .where('outcome', '=', 'success')
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['change.vote', 'change.change_vote', 'change.vote']);
  });

  it('CM-1 X-4 an IP attribute must be an address, and a text over its limit is refused naming the limit, never cut', async () => {
    const bad = await c.cfg.post('/api/cmdb/cis', {
      type: 'server',
      name: 'app-01',
      environment: 'production',
      attributes: { ip: '999.1.1.1' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual({ 'attributes.ip': ['must be an IPv4 or IPv6 address'] });
    for (const ip of ['10.20.30.40', 'fd00::8']) {
      const ok = await c.cfg.post('/api/cmdb/cis', {
        type: 'server',
        name: `app-${ip}`,
        environment: 'production',
        attributes: { ip },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    }
    const long = await c.eng1.post('/api/changes', {
      title: '长'.repeat(600),
      description: 'x',
      risk: 'low',
    });
    expect(long.status).toBe(400);
    // the limit as a code with its bound, and in English from the same catalog.
    expect(long.body.error.details.fields.title).toEqual(['at most 200 characters']);
    expect(long.body.error.details.fieldProblems.title).toEqual([{ code: 'text_max', params: { max: 200 } }]);
    expect(await t.database.db.kysely.selectFrom('changes').select('id').execute()).toEqual([]);
  });

  it('X-4 durations below zero are refused naming the field, never turned into another number', async () => {
    const r = await requested();
    await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    const plan = completePlan([r.ciId]);
    const negative = {
      ...plan,
      steps: [{ ...plan.steps![0], expectedMinutes: -5 }, plan.steps![1]],
    };
    const refused = await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, negative);
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.details.fields)).toEqual(['steps.0.expectedMinutes']);
    const hours = await c.eng1.post(`/api/releases/${r.id}/assessments/resource`, {
      technical: '预生产环境',
      people: [{ name: '张伟', role: '运维工程师', availability: '全程' }],
      time: { estimateHours: -5 },
    });
    expect(hours.status).toBe(400);
    expect(Object.keys(hours.body.error.details.fields)).toEqual(['time.estimateHours']);
  });
});
