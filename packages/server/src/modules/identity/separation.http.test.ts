import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, TEST_PASSWORD, startTestApp, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';

type Clients = Awaited<ReturnType<typeof signInRoles>>;

/** A major release waiting for the manager's approval of its plan. */
async function planAwaitingApproval(c: Clients) {
  const core = await ci(c.cfg, 'database', '核心数据库', { critical: true });
  const change = await approvedChange(c, '核心数据库升级', [core.id]);
  const id = (
    await c.eng1.post('/api/releases', {
      title: '核心数据库升级',
      changeIds: [change.id],
      items: [{ kind: 'service', title: '参数调整', ciIds: [core.id] }],
    })
  ).body.id as string;
  await c.eng2.post(`/api/releases/${id}/accept`, {});
  await c.eng1.post(`/api/releases/${id}/classify`, { type: 'major', reason: '核心系统' });
  await c.eng1.request('PUT', `/api/releases/${id}/plan`, completePlan([core.id]));
  expect((await c.eng1.post(`/api/releases/${id}/plan/submit`)).body.state).toBe('plan_review');
  return id;
}

async function successCount(t: TestApp, action: string) {
  const rows = await t.database.db.kysely
    .selectFrom('audit_events')
    .select('outcome')
    .where('action', '=', action)
    .execute();
  return rows.filter((r) => r.outcome === 'success').length;
}

describe.each(DIALECTS)('separation of duties on %s', (dialect) => {
  let t: TestApp;
  let c: Clients;
  let sec: HttpClient;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
    await t.seedUser('sec', ['security_administrator']);
    sec = new HttpClient(t.url);
    await sec.login('sec');
  });
  afterEach(() => t.close());

  it("X-4 TY-2 a manager's token scoped gate.check cannot approve a plan: refused before anything happens, and the plan still waits", async () => {
    const id = await planAwaitingApproval(c);
    const created = await c.boss.post('/api/tokens', {
      name: 'ci',
      scopes: ['gate.check'],
      expiresInDays: 30,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pipeline = new HttpClient(t.url);
    pipeline.bearer = created.body.token;
    for (const [path, body] of [
      [`/api/releases/${id}/plan/approve`, { comment: 'ok' }],
      [`/api/releases/${id}/plan/reject`, { comment: 'no' }],
      [`/api/releases/${id}/cancel`, { reason: 'x' }],
      [
        `/api/releases/${id}/triggers`,
        { kind: 'key_function', description: 'x', discoveredAt: t.clock.now() },
      ],
    ] as const) {
      const r = await pipeline.post(path, body);
      expect(r.status, path).toBe(403);
      expect(r.body.error.details).toMatchObject({ rule: 'X-4 permission', via: 'token' });
    }
    expect((await pipeline.post('/api/notifications/read-all')).body.error.details.rule).toBe(
      'X-4 session only',
    );
    expect((await c.boss.get(`/api/releases/${id}`)).body.state).toBe('plan_review');
    expect(await successCount(t, 'plan.approve')).toBe(0);
    expect(await successCount(t, 'release.approve_plan')).toBe(0);

    // Within its scope, the lifecycle too: the manager's token with an approval scope but not
    // the one this (major) release needs is refused by the lifecycle, naming the permission.
    const normalOnly = await c.boss.post('/api/tokens', {
      name: 'normal',
      scopes: ['release.approve.normal', 'release.read'],
      expiresInDays: 30,
    });
    pipeline.bearer = normalOnly.body.token;
    const wrongType = await pipeline.post(`/api/releases/${id}/plan/approve`, { comment: 'ok' });
    expect(wrongType.status).toBe(403);
    expect(wrongType.body.error.details.rule).toBe('X-4 permission');
    expect(wrongType.body.error.message).toContain('release.approve.major');
    const view = (await pipeline.get(`/api/releases/${id}`)).body;
    expect(view.actions.find((a: any) => a.action === 'approve_plan').allowed).toBe(false);
  });

  it('X-4 RO-3 the security administrator cannot issue a token that acts as a person, only to a service account with pipeline scopes', async () => {
    const boss = (await sec.get('/api/users')).body.items.find((u: any) => u.username === 'boss');
    const forBoss = await sec.post('/api/tokens', {
      name: 'approve',
      scopes: ['release.approve.major'],
      expiresInDays: 30,
      userId: boss.id,
    });
    expect(forBoss.status).toBe(403);
    expect(forBoss.body.error.details).toMatchObject({
      rule: 'X-4 tokens are issued by their owner',
      owner: 'boss',
    });

    const svc = await sec.post('/api/users', {
      username: 'gitlab',
      displayName: 'GitLab 流水线',
      roles: ['release_implementer'],
      serviceAccount: true,
    });
    expect(svc.status, JSON.stringify(svc.body)).toBe(201);
    expect(svc.body).toMatchObject({ serviceAccount: true, mustChangePassword: false });
    const tooMuch = await sec.post('/api/tokens', {
      name: 'deploy',
      scopes: ['gate.check', 'knowledge.write'],
      expiresInDays: 30,
      userId: svc.body.id,
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.details).toMatchObject({
      rule: 'X-4 service accounts carry pipeline scopes',
      missing: ['knowledge.write'],
    });
    const ok = await sec.post('/api/tokens', {
      name: 'deploy',
      scopes: ['gate.check', 'release.implement'],
      expiresInDays: 30,
      userId: svc.body.id,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // A service account never signs in, and has no password to reset.
    expect((await new HttpClient(t.url).login('gitlab', TEST_PASSWORD)).status).toBe(401);
    const reset = await sec.post(`/api/users/${svc.body.id}/password`, { password: 'Another-long-pass-42' });
    expect(reset.status).toBe(422);

    // No token carries identity management, not even the owner's own.
    const own = await sec.post('/api/tokens', { name: 'mine', scopes: ['user.manage'], expiresInDays: 1 });
    expect(own.status).toBe(422);
    expect(own.body.error.details.rule).toBe('X-4 identity is managed by people');
  });

  it('X-4 a password set by the security administrator must be changed by its owner before anything else', async () => {
    const created = await sec.post('/api/users', {
      username: 'newbie',
      displayName: '新同事',
      roles: ['operations_manager'],
      password: 'Initial-password-2026',
    });
    expect(created.body.mustChangePassword).toBe(true);
    const newbie = new HttpClient(t.url);
    const login = await newbie.login('newbie', 'Initial-password-2026');
    expect(login.status).toBe(200);
    expect(login.body.passwordExpired).toBe(true);
    const blocked = await newbie.get('/api/releases');
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.details.reason).toBe('password_expired');
    expect(
      (
        await newbie.post('/api/auth/password', {
          currentPassword: 'Initial-password-2026',
          newPassword: 'Chosen-by-me-2026',
        })
      ).status,
    ).toBe(200);
    expect((await newbie.get('/api/releases')).status).toBe(200);

    // The administrator resets the manager's password: the manager's sessions end, and whoever
    // signs in with the administrator's password can do nothing but choose a new one.
    const boss = (await sec.get('/api/users')).body.items.find((u: any) => u.username === 'boss');
    expect(
      (await sec.post(`/api/users/${boss.id}/password`, { password: 'Reset-by-admin-2026' })).status,
    ).toBe(200);
    expect((await c.boss.get('/api/releases')).status).toBe(401);
    const asBoss = new HttpClient(t.url);
    expect((await asBoss.login('boss', 'Reset-by-admin-2026')).body.passwordExpired).toBe(true);
    const id = await planAwaitingApproval({ ...c, boss: asBoss });
    const approve = await asBoss.post(`/api/releases/${id}/plan/approve`, { comment: 'ok' });
    expect(approve.status).toBe(422);
    expect(approve.body.error.details.reason).toBe('password_expired');
    expect((await c.eng1.get(`/api/releases/${id}`)).body.state).toBe('plan_review');
  });

  it('RO-3 nobody grants roles to themselves, and an administrator role is never combined with another', async () => {
    const me = (await sec.get('/api/auth/session')).body.user;
    const self = await sec.patch(`/api/users/${me.id}`, {
      roles: ['security_administrator', 'operations_manager'],
    });
    expect(self.status).toBe(422);
    const selfOnly = await sec.patch(`/api/users/${me.id}`, { roles: ['auditor'] });
    expect(selfOnly.status).toBe(403);
    expect(selfOnly.body.error.details.rule).toBe('RO-3 no self-granted roles');
    expect((await sec.get(`/api/users/${me.id}`)).body.roles).toEqual(['security_administrator']);

    const roleless = await sec.post('/api/users', {
      username: 'nobody',
      displayName: 'x',
      roles: [],
      password: 'Initial-password-2026',
    });
    expect(roleless.status).toBe(400);
    expect(roleless.body.error.details.fields.roles).toEqual(['at least one role']);
    const mixed = await sec.post('/api/users', {
      username: 'mixed',
      displayName: 'x',
      roles: ['operations_manager', 'auditor'],
      password: 'Initial-password-2026',
    });
    expect(mixed.status).toBe(422);
    expect(mixed.body.error.details).toMatchObject({
      rule: 'RO-3 separation of duties',
      conflictingRoles: ['auditor', 'operations_manager'],
    });
    const boss = (await sec.get('/api/users')).body.items.find((u: any) => u.username === 'boss');
    const grant = await sec.patch(`/api/users/${boss.id}`, {
      roles: ['operations_manager', 'system_administrator'],
    });
    expect(grant.status).toBe(422);
    expect((await sec.get(`/api/users/${boss.id}`)).body.roles).toEqual(['operations_manager']);
  });

  it('RO-3 roles written straight into the database that break separation of duties leave the account able to do nothing', async () => {
    const id = await planAwaitingApproval(c);
    const boss = (await sec.get('/api/users')).body.items.find((u: any) => u.username === 'boss');
    await t.database.db.kysely
      .insertInto('user_roles')
      .values({ user_id: boss.id, role: 'auditor' })
      .execute();
    const approve = await c.boss.post(`/api/releases/${id}/plan/approve`, { comment: 'ok' });
    expect(approve.status).toBe(403);
    expect(approve.body.error.details.rule).toBe('RO-3 separation of duties');
    expect((await c.eng1.get(`/api/releases/${id}`)).body.state).toBe('plan_review');
    const reads = await c.boss.get('/api/audit/events');
    expect(reads.status).toBe(403);
    expect(reads.body.error.details).toMatchObject({
      rule: 'RO-3 separation of duties',
      pairs: [['auditor', 'operations_manager']],
    });
    expect((await c.boss.get('/api/auth/session')).status).toBe(200);
  });
});
