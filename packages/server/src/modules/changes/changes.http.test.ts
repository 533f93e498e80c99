import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { changeApprovals } from './change.queries';
import { markChangeImplemented } from './change.service';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signDelivery } from './external.service';

const SECRET = 'itsm-webhook-secret-0123456789';

describe.each(DIALECTS)('change register over HTTP on %s', (dialect) => {
  let t: TestApp;
  let eng: HttpClient;
  let boss: HttpClient;
  let cab1: HttpClient;
  let cab2: HttpClient;
  let cab3: HttpClient;
  let biz: HttpClient;
  let cfg: HttpClient;

  const as = async (username: string) => {
    const c = new HttpClient(t.url);
    expect((await c.login(username)).status).toBe(200);
    return c;
  };

  beforeEach(async () => {
    t = await startTestApp(dialect, {
      CHANGE_WEBHOOK_SECRETS: `itsm=${SECRET},other=another-secret-0123456789`,
    });
    await t.seedUser('eng', ['operations_engineer']);
    await t.seedUser('boss', ['operations_manager']);
    await t.seedUser('cab1', ['cab_member']);
    await t.seedUser('cab2', ['cab_member']);
    await t.seedUser('cab3', ['cab_member']);
    await t.seedUser('biz', ['business_representative']);
    await t.seedUser('cfg', ['configuration_administrator']);
    [eng, boss, cab1, cab2, cab3, biz, cfg] = await Promise.all(
      ['eng', 'boss', 'cab1', 'cab2', 'cab3', 'biz', 'cfg'].map(as),
    );
  });
  afterEach(async () => {
    await t.close();
  });

  const ci = async (type: string, name: string) => {
    const r = await cfg.post('/api/cmdb/cis', { type, name, environment: 'production' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const create = async (body: Record<string, unknown> = {}, client = eng) => {
    const r = await client.post('/api/changes', { title: '数据库扩容', risk: 'medium', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const submitted = async (body: Record<string, unknown> = {}, client = eng) => {
    const c = await create(body, client);
    const r = await client.post(`/api/changes/${c.id}/submit`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const vote = (client: HttpClient, id: string, decision: 'approve' | 'reject', comment = '同意') =>
    client.post(`/api/changes/${id}/votes`, { decision, comment });
  const auditOf = (entityId: string) =>
    t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'actor_name', 'before_json', 'after_json', 'details_json'])
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .execute();
  /** A refusal and a success of one action share its name (decision 0022): the outcome tells them apart. */
  const auditByAction = (action: string, outcome?: 'success' | 'denied') =>
    t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'actor_name', 'details_json', 'entity_id'])
      .where('action', '=', action)
      .$if(outcome !== undefined, (q) => q.where('outcome', '=', outcome!))
      .orderBy('seq')
      .execute();

  /** A security administrator sets up the external change system's service account and token. */
  const integration = async () => {
    await t.seedUser('sec', ['security_administrator']);
    const sec = await as('sec');
    const user = await sec.post('/api/users', {
      username: 'itsm',
      displayName: 'ITSM 变更系统',
      roles: ['system_administrator'],
      serviceAccount: true,
    });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const token = await sec.post('/api/tokens', {
      name: 'itsm integration',
      scopes: ['change.integrate'],
      expiresInDays: 90,
      userId: user.body.id,
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const client = new HttpClient(t.url);
    client.bearer = token.body.token;
    return client;
  };

  it('IN-1 a change reaches approved only with the CAB quorum; a changed vote is a new vote, the earlier kept as superseded', async () => {
    const db = await ci('database', 'billing-db');
    const app = await ci('application', 'billing');
    const draft = await create({ description: '扩容到 2TB', ciIds: [db, app, db] });
    expect(draft).toMatchObject({
      number: 'CHG-2026-0001',
      source: 'internal',
      state: 'draft',
      requester: 'eng',
      risk: 'medium',
      ciIds: [db, app].sort(),
      votes: [],
      releases: [],
      quorum: { required: 2, approve: 0, reject: 0 },
    });
    expect(draft.cis.map((c: any) => c.name)).toEqual(['billing', 'billing-db']);
    // PR-4: the number people share opens the change as its id does.
    expect((await cab1.get('/api/changes/CHG-2026-0001')).body.id).toBe(draft.id);

    const early = await vote(cab1, draft.id, 'approve');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'invalid_transition',
      details: { rule: 'change lifecycle' },
    });
    expect(early.body.error.message).toMatch(/only a change in CAB review can be voted on \(it is draft\)/);

    const review = (await eng.post(`/api/changes/${draft.id}/submit`)).body;
    expect(review).toMatchObject({ state: 'cab_review', submittedAt: expect.any(String) });

    const one = await vote(cab1, draft.id, 'approve', '风险可控');
    expect(one.body).toMatchObject({ state: 'cab_review', quorum: { approve: 1, reject: 0 } });
    // cab1 changes their mind, then back: every vote is kept, only the latest counts.
    expect((await vote(cab1, draft.id, 'reject', '需补充回退方案')).body.quorum).toMatchObject({
      approve: 0,
      reject: 1,
    });
    t.clock.advanceMinutes(5);
    const back = await vote(cab1, draft.id, 'approve', '已补充回退方案');
    expect(back.body.state).toBe('cab_review');
    expect(back.body.quorum).toMatchObject({ approve: 1, reject: 0 });
    expect(back.body.votes.map((v: any) => [v.decision, v.comment, v.supersededAt !== null])).toEqual([
      ['approve', '风险可控', true],
      ['reject', '需补充回退方案', true],
      ['approve', '已补充回退方案', false],
    ]);

    const two = await vote(cab2, draft.id, 'approve', '同意');
    expect(two.status).toBe(200);
    expect(two.body).toMatchObject({
      state: 'approved',
      approvedBy: ['cab1', 'cab2'],
      approvedAt: t.clock.now().toISOString(),
      quorum: { required: 2, approve: 2, reject: 0 },
    });
    const late = await vote(cab3, draft.id, 'reject', '太晚了');
    expect(late.status).toBe(409);
    // Told who approved it and when (also when the late vote lost a race on another node).
    expect(late.body.error.details).toMatchObject({
      reason: 'already_done',
      action: 'approve',
      by: 'cab1, cab2',
      at: t.clock.now().toISOString(),
    });

    // The refused votes on it name the change too (PR-3); these are its successful steps.
    const events = (await auditOf(draft.id)).filter((e) => e.outcome === 'success');
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'change.create:success',
      'change.submit:success',
      'change.vote:success',
      'change.change_vote:success',
      'change.change_vote:success',
      'change.vote:success',
      'change.approve:success',
    ]);
    const replaced = events
      .filter((e) => e.action === 'change.vote' || e.action === 'change.change_vote')
      .map((e) => JSON.parse(e.details_json!));
    expect(replaced.map((d) => d.replaced !== null)).toEqual([false, true, true, false]);
    expect(JSON.parse(events[3].before_json!)).toMatchObject({ voter: 'cab1', decision: 'approve' });
    expect(JSON.parse(events[3].after_json!)).toMatchObject({ voter: 'cab1', decision: 'reject' });
    expect((await auditByAction('change.vote', 'denied'))[0]).toMatchObject({ actor_name: 'cab1' });

    expect((await create()).number).toBe('CHG-2026-0002');
  });

  it('IN-1 a change says how many people may still vote on it: its requester and disabled members do not count, so a CAB too small for its quorum shows', async () => {
    // The manager sits on the CAB but may not vote on his own change.
    const c = await submitted({}, boss);
    expect(c.quorum).toMatchObject({ required: 2, approve: 0, eligible: 3, expedited: null });
    await t.seedUser('sec', ['security_administrator']);
    const sec = await as('sec');
    for (const name of ['cab2', 'cab3']) {
      const [user] = (await sec.get(`/api/users?text=${name}`)).body.items;
      expect((await sec.post(`/api/users/${user.id}/disable`)).status).toBe(200);
    }
    // One voter left for a quorum of two: the change can no longer be decided until members are added.
    expect((await eng.get(`/api/changes/${c.id}`)).body.quorum).toMatchObject({ required: 2, eligible: 1 });
    expect((await eng.get(`/api/changes/${(await submitted()).id}`)).body.quorum).toMatchObject({
      eligible: 2,
    });
  });

  it('IN-1 TY-4 an emergency change, with its reason, is approved by the emergency CAB the policy names and recorded as such', async () => {
    // The reason is required, next to its field; the refusal creates nothing.
    const noReason = await eng.post('/api/changes', { title: '紧急修复', risk: 'high', emergency: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toMatchObject({ rule: 'IN-1 an emergency change says why' });
    expect(Object.keys(noReason.body.error.details.fields)).toEqual(['emergencyReason']);
    expect((await eng.get('/api/changes')).body.items).toEqual([]);

    const c = await submitted({
      title: '紧急修复',
      risk: 'high',
      emergency: true,
      emergencyReason: '支付通道中断',
    });
    expect(c).toMatchObject({ emergency: true, emergencyReason: '支付通道中断', approvedVia: null });
    expect(c.quorum).toEqual({
      required: 2,
      approve: 0,
      reject: 0,
      // The manager and three CAB members may vote on the engineer's change.
      eligible: 4,
      expedited: { required: 1, approve: 0, reject: 0, voters: ['operations_manager'], eligible: 1 },
    });
    // A CAB member outside the emergency CAB votes as usual; their vote does not decide.
    const first = await vote(cab1, c.id, 'reject', '建议走常规评审');
    expect(first.body).toMatchObject({ state: 'cab_review' });
    expect(first.body.votes[0]).toMatchObject({ voter: 'cab1', emergencyCab: false });
    // The manager sits on the default emergency CAB (TY-2): one approval decides.
    const second = await vote(boss, c.id, 'approve', '紧急 CAB 同意');
    expect(second.body).toMatchObject({
      state: 'approved',
      approvedVia: 'emergency_cab',
      approvedBy: ['boss'],
      quorum: { approve: 1, reject: 1, expedited: { approve: 1, reject: 0 } },
    });
    const approved = (await auditByAction('change.approve')).at(-1)!;
    expect(JSON.parse(approved.details_json!)).toMatchObject({
      decidedBy: 'emergency_cab',
      emergencyCab: { required: 1, approve: 1 },
    });

    // Not an emergency change: the manager's vote is one of the two the CAB needs.
    const normal = await submitted({ title: '常规变更' });
    expect(normal.quorum.expedited).toBeNull();
    expect((await vote(boss, normal.id, 'approve')).body.state).toBe('cab_review');
    expect((await vote(cab1, normal.id, 'approve')).body).toMatchObject({
      state: 'approved',
      approvedVia: 'cab',
    });
    // The flag is the drafter's to set, not afterwards: a submitted change cannot become one.
    const late = await eng.patch(`/api/changes/${normal.id}`, { emergency: true, emergencyReason: '加急' });
    expect(late.status).toBe(409);
  });

  it('IN-1 votes cast at the same moment are all counted; numbers created at once are distinct', async () => {
    const changes = await Promise.all([1, 2, 3, 4, 5].map((i) => submitted({ title: `并发变更 ${i}` })));
    expect(changes.map((c) => c.number).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `CHG-2026-000${i}`));
    await Promise.all(
      changes.map((c) => Promise.all([vote(cab1, c.id, 'approve'), vote(cab2, c.id, 'approve')])),
    );
    for (const c of changes) {
      const got = (await eng.get(`/api/changes/${c.id}`)).body;
      expect(got, c.number).toMatchObject({ state: 'approved', approvedBy: ['cab1', 'cab2'] });
    }
  });

  it('IN-1 a quorum of rejections rejects the change; a vote needs a comment', async () => {
    const c = await submitted();
    const silent = await cab1.post(`/api/changes/${c.id}/votes`, { decision: 'reject' });
    expect(silent.status).toBe(400);
    expect(silent.body.error.details.fields.comment).toBeDefined();
    await vote(cab1, c.id, 'reject', '窗口期冲突');
    expect((await vote(cab2, c.id, 'approve', '同意')).body.state).toBe('cab_review');
    const rejected = await vote(boss, c.id, 'reject', '业务高峰期');
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      rejectedAt: expect.any(String),
      approvedBy: [],
      quorum: { approve: 1, reject: 2 },
    });
    expect((await auditOf(c.id)).map((e) => e.action).at(-1)).toBe('change.reject');
    const withdraw = await eng.post(`/api/changes/${c.id}/withdraw`, { reason: '取消' });
    expect(withdraw.status).toBe(409);
    expect(withdraw.body.error.message).toMatch(/can be withdrawn \(it is rejected\)/);
  });

  it('IN-1 four eyes: the requester cannot vote on their own change', async () => {
    const c = await submitted({}, boss);
    const own = await vote(boss, c.id, 'approve');
    expect(own.status).toBe(422);
    expect(own.body.error).toMatchObject({ code: 'policy_violation', details: { rule: 'four eyes' } });
    expect(own.body.error.message).toMatch(/boss requested CHG-2026-0001 数据库扩容 and cannot vote on it/);
    const refusals = await auditByAction('change.vote', 'denied');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ outcome: 'denied', actor_name: 'boss' });
    expect((await boss.get(`/api/changes/${c.id}`)).body.votes).toEqual([]);
  });

  it('IN-2 a change withdrawn after its approval is revoked: changeApprovals no longer approves it', async () => {
    const c = await submitted({ title: '核心交换机升级' });
    await vote(cab1, c.id, 'approve');
    await vote(cab2, c.id, 'approve');
    const [before] = await changeApprovals(t.database.db.kysely, [c.id]);
    expect(before).toMatchObject({ approved: true, label: 'CHG-2026-0001 核心交换机升级 (approved)' });
    const noReason = await eng.post(`/api/changes/${c.id}/withdraw`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields.reason).toBeDefined();
    const withdrawn = await eng.post(`/api/changes/${c.id}/withdraw`, { reason: '供应商召回固件' });
    expect(withdrawn.body).toMatchObject({
      state: 'withdrawn',
      withdrawnBy: 'eng',
      withdrawReason: '供应商召回固件',
      approvedBy: ['cab1', 'cab2'],
    });
    const [after] = await changeApprovals(t.database.db.kysely, [c.id]);
    expect(after).toMatchObject({ approved: false, state: 'withdrawn' });
    const event = (await auditOf(c.id)).at(-1)!;
    expect(event.action).toBe('change.withdraw');
    expect(JSON.parse(event.details_json!)).toEqual({ wasApproved: true });
    expect((await eng.post(`/api/changes/${c.id}/withdraw`, { reason: 'again' })).status).toBe(409);
  });

  it('IN-1 changeApprovals labels each change with its state; unknown ids come back unknown', async () => {
    const draft = await create({ title: '数据库扩容' });
    const inReview = await submitted({ title: '中间件补丁' });
    const approved = await submitted({ title: '证书更新' });
    await vote(cab1, approved.id, 'approve');
    await vote(cab2, approved.id, 'approve');
    const result = await changeApprovals(t.database.db.kysely, [
      approved.id,
      'no-such-change',
      draft.id,
      inReview.id,
    ]);
    expect(result).toEqual([
      {
        id: approved.id,
        number: 'CHG-2026-0003',
        title: '证书更新',
        state: 'approved',
        approved: true,
        expedited: false,
        label: 'CHG-2026-0003 证书更新 (approved)',
      },
      {
        id: 'no-such-change',
        number: '',
        title: '',
        state: 'unknown',
        approved: false,
        expedited: false,
        label: 'no-such-change (unknown)',
      },
      {
        id: draft.id,
        number: 'CHG-2026-0001',
        title: '数据库扩容',
        state: 'draft',
        approved: false,
        expedited: false,
        label: 'CHG-2026-0001 数据库扩容 (draft)',
      },
      expect.objectContaining({ label: 'CHG-2026-0002 中间件补丁 (cab_review)', approved: false }),
    ]);
    expect(await changeApprovals(t.database.db.kysely, [])).toEqual([]);

    // A release marks its approved change implemented, in its own transaction (releases module).
    const deps = { clock: t.clock, audit: t.app.audit };
    const ctx = { principal: null, sourceIp: null, requestId: null };
    const done = await t.database.db.kysely
      .transaction()
      .execute((trx) => markChangeImplemented(deps, trx, ctx, approved.id, 'REL-2026-0001'));
    expect(done).toMatchObject({ state: 'implemented', implementedBy: 'REL-2026-0001' });
    await expect(
      t.database.db.kysely
        .transaction()
        .execute((trx) => markChangeImplemented(deps, trx, ctx, draft.id, 'REL-2026-0001')),
    ).rejects.toMatchObject({ code: 'invalid_transition' });
  });

  it('list newest first, filtered by state, source and text; the detail shows votes and CIs by name', async () => {
    const db = await ci('database', 'crm-db');
    const a = await create({ title: '数据库扩容', ciIds: [db] });
    t.clock.advanceMinutes(1);
    const b = await submitted({ title: '中间件补丁' });
    t.clock.advanceMinutes(1);
    const c = await create({ title: '证书更新', description: 'TLS 证书到期' });
    expect((await biz.get('/api/changes')).body.items.map((x: any) => x.number)).toEqual([
      c.number,
      b.number,
      a.number,
    ]);
    expect((await eng.get('/api/changes?state=cab_review')).body.items.map((x: any) => x.id)).toEqual([b.id]);
    expect((await eng.get('/api/changes?q=tls')).body.items.map((x: any) => x.id)).toEqual([c.id]);
    expect((await eng.get('/api/changes?q=CHG-2026-0001')).body.items.map((x: any) => x.id)).toEqual([a.id]);
    expect((await eng.get('/api/changes?source=external')).body.items).toEqual([]);
    expect((await eng.get('/api/changes?state=bogus')).status).toBe(400);
    await vote(cab1, b.id, 'approve', '同意');
    const detail = (await cab2.get(`/api/changes/${b.id}`)).body;
    expect(detail.votes).toMatchObject([{ voter: 'cab1', decision: 'approve', comment: '同意' }]);
    expect((await eng.get(`/api/changes/${a.id}`)).body.cis).toEqual([
      { id: db, name: 'crm-db', type: 'database', environment: 'production', status: 'active' },
    ]);
    expect((await eng.get('/api/changes/nope')).status).toBe(404);

    const edited = await eng.patch(`/api/changes/${a.id}`, {
      title: '数据库扩容（二期）',
      ciIds: [],
      risk: 'high',
    });
    expect(edited.body).toMatchObject({ title: '数据库扩容（二期）', ciIds: [], cis: [], risk: 'high' });
    const frozen = await eng.patch(`/api/changes/${b.id}`, { title: 'changed in review' });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.message).toMatch(/only a draft change can be edited \(it is in CAB review\)/);
  });

  it('RO roles: a business representative reads but cannot create changes; a CAB member cannot submit', async () => {
    const refused = await biz.post('/api/changes', { title: '扩容', risk: 'low' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', details: { permission: 'change.manage' } });
    expect((await auditByAction('change.create'))[0]).toMatchObject({ outcome: 'denied', actor_name: 'biz' });
    const c = await create();
    expect((await biz.get(`/api/changes/${c.id}`)).status).toBe(200);
    const bySubmit = await cab1.post(`/api/changes/${c.id}/submit`);
    expect(bySubmit.status).toBe(403);
    expect(bySubmit.body.error.details.permission).toBe('change.manage');
    await eng.post(`/api/changes/${c.id}/submit`);
    const byEngineer = await vote(eng, c.id, 'approve');
    expect(byEngineer.status).toBe(403);
    expect(byEngineer.body.error.details.permission).toBe('change.vote');
    expect((await new HttpClient(t.url).get('/api/changes')).status).toBe(401);
  });

  it('validation errors name the fields; unknown CIs are named', async () => {
    const bad = await eng.post('/api/changes', { title: '', risk: 'extreme', ciIds: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect(Object.keys(bad.body.error.details.fields).sort()).toEqual(['ciIds', 'risk', 'title']);
    const unknown = await eng.post('/api/changes', { title: '扩容', risk: 'low', ciIds: ['ci-nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields.ciIds).toEqual(['configuration item ci-nope does not exist or is retired']);
    const vote = await cab1.post('/api/changes/x/votes', { decision: 'maybe', comment: '' });
    expect(Object.keys(vote.body.error.details.fields).sort()).toEqual(['comment', 'decision']);
  });

  it('IN-2 external upsert by API token is idempotent; a status change to withdrawn is recorded', async () => {
    const itsm = await integration();
    const db = await ci('database', 'erp-db');
    const body = {
      title: 'ERP 数据库迁移',
      description: '迁移到新集群',
      status: 'pending',
      url: 'https://itsm.example.com/change/CR-1001',
      ciIds: [db],
    };
    const first = await itsm.request('PUT', '/api/changes/external/itsm/CR-1001', body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      number: 'CHG-2026-0001',
      source: 'external',
      external: { system: 'itsm', key: 'CR-1001', status: 'pending', url: body.url },
      state: 'submitted',
      requester: 'itsm',
      cis: [{ id: db, name: 'erp-db' }],
    });
    const again = await itsm.request('PUT', '/api/changes/external/itsm/CR-1001', body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      number: 'CHG-2026-0001',
      updatedAt: first.body.updatedAt,
    });
    expect(await auditByAction('change.external_upsert', 'success')).toHaveLength(1);
    expect(await t.database.db.kysely.selectFrom('changes').select('id').execute()).toHaveLength(1);

    t.clock.advanceMinutes(10);
    // IN-1: an approval through this API is refused and audited; only the signed feed approves.
    const approval = {
      ...body,
      status: 'approved',
      approver: '李四',
      approvedAt: '2026-01-05T10:00:00+08:00',
    };
    const refused = await itsm.request('PUT', '/api/changes/external/itsm/CR-1001', approval);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toBe('IN-1 approval only from change management');
    expect((await eng.get(`/api/changes/${first.body.id}`)).body.state).toBe('submitted');
    expect(await auditByAction('change.external_upsert', 'denied')).toHaveLength(1);
    const raw = JSON.stringify({ key: 'CR-1001', ...approval });
    const signed = await fetch(`${t.url}/api/webhooks/changes/itsm`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signDelivery(
          SECRET,
          Math.floor(t.clock.now().getTime() / 1000),
          'd-approval-1',
          raw,
        ),
        [DELIVERY_HEADER]: 'd-approval-1',
      },
      body: raw,
    });
    expect(signed.status, await signed.clone().text()).toBe(200);
    const approved = { body: (await eng.get(`/api/changes/${first.body.id}`)).body };
    expect(approved.body).toMatchObject({
      state: 'approved',
      approvedBy: ['李四'],
      approvedAt: '2026-01-05T02:00:00.000Z',
    });
    expect((await changeApprovals(t.database.db.kysely, [first.body.id]))[0].approved).toBe(true);

    // Revoked in the external system: the approval stays on the record, the change is withdrawn.
    const withdrawn = await itsm.request('PUT', '/api/changes/external/itsm/CR-1001', {
      ...body,
      status: 'withdrawn',
    });
    expect(withdrawn.body).toMatchObject({
      state: 'withdrawn',
      external: { status: 'withdrawn' },
      withdrawnBy: 'itsm',
      approvedBy: ['李四'],
      number: 'CHG-2026-0001',
    });
    expect((await changeApprovals(t.database.db.kysely, [first.body.id]))[0]).toMatchObject({
      approved: false,
      label: 'CHG-2026-0001 ERP 数据库迁移 (withdrawn)',
    });
    const events = (await auditOf(first.body.id)).filter(
      (e) => e.action === 'change.external_upsert' && e.outcome === 'success',
    );
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[2].before_json!).state).toBe('approved');
    expect(JSON.parse(events[2].after_json!).state).toBe('withdrawn');
    expect(events.map((e) => e.actor_name)).toEqual(['itsm', 'webhook:itsm', 'itsm']);

    // External changes are decided in their own system, not here.
    const cabVote = await vote(cab1, first.body.id, 'approve');
    expect(cabVote.status).toBe(409);
    expect(cabVote.body.error.details.rule).toBe('IN-2 external changes are managed in their own system');
    // The token carries change.integrate only; an engineer's session lacks it.
    expect((await itsm.get('/api/changes')).status).toBe(403);
    const byEngineer = await eng.request('PUT', '/api/changes/external/itsm/CR-1002', body);
    expect(byEngineer.status).toBe(403);
    expect(byEngineer.body.error.details.permission).toBe('change.integrate');
    const invalid = await itsm.request('PUT', '/api/changes/external/itsm/CR-1003', {
      status: 'done',
      approvedAt: 'yesterday',
      url: 'not a url',
    });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.details.fields).sort()).toEqual([
      'approvedAt',
      'status',
      'title',
      'url',
    ]);
    expect((await eng.get('/api/changes?source=external')).body.items).toHaveLength(1);
    expect((await eng.get('/api/changes?source=internal')).body.items).toHaveLength(0);
  });

  describe('IN-2 webhook', () => {
    const post = async (system: string, body: string, headers: Record<string, string>) => {
      const r = await fetch(`${t.url}/api/webhooks/changes/${system}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    };
    const now = () => Math.floor(t.clock.now().getTime() / 1000);
    /** Signs as the sender does: its time, the delivery id and the exact body. */
    const signed = (id: string, body: string, o: { secret?: string; at?: number } = {}) => ({
      [SIGNATURE_HEADER]: signDelivery(o.secret ?? SECRET, o.at ?? now(), id, body),
      [DELIVERY_HEADER]: id,
    });
    const deliver = (id: string, body: string, o: { secret?: string; at?: number; system?: string } = {}) =>
      post(o.system ?? 'itsm', body, signed(id, body, o));
    const payload = (extra: Record<string, unknown> = {}) =>
      // Spacing and key order as the sender wrote them: the signature covers the exact text.
      `{ "key": "CR-2001",  "title": "支付网关证书更新", "status": "approved", "approver": "王五" ${Object.entries(
        extra,
      )
        .map(([k, v]) => `, ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
        .join('')} }`;
    const withdrawnPayload = () => payload({ status: 'withdrawn' }).replace('"status": "approved", ', '');
    const changeRows = () => t.database.db.kysely.selectFrom('changes').select(['id', 'state']).execute();

    it('IN-2 a delivery with a good signature is accepted; the same delivery twice is counted once', async () => {
      const body = payload();
      const first = await deliver('d-1', body);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({
        delivery: 'accepted',
        deliveryId: 'd-1',
        changed: true,
        change: {
          number: 'CHG-2026-0001',
          state: 'approved',
          approvedBy: ['王五'],
          requester: 'webhook:itsm',
          external: { system: 'itsm', key: 'CR-2001', status: 'approved' },
        },
      });
      const twice = await deliver('d-1', body);
      expect(twice.body).toMatchObject({
        delivery: 'duplicate',
        changed: false,
        change: { id: first.body.change.id },
      });
      expect(await auditByAction('change.webhook_receive', 'success')).toHaveLength(1);
      expect(await auditByAction('change.external_upsert', 'success')).toHaveLength(1);

      // A new delivery of the same content is received but changes nothing.
      t.clock.advance(1000);
      const resent = await deliver('d-2', body);
      expect(resent.body).toMatchObject({ delivery: 'accepted', changed: false });
      const received = await auditByAction('change.webhook_receive', 'success');
      expect(received.map((e) => JSON.parse(e.details_json!).deliveryId)).toEqual(['d-1', 'd-2']);
      expect(received.every((e) => e.actor_name === 'webhook:itsm')).toBe(true);
      expect(await auditByAction('change.external_upsert', 'success')).toHaveLength(1);

      // Revoked after approval, by webhook.
      t.clock.advance(1000);
      const revoked = await deliver('d-3', withdrawnPayload());
      expect(revoked.body.change).toMatchObject({ state: 'withdrawn', number: 'CHG-2026-0001' });
      expect(await changeRows()).toHaveLength(1);
    });

    it('IN-2 a wrong, missing or stale signature is refused with 401 and audited, before the body is read', async () => {
      const body = payload();
      const good = signed('d-x', body);
      const cases: [string, string, Record<string, string>, string][] = [
        ['itsm', body, signed('d-x', body, { secret: 'wrong-secret-0123456789' }), 'bad_signature'],
        ['itsm', body, { [DELIVERY_HEADER]: 'd-x' }, 'missing_signature'],
        // Signed with another system's secret.
        ['itsm', body, signed('d-x', body, { secret: 'another-secret-0123456789' }), 'bad_signature'],
        ['nobody', body, good, 'unknown_system'],
        // Not even JSON, and a signature of the old body-only form: the body is never parsed unsigned.
        ['itsm', '{not json', { ...good, [SIGNATURE_HEADER]: 'sha256=00' }, 'malformed_signature'],
        // The body altered after signing.
        ['itsm', body.replace('王五', '赵六'), good, 'bad_signature'],
        // The signed delivery resent under another delivery id.
        ['itsm', body, { ...good, [DELIVERY_HEADER]: 'd-y' }, 'bad_signature'],
        // Signed more than five minutes ago (a captured delivery replayed), or in the future.
        ['itsm', body, signed('d-x', body, { at: now() - 301 }), 'outside_tolerance'],
        ['itsm', body, signed('d-x', body, { at: now() + 301 }), 'outside_tolerance'],
      ];
      for (const [system, text, headers, reason] of cases) {
        const r = await post(system, text, headers);
        expect(r.status, `${system} ${reason}`).toBe(401);
        expect(r.body.error.code).toBe('unauthenticated');
        expect(r.body.error.message).toMatch(
          reason === 'outside_tolerance' ? /300 s/ : /t=<unix seconds>,v1=/,
        );
      }
      const denied = await auditByAction('change.webhook_receive');
      expect(denied.map((e) => e.outcome)).toEqual(Array(cases.length).fill('denied'));
      expect(denied.map((e) => JSON.parse(e.details_json!).reason)).toEqual(cases.map((c) => c[3]));
      expect(denied[0].actor_name).toBe('webhook:itsm');
      expect(await changeRows()).toEqual([]);
      expect(
        await t.database.db.kysely.selectFrom('change_webhook_deliveries').selectAll().execute(),
      ).toEqual([]);
    });

    it('IN-2 a withdrawn change cannot be brought back by replaying its approval, nor by an older state sent late', async () => {
      const approval = payload();
      const captured = signed('d-approve', approval);
      expect((await post('itsm', approval, captured)).body.change.state).toBe('approved');
      t.clock.advance(60_000);
      expect((await deliver('d-withdraw', withdrawnPayload())).body.change.state).toBe('withdrawn');

      // The captured approval again: the same id is a duplicate and changes nothing…
      expect((await post('itsm', approval, captured)).body).toMatchObject({
        delivery: 'duplicate',
        changed: false,
      });
      // …under a new id its signature no longer matches…
      expect((await post('itsm', approval, { ...captured, [DELIVERY_HEADER]: 'd-replay' })).status).toBe(401);
      // …and ten minutes later it is outside the tolerance whatever its id.
      t.clock.advance(600_000);
      expect((await post('itsm', approval, { ...captured, [DELIVERY_HEADER]: 'd-approve-2' })).status).toBe(
        401,
      );
      expect((await changeRows())[0].state).toBe('withdrawn');

      // A state the sender says is older than the one held (its updatedAt) is refused and audited.
      const stale = payload({ updatedAt: new Date((now() - 3600) * 1000).toISOString() });
      const late = await deliver('d-late', stale);
      expect(late.status).toBe(409);
      expect(late.body.error.details.rule).toBe('IN-2 the newest state wins');
      expect((await changeRows())[0].state).toBe('withdrawn');
      const refused = (await auditByAction('change.webhook_receive', 'denied')).map(
        (e) => JSON.parse(e.details_json!).reason,
      );
      expect(refused).toEqual(['bad_signature', 'bad_signature', 'older_state']);
      // A newer one is applied.
      const newer = payload({ updatedAt: new Date(now() * 1000).toISOString() });
      expect((await deliver('d-new', newer)).body.change.state).toBe('approved');
    });

    it('IN-2 a signed but invalid delivery names the fields and is not counted', async () => {
      const bad = '{"key": "CR-3001", "status": "done"}';
      const r = await deliver('d-9', bad);
      expect(r.status).toBe(400);
      expect(Object.keys(r.body.error.details.fields).sort()).toEqual(['status', 'title']);
      const body = payload();
      const noDelivery = await post('itsm', body, {
        [SIGNATURE_HEADER]: signDelivery(SECRET, now(), '', body),
      });
      expect(noDelivery.status).toBe(400);
      expect(noDelivery.body.error.details.fields['x-releasegate-delivery']).toBeDefined();
      // The same delivery id, now valid, is processed: the failed one was not recorded.
      const ok = await deliver('d-9', body);
      expect(ok.body.delivery).toBe('accepted');
    });

    it('the raw-body parser stays inside the webhook: the rest of the API parses JSON as before', async () => {
      const malformed = await fetch(`${t.url}/api/changes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `rg_session=${eng.cookie('rg_session')}; rg_csrf=${eng.cookie('rg_csrf')}`,
          'x-csrf-token': eng.cookie('rg_csrf')!,
        },
        body: '{"title": ',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as any).error.code).toBe('invalid_input');
      expect((await create({ title: '解析正常' })).title).toBe('解析正常');
      expect(
        (await cfg.post('/api/cmdb/cis', { type: 'database', name: 'x-db', environment: 'production' }))
          .status,
      ).toBe(201);
      const text = await fetch(`${t.url}/api/webhooks/changes/itsm`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', [DELIVERY_HEADER]: 'd-text' },
        body: 'hello',
      });
      expect(text.status).toBe(401);
    });
  });
});
