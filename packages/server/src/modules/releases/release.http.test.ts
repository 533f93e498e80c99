import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';
import { shortForm } from '../../test/implementation';

describe.each(DIALECTS)('releases: intake, classification and plans on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  let targets = 0;
  /** A release request; one naming no items or targets gets a CI of its own to target (PR-6). */
  const request = async (who: HttpClient, changeIds: string[], extra: Record<string, unknown> = {}) =>
    who.post('/api/releases', {
      title: '账务系统 2.1 发布',
      changeIds,
      urgency: 'normal',
      rollbackDifficulty: 'easy',
      newTechnology: false,
      ...('items' in extra || 'targetCiIds' in extra
        ? {}
        : { targetCiIds: [(await ci(c.cfg, 'application', `target-${++targets}`)).id] }),
      ...extra,
    });

  /** A release accepted, classified and with a complete plan submitted, ready for approval. */
  async function submitted(type: 'major' | 'normal', drafter = c.eng1) {
    const app = await ci(c.cfg, 'application', 'ledger', { critical: type === 'major' });
    const change = await approvedChange(c, '账务升级', [app.id]);
    const r = (await request(c.eng1, [change.id], { targetCiIds: [app.id] })).body;
    expect((await c.eng2.post(`/api/releases/${r.id}/accept`, { note: '受理' })).status).toBe(200);
    const cls = await c.eng1.post(`/api/releases/${r.id}/classify`, {
      type,
      reason: type === r.proposal.type ? null : '评估后调整',
    });
    expect(cls.status, JSON.stringify(cls.body)).toBe(200);
    expect((await drafter.request('PUT', `/api/releases/${r.id}/plan`, completePlan([app.id]))).status).toBe(
      200,
    );
    const s = await drafter.post(`/api/releases/${r.id}/plan/submit`);
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    return r as { id: string; number: string };
  }

  it('IN-1 a release from an unapproved change is refused, naming the change', async () => {
    const draft = await c.eng1.post('/api/changes', { title: '未审批变更', description: 'x', risk: 'low' });
    const r = await request(c.eng1, [draft.body.id]);
    expect(r.status).toBe(422);
    expect(r.body.error.details.rule).toBe('IN-1 approved changes only');
    expect(r.body.error.message).toContain(draft.body.number);
    const unknown = await request(c.eng1, ['no-such-change']);
    expect(unknown.body.error.message).toContain('no-such-change (unknown)');
  });

  it('PR-4 a release shows its changes and a change shows its releases', async () => {
    const change = await approvedChange(c);
    const r = (await request(c.eng1, [change.id])).body;
    expect(r.changes).toEqual([expect.objectContaining({ id: change.id, approved: true })]);
    expect((await c.eng1.get(`/api/changes/${change.id}`)).body.releases).toEqual([
      { id: r.id, number: r.number, title: r.title, state: 'requested' },
    ]);
  });

  it('PR-6 whoever reads a release sees the names of the CIs and versions it names, without CMDB rights', async () => {
    const app = await ci(c.cfg, 'application', '网银前端', { critical: true });
    const db = await ci(c.cfg, 'database', '账务库');
    const unrelated = await ci(c.cfg, 'application', '无关系统');
    const change = await approvedChange(c, '网银升级', [app.id]);
    const r = (
      await request(c.eng1, [change.id], {
        targetCiIds: [app.id],
        items: [{ kind: 'document', title: '操作手册', ciIds: [db.id] }],
      })
    ).body;
    // The business representative may read the release but not browse the CMDB.
    expect((await c.biz.get(`/api/cmdb/cis/${app.id}`)).status).toBe(403);
    const refs = await c.biz.get(`/api/releases/${r.id}/references`);
    expect(refs.status, JSON.stringify(refs.body)).toBe(200);
    expect(refs.body.cis.map((x: { name: string }) => x.name).sort()).toEqual(['网银前端', '账务库'].sort());
    expect(refs.body.cis.find((x: { id: string }) => x.id === app.id)).toMatchObject({
      critical: true,
      typeName: { zh: '应用系统', en: 'Application' },
    });
    expect(JSON.stringify(refs.body)).not.toContain(unrelated.id);
    expect((await c.biz.get('/api/releases/no-such/references')).status).toBe(404);
  });

  it('PR-3 whoever reads a release sees what was done to it, by whom and when; refusals stay in the audit log', async () => {
    const change = await approvedChange(c);
    const r = (await request(c.eng1, [change.id])).body;
    expect((await c.biz.post(`/api/releases/${r.id}/accept`, {})).status).toBe(403);
    await c.eng2.post(`/api/releases/${r.id}/accept`, { note: '受理' });
    await c.eng1.post(`/api/releases/${r.id}/classify`, { type: r.proposal.type });
    const activity = await c.biz.get(`/api/releases/${r.id}/activity`);
    expect(activity.status).toBe(200);
    expect(activity.body.events.map((e: { action: string }) => e.action)).toEqual([
      'release.request',
      'release.accept',
      'release.classify',
    ]);
    expect(activity.body.events[2]).toMatchObject({ actor: 'eng1', details: { type: r.proposal.type } });
    // The audit log itself remains the auditor's.
    expect((await c.biz.get(`/api/audit/events?entityId=${r.id}`)).status).toBe(403);
  });

  it('X-4 every signed-in user reads the directory of names (username → display name); no one else does', async () => {
    const people = await c.biz.get('/api/people');
    expect(people.status).toBe(200);
    expect(people.body.people).toContainEqual({ username: 'eng1', displayName: 'eng1', disabled: false });
    expect(Object.keys(people.body.people[0]).sort()).toEqual(['disabled', 'displayName', 'username']);
    expect((await new HttpClient(t.url).get('/api/people')).status).toBe(401);
  });

  it('IN-2 a change withdrawn after the request blocks acceptance', async () => {
    const change = await approvedChange(c);
    const r = (await request(c.eng1, [change.id])).body;
    expect((await c.eng1.post(`/api/changes/${change.id}/withdraw`, { reason: '业务取消' })).status).toBe(
      200,
    );
    const refused = await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toBe('IN-1 approved changes only');
    const view = await c.eng1.get(`/api/releases/${r.id}`);
    expect(view.body.actions.find((a: any) => a.action === 'accept')).toMatchObject({ allowed: false });
  });

  it('TY-3 the system proposes a type; choosing another needs a reason', async () => {
    const core = await ci(c.cfg, 'database', 'core-db', { critical: true });
    const change = await approvedChange(c, 'x', [core.id]);
    const r = (await request(c.eng1, [change.id], { targetCiIds: [core.id] })).body;
    expect(r.proposal).toEqual({
      type: 'major',
      criteria: [{ code: 'proposal_core', params: { count: 1 } }],
      reasons: ['touches 1 core CI(s) (涉及系统核心功能)'],
    });
    const noReason = await c.eng1.post(`/api/releases/${r.id}/classify`, { type: 'normal' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.details).toMatchObject({
      rule: 'TY-3 override needs a reason',
      ruleCode: 'override_needs_reason',
      requirement: 'TY-3',
    });
    const withReason = await c.eng1.post(`/api/releases/${r.id}/classify`, {
      type: 'normal',
      reason: '仅修改只读报表',
    });
    expect(withReason.body).toMatchObject({ type: 'normal', typeReason: '仅修改只读报表' });
  });

  it('PL-1 submitting a plan with sections missing is refused with the list of what is missing', async () => {
    const change = await approvedChange(c);
    const r = (await request(c.eng1, [change.id])).body;
    await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    await c.eng1.post(`/api/releases/${r.id}/classify`, { type: 'normal' });
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, {
      purpose: '升级',
      steps: [{ title: '部署', owner: '张工', expectedMinutes: 10, verification: '检查' }],
    });
    const s = await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(s.status).toBe(422);
    expect(s.body.error.details.rule).toBe('PL-1 plan sections');
    expect(s.body.error.details.missing.map((m: any) => m.section)).toEqual([
      'scope',
      'participants',
      'risks',
      'baseline',
      'post_deployment',
      'window',
      'resources',
      'rollback',
    ]);
  });

  it('TY-2 a major plan approved by an engineer is refused; the manager approves it', async () => {
    const r = await submitted('major');
    const byEngineer = await c.eng2.post(`/api/releases/${r.id}/plan/approve`, { comment: 'ok' });
    expect(byEngineer.status).toBe(403);
    expect(byEngineer.body.error.details.rule).toBe('TY-2 approval authority');
    const byManager = await c.boss.post(`/api/releases/${r.id}/plan/approve`, { comment: '同意发布' });
    expect(byManager.status).toBe(200);
    expect(byManager.body).toMatchObject({ state: 'approved', plan: { version: 1, status: 'approved' } });
  });

  it('TY-2 a normal plan approved by an engineer is accepted', async () => {
    const r = await submitted('normal');
    const approved = await c.eng2.post(`/api/releases/${r.id}/plan/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('approved');
  });

  it('RO-5 the drafter approving their own plan is refused under four eyes', async () => {
    const r = await submitted('normal', c.eng2);
    const own = await c.eng2.post(`/api/releases/${r.id}/plan/approve`, {});
    expect(own.status).toBe(422);
    expect(own.body.error.details.rule).toBe('RO-5 four eyes');
  });

  it('PL-2 PL-3 a rejected plan returns to drafting with its comment; an approved plan is immutable and a revision is version 2 needing approval', async () => {
    const r = await submitted('major');
    const rejected = await c.boss.post(`/api/releases/${r.id}/plan/reject`, { comment: '补充回退演练结果' });
    expect(rejected.body).toMatchObject({ state: 'planning', plan: { version: 1, status: 'rejected' } });
    const app = rejected.body.targetCiIds;
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, completePlan(app));
    await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect((await c.boss.post(`/api/releases/${r.id}/plan/approve`, {})).body.state).toBe('approved');

    const edit = await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, {
      ...completePlan(app),
      purpose: '改了',
    });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('invalid_transition');

    const revised = await c.eng1.post(`/api/releases/${r.id}/plan/revise`, { reason: '窗口调整' });
    expect(revised.body).toMatchObject({ state: 'planning', plan: { version: 2, status: 'draft' } });
    const plans = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans;
    expect(plans.map((p: any) => [p.version, p.status])).toEqual([
      [2, 'draft'],
      [1, 'approved'],
    ]);
    expect(plans[1].comments.map((x: any) => [x.kind, x.text])).toEqual([
      ['submitted', null],
      ['rejected', '补充回退演练结果'],
      ['submitted', null],
      ['approved', null],
    ]);
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, {
      ...completePlan(app),
      purpose: '窗口调整后',
    });
    await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    await c.boss.post(`/api/releases/${r.id}/plan/approve`, {});
    const after = (await c.eng1.get(`/api/releases/${r.id}/plans`)).body.plans;
    expect(after.map((p: any) => [p.version, p.status])).toEqual([
      [2, 'approved'],
      [1, 'superseded'],
    ]);
  });

  it('PL-2 the approver compares with the plan as last put to a decision: none at first, the content as rejected, then the earlier version', async () => {
    const r = await submitted('major');
    const previous = async () => {
      const answer = await c.boss.get(`/api/releases/${r.id}/plan/previous`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.previous;
    };
    expect(await previous()).toBeNull();
    const rejected = await c.boss.post(`/api/releases/${r.id}/plan/reject`, { comment: '补充回退演练结果' });
    const app = rejected.body.targetCiIds;
    const first = completePlan(app);
    // Redrafted in place, twice: what was rejected is the first draft, not the second.
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, { ...first, resources: '三名工程师' });
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, {
      ...first,
      resources: '三名工程师，DBA 待命',
    });
    await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(await previous()).toMatchObject({
      version: 1,
      status: 'rejected',
      decidedAt: expect.any(String),
      content: { resources: first.resources, purpose: first.purpose },
    });
    await c.boss.post(`/api/releases/${r.id}/plan/approve`, {});
    await c.eng1.post(`/api/releases/${r.id}/plan/revise`, { reason: '窗口调整' });
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, { ...first, purpose: '窗口调整后' });
    await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(await previous()).toMatchObject({
      version: 1,
      status: 'approved',
      content: { resources: '三名工程师，DBA 待命', purpose: first.purpose },
    });
    // Read with the release: whoever may read it may read this; nobody else.
    expect((await c.boss.get('/api/releases/no-such-release/plan/previous')).status).toBe(404);
  });

  it('PL-5 a conflict with a freeze window or an overlapping release on dependent CIs needs a recorded override', async () => {
    const db = await ci(c.cfg, 'database', 'shared-db');
    const app = await ci(c.cfg, 'application', 'billing');
    expect(
      (await c.cfg.post('/api/cmdb/relations', { sourceId: app.id, targetId: db.id, type: 'depends_on' }))
        .status,
    ).toBe(201);
    const freeze = await c.boss.post('/api/freeze-windows', {
      name: '春节封网',
      startsAt: '2026-02-01T00:00:00Z',
      endsAt: '2026-02-02T00:00:00Z',
      reason: '春节保障',
    });
    expect(freeze.status).toBe(201);
    // Another release already plans on the database in an overlapping window.
    const other = await approvedChange(c, '数据库补丁', [db.id]);
    const first = (await request(c.eng1, [other.id], { targetCiIds: [db.id] })).body;
    await c.eng2.post(`/api/releases/${first.id}/accept`, {});
    await c.eng1.request(
      'PUT',
      `/api/releases/${first.id}/plan`,
      completePlan([db.id], { start: '2026-02-01T15:00:00Z', end: '2026-02-01T17:00:00Z' }),
    );

    const change = await approvedChange(c, '计费升级', [app.id]);
    const r = (await request(c.eng1, [change.id], { targetCiIds: [app.id] })).body;
    await c.eng2.post(`/api/releases/${r.id}/accept`, {});
    await c.eng1.post(`/api/releases/${r.id}/classify`, { type: 'normal' });
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, completePlan([app.id]));
    const conflicts = (await c.eng1.get(`/api/releases/${r.id}/plan/conflicts`)).body.conflicts;
    expect(conflicts.map((x: any) => x.kind).sort()).toEqual(['freeze', 'release']);
    const refused = await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toBe('PL-5 schedule conflicts');
    for (const x of conflicts) {
      const o = await c.eng1.post(
        `/api/releases/${r.id}/plan/conflicts/${encodeURIComponent(x.key)}/override`,
        { reason: '已与相关方协调' },
      );
      expect(o.status, JSON.stringify(o.body)).toBe(200);
    }
    expect((await c.eng1.post(`/api/releases/${r.id}/plan/submit`)).status).toBe(200);
    const cal = (await c.eng1.get('/api/calendar?from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z')).body;
    expect(cal.freezes.map((f: any) => f.name)).toEqual(['春节封网']);
    expect(cal.windows.map((w: any) => w.number).sort()).toEqual([first.number, r.number].sort());
  });

  it('TY-4 PR-1 PO-2 an emergency plan may be approved in its short form, which includes the window it may deploy in and its target configuration', async () => {
    const change = await approvedChange(c);
    const app = await ci(c.cfg, 'application', 'hotfix-target');
    const r = (await request(c.eng1, [change.id], { urgency: 'immediate', targetCiIds: [app.id] })).body;
    expect(r.proposal.type).toBe('emergency');
    await c.boss.post(`/api/releases/${r.id}/accept`, {});
    await c.boss.post(`/api/releases/${r.id}/classify`, { type: 'emergency' });
    const full = completePlan([app.id]);
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, {
      purpose: full.purpose,
      scope: full.scope,
      steps: full.steps,
      rollback: full.rollback,
    });
    // Without a window the release could never start (PR-1), without its target configuration the
    // CMDB could not be updated (PO-2): the short form asks for both.
    const noWindow = await c.eng1.post(`/api/releases/${r.id}/plan/submit`);
    expect(noWindow.status).toBe(422);
    expect(noWindow.body.error.details.missing.map((g: { section: string }) => g.section)).toEqual([
      'baseline',
      'window',
    ]);
    await c.eng1.request('PUT', `/api/releases/${r.id}/plan`, shortForm(full));
    expect((await c.eng1.post(`/api/releases/${r.id}/plan/submit`)).status).toBe(200);
    expect((await c.eng2.post(`/api/releases/${r.id}/plan/approve`, {})).body.error.details.rule).toBe(
      'TY-2 approval authority',
    );
    expect((await c.boss.post(`/api/releases/${r.id}/plan/approve`, {})).body.state).toBe('approved');
  });
});
