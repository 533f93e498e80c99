import { RULES } from '@releasegate/messages';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, TEST_PASSWORD, type TestApp } from '../../test/test-app';
import { firstRunSetupLink, issueSetupLink } from './auth.service';
import { systemContext } from '../../context';
import { groupDn, personDn, startSlapd, type Slapd } from '../../test/slapd';
import { enrolSecondFactor, nextTotpStep, totpCode } from '../../test/second-factor';
import { spawnServer, stopServer } from '../../test/server-process';

/**
 * X-4 / RO-1 / RO-3 directory sign-in against a real OpenLDAP (slapd) over LDAPS with a test CA:
 * accounts on first sign-in, roles from (nested) groups, separation of duties on the mapped
 * result, the scheduled re-check, the directory down, and the break-glass administrator.
 */
let slapd: Slapd;
beforeAll(async () => {
  slapd = await startSlapd();
});
afterAll(async () => {
  await slapd?.close();
});

let serial = 0;
/** A directory name of its own for each test, so tests share one directory safely. */
const unique = (name: string) => `${name}${++serial}`;

const audit = async (t: TestApp) =>
  (
    await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'entity_id', 'actor_name', 'details_json'])
      .orderBy('seq')
      .execute()
  ).map((e) => ({
    action: e.action,
    outcome: e.outcome,
    entityId: e.entity_id,
    actor: e.actor_name,
    details: e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : {},
  }));

describe.each(DIALECTS)('X-4 RO-1 directory sign-in (LDAP) on %s', (dialect) => {
  let t: TestApp;
  let admin: HttpClient;
  afterEach(async () => {
    await t?.close();
  });

  /** A server signing in against the test directory, with a security administrator signed in. */
  const start = async (env: Record<string, string> = {}) => {
    t = await startTestApp(dialect, slapd.env({ DIRECTORY_LOCAL_SIGN_IN: 'all', ...env }));
    const secadmin = unique('secadmin');
    const seeded = await t.seedUser(secadmin, ['security_administrator']);
    // With local sign-in kept for the break-glass account, she is that account (named before
    // the directory was turned on, as an operator would).
    if (env.DIRECTORY_LOCAL_SIGN_IN === 'break_glass')
      await t.database.db.kysely
        .updateTable('users')
        .set({ break_glass: 1 })
        .where('id', '=', seeded.id)
        .execute();
    admin = new HttpClient(t.url);
    expect((await admin.login(secadmin)).status).toBe(200);
    return secadmin;
  };
  const map = async (group: string, role: string) => {
    const reply = await admin.post('/api/directory/mappings', {
      source: 'ldap',
      group: groupDn(group),
      role,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as { id: string };
  };
  const users = () => t.database.db.kysely.selectFrom('users').selectAll().execute();

  it('X-4 RO-1 a person signs in with their directory password over LDAPS; the account is created with the roles their group maps to', async () => {
    await start();
    const alice = unique('alice');
    await slapd.addPerson({
      uid: alice,
      name: 'Alice Li',
      password: 'alice-directory-pw',
      mail: `${alice}@example.com`,
    });
    const managers = unique('release-managers');
    await slapd.addGroup(managers, [alice]);
    await map(managers, 'operations_manager');

    const http = new HttpClient(t.url);
    const signedIn = await http.login(alice, 'alice-directory-pw');
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body.user).toMatchObject({
      username: alice,
      displayName: 'Alice Li',
      email: `${alice}@example.com`,
      roles: ['operations_manager'],
      source: 'ldap',
      directoryGroups: [groupDn(managers)],
    });
    expect((await http.get('/api/auth/session')).body.user.permissions).toContain('release.approve.normal');
    const row = (await users()).find((u) => u.username === alice)!;
    expect(row).toMatchObject({ source: 'ldap', external_id: personDn(alice) });
    // The account has no password here: a local password sign-in can never open it.
    expect(row.password_hash).toBe('!ldap');

    const events = await audit(t);
    expect(events.find((e) => e.action === 'user.create' && e.entityId === row.id)?.details).toMatchObject({
      source: 'ldap',
      rule: RULES.ro1_role_from_groups,
    });
    expect(
      events.some((e) => e.action === 'identity.login' && e.outcome === 'success' && e.entityId === row.id),
    ).toBe(true);

    // Signing in again finds the same account by its DN (no second one).
    expect((await new HttpClient(t.url).login(alice, 'alice-directory-pw')).status).toBe(200);
    expect((await users()).filter((u) => u.username === alice)).toHaveLength(1);
  });

  it('RO-1 a nested group gives its role: a member of a team inside a mapped group holds the role (group search and memberOf alike)', async () => {
    for (const mode of ['search', 'memberof']) {
      await start({ LDAP_GROUPS: mode });
      const bob = unique('bob');
      await slapd.addPerson({ uid: bob, name: 'Bob', password: 'bob-directory-pw' });
      const team = unique('ops-team');
      const engineers = unique('engineers');
      await slapd.addGroup(team, [bob]);
      await slapd.addGroup(engineers, [`group:${team}`]);
      await map(engineers, 'operations_engineer');
      const reply = await new HttpClient(t.url).login(bob, 'bob-directory-pw');
      expect(reply.status, `${mode}: ${JSON.stringify(reply.body)}`).toBe(200);
      expect(reply.body.user.roles).toEqual(['operations_engineer']);
      expect([...reply.body.user.directoryGroups].sort()).toEqual([groupDn(engineers), groupDn(team)].sort());
      await t.close();
    }
    // Without nesting, only the direct group counts (and it maps to nothing).
    await start({ LDAP_NESTED_GROUPS: 'false' });
    const carl = unique('carl');
    await slapd.addPerson({ uid: carl, name: 'Carl', password: 'carl-directory-pw' });
    const team = unique('ops-team');
    const engineers = unique('engineers');
    await slapd.addGroup(team, [carl]);
    await slapd.addGroup(engineers, [`group:${team}`]);
    await map(engineers, 'operations_engineer');
    const flat = await new HttpClient(t.url).login(carl, 'carl-directory-pw');
    expect(flat.status).toBe(403);
    expect(flat.body.error.details).toMatchObject({
      ruleCode: 'ro1_role_from_groups',
      reason: 'no_mapped_role',
    });
  });

  it('X-4 a wrong directory password, an unknown name, a disabled person and a filter injection get the one sign-in refusal; repeated failures lock the account', async () => {
    await start({ LOCKOUT_THRESHOLD: '3' });
    const dora = unique('dora');
    const gone = unique('gone');
    await slapd.addPerson({ uid: dora, name: 'Dora', password: 'dora-directory-pw' });
    await slapd.addPerson({ uid: gone, name: 'Gone', password: 'gone-directory-pw', disabled: true });
    const team = unique('team');
    await slapd.addGroup(team, [dora, gone]);
    await map(team, 'release_implementer');
    expect((await new HttpClient(t.url).login(dora, 'dora-directory-pw')).status).toBe(200);

    const refusals = [
      await new HttpClient(t.url).login(dora, 'wrong'),
      await new HttpClient(t.url).login(unique('nobody'), 'whatever'),
      await new HttpClient(t.url).login(gone, 'gone-directory-pw'),
      // An LDAP filter in the user name is escaped: it matches nobody, not everybody.
      await new HttpClient(t.url).login('*', 'dora-directory-pw'),
      await new HttpClient(t.url).login(`${dora})(uid=*`, 'dora-directory-pw'),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(401);
      expect(r.body.error.details).toEqual({
        reason: 'bad_credentials',
        reasons: [{ reasonCode: 'bad_credentials', params: {} }],
      });
    }
    expect((await users()).some((u) => u.username === gone)).toBe(false);

    // Two more wrong passwords reach the threshold: then even the right one is refused, and the
    // directory is not asked.
    await new HttpClient(t.url).login(dora, 'wrong');
    await new HttpClient(t.url).login(dora, 'wrong');
    const locked = await new HttpClient(t.url).login(dora, 'dora-directory-pw');
    expect(locked.status).toBe(401);
    const events = await audit(t);
    expect(events.some((e) => e.action === 'identity.lock_account' && e.actor === dora)).toBe(true);
    expect(
      events
        .filter((e) => e.action === 'identity.login' && e.outcome === 'denied')
        .map((e) => e.details.reason),
    ).toEqual(expect.arrayContaining(['bad_password', 'unknown_user', 'locked']));
  });

  it('RO-3 groups that would give one person system administrator and auditor are refused at sign-in, naming the groups; nothing but the audit event is written', async () => {
    await start();
    const dave = unique('dave');
    await slapd.addPerson({ uid: dave, name: 'Dave', password: 'dave-directory-pw' });
    const sysadmins = unique('sysadmins');
    const auditors = unique('auditors');
    await slapd.addGroup(sysadmins, [dave]);
    await slapd.addGroup(auditors, [dave]);
    await map(sysadmins, 'system_administrator');
    await map(auditors, 'auditor');
    const before = (await users()).length;

    const refused = await new HttpClient(t.url).login(dave, 'dave-directory-pw');
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toMatchObject({
      ruleCode: 'separation_of_duties',
      reason: 'groups_collide',
      collidingGroups: [groupDn(auditors), groupDn(sysadmins)].sort(),
      pairs: [['system_administrator', 'auditor']],
    });
    expect(refused.body.error.message).toContain(groupDn(sysadmins));
    expect((await users()).length).toBe(before);
    expect((await t.database.db.kysely.selectFrom('sessions').selectAll().execute()).length).toBe(1);
    const denied = (await audit(t)).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => [e.action, e.details.reason])).toEqual([['identity.login', 'groups_collide']]);
  });

  it('RO-1 RO-3 the security administrator keeps the mapping: audited; refused when a group would give excluding roles, or when a known person would hold them', async () => {
    await start();
    const erin = unique('erin');
    await slapd.addPerson({ uid: erin, name: 'Erin', password: 'erin-directory-pw' });
    const cab = unique('cab');
    const ops = unique('ops');
    await slapd.addGroup(cab, [erin]);
    await slapd.addGroup(ops, [erin]);
    const cabRule = await map(cab, 'cab_member');
    expect((await new HttpClient(t.url).login(erin, 'erin-directory-pw')).status).toBe(200);

    // The same group cannot also give a role that excludes the one it gives.
    const sameGroup = await admin.post('/api/directory/mappings', {
      source: 'ldap',
      group: groupDn(cab),
      role: 'auditor',
    });
    expect(sameGroup.status).toBe(422);
    expect(sameGroup.body.error.details).toMatchObject({
      ruleCode: 'separation_of_duties',
      collidingGroups: [groupDn(cab)],
    });
    // Another group would give erin (known by her groups as last read) auditor beside cab_member.
    const viaErin = await admin.post('/api/directory/mappings', {
      source: 'ldap',
      group: groupDn(ops),
      role: 'auditor',
    });
    expect(viaErin.status).toBe(422);
    expect(viaErin.body.error.details).toMatchObject({
      reason: 'groups_collide',
      collidingGroups: [groupDn(cab), groupDn(ops)].sort(),
      users: [{ username: erin }],
    });
    expect(viaErin.body.error.message).toContain(erin);
    // A duplicate is refused naming the field; an unknown role or source is bad input.
    expect(
      (
        await admin.post('/api/directory/mappings', {
          source: 'ldap',
          group: groupDn(cab),
          role: 'cab_member',
        })
      ).status,
    ).toBe(409);
    expect(
      (await admin.post('/api/directory/mappings', { source: 'ldap', group: groupDn(cab), role: 'root' }))
        .status,
    ).toBe(400);
    expect(
      (await admin.post('/api/directory/mappings', { source: 'nis', group: 'x', role: 'cab_member' })).status,
    ).toBe(400);

    // Only the security administrator: erin may read nothing of it and change nothing.
    const asErin = new HttpClient(t.url);
    await asErin.login(erin, 'erin-directory-pw');
    expect((await asErin.get('/api/directory/mappings')).status).toBe(403);
    expect(
      (
        await asErin.post('/api/directory/mappings', {
          source: 'ldap',
          group: groupDn(ops),
          role: 'cab_member',
        })
      ).status,
    ).toBe(403);

    const list = (await admin.get('/api/directory/mappings')).body.mappings;
    expect(list).toEqual([
      expect.objectContaining({ id: cabRule.id, group: groupDn(cab), role: 'cab_member', source: 'ldap' }),
    ]);
    expect((await admin.request('DELETE', `/api/directory/mappings/${cabRule.id}`)).status).toBe(204);
    const actions = (await audit(t)).map((e) => `${e.action} ${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(['identity.group_mapping_add success', 'identity.group_mapping_remove success']),
    );
    // Her next sign-in applies the mapping again: no group gives her a role any more.
    const after = await new HttpClient(t.url).login(erin, 'erin-directory-pw');
    expect(after.status).toBe(403);
  });

  it('X-4 RO-1 a directory account keeps its roles and password in the directory: the user admin refuses to change them; a local name is never taken over', async () => {
    await start();
    const fay = unique('fay');
    await slapd.addPerson({ uid: fay, name: 'Fay', password: 'fay-directory-pw' });
    const team = unique('team');
    await slapd.addGroup(team, [fay]);
    await map(team, 'operations_engineer');
    const signedIn = await new HttpClient(t.url).login(fay, 'fay-directory-pw');
    const id = signedIn.body.user.id as string;
    const roles = await admin.patch(`/api/users/${id}`, { roles: ['operations_manager'] });
    expect(roles.status).toBe(422);
    expect(roles.body.error.details).toMatchObject({
      ruleCode: 'x4_directory_account',
      reason: 'roles_from_directory',
    });
    const password = await admin.post(`/api/users/${id}/password`, {
      password: 'a brand new local password 1',
    });
    expect(password.status).toBe(422);
    expect(password.body.error.details).toMatchObject({ reason: 'password_in_directory' });

    // A local account named like a directory person signs in locally (it is found first); the
    // directory's person of that name is refused rather than merged into it.
    const gil = unique('gil');
    await t.seedUser(gil, ['operations_engineer'], 'a local password of gil');
    await slapd.addPerson({ uid: gil, name: 'Gil', password: 'gil-directory-pw' });
    await slapd.addMember(team, gil);
    expect((await new HttpClient(t.url).login(gil, 'gil-directory-pw')).status).toBe(401);
    expect((await new HttpClient(t.url).login(gil, 'a local password of gil')).status).toBe(200);
  });

  it('X-4 a person removed or disabled in the directory loses sign-in, sessions and API tokens at the scheduled re-check; group changes update their roles', async () => {
    await start({ DIRECTORY_RECHECK_MINUTES: '15', JOBS_ENABLED: 'false' });
    const hana = unique('hana');
    const ivan = unique('ivan');
    const jun = unique('jun');
    for (const uid of [hana, ivan, jun])
      await slapd.addPerson({ uid, name: uid, password: `${uid}-directory-pw` });
    const team = unique('team');
    const managers = unique('managers');
    await slapd.addGroup(team, [hana, ivan, jun]);
    await slapd.addGroup(managers, [hana]);
    await map(team, 'operations_engineer');
    await map(managers, 'operations_manager');
    const sessions = new Map<string, HttpClient>();
    for (const uid of [hana, ivan, jun]) {
      const http = new HttpClient(t.url);
      expect((await http.login(uid, `${uid}-directory-pw`)).status).toBe(200);
      sessions.set(uid, http);
    }
    const token = await sessions
      .get(hana)!
      .post('/api/tokens', { name: 'pipeline', scopes: ['release.read'], expiresInDays: 30 });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const bearer = new HttpClient(t.url);
    bearer.bearer = token.body.token;
    expect((await bearer.get('/api/releases')).status).toBe(200);

    await slapd.removePerson(hana);
    await slapd.disablePerson(ivan);
    await slapd.addGroup(unique('solo'), [jun]);
    await slapd.addMember(managers, jun);

    // The job runs in its slot (enqueued when the job runner starts); nothing happens before.
    await t.app.directoryRecheck.start();
    await t.app.jobs.runDue();
    expect((await sessions.get(hana)!.get('/api/auth/session')).status).toBe(200);
    t.clock.advance(15 * 60_000);
    await t.app.jobs.runDue();

    for (const uid of [hana, ivan]) {
      expect((await sessions.get(uid)!.get('/api/auth/session')).status).toBe(401);
      expect((await new HttpClient(t.url).login(uid, `${uid}-directory-pw`)).status).toBe(401);
    }
    expect((await bearer.get('/api/releases')).status).toBe(401);
    const jSession = await sessions.get(jun)!.get('/api/auth/session');
    expect(jSession.status).toBe(200);
    expect(jSession.body.user.roles).toEqual(['operations_engineer', 'operations_manager']);
    const events = (await audit(t)).filter((e) => e.action === 'identity.directory_recheck');
    expect(events.map((e) => e.details.reason).sort()).toEqual(['not_in_directory', 'not_in_directory']);
    expect(events[0]).toMatchObject({ details: expect.objectContaining({ sessionsRevoked: 1 }) });
    expect(
      (await audit(t)).some(
        (e) => e.action === 'identity.directory_roles_apply' && e.details.rule === RULES.ro1_role_from_groups,
      ),
    ).toBe(true);
    // The next re-check is queued for the next slot.
    const queued = await t.database.db.kysely
      .selectFrom('jobs')
      .select(['kind', 'state'])
      .where('kind', '=', 'identity.directory_recheck')
      .execute();
    expect(queued.filter((j) => j.state === 'pending')).toHaveLength(1);
  });

  it('X-4 a re-check that would disable more accounts than DIRECTORY_RECHECK_MAX_REMOVALS (a service account that lost its read rights sees nobody) disables none until a security administrator confirms', async () => {
    await start({ DIRECTORY_RECHECK_MAX_REMOVALS: '2' });
    const team = unique('team');
    const people = [unique('p'), unique('p'), unique('p')];
    for (const uid of people) await slapd.addPerson({ uid, name: uid, password: `${uid}-directory-pw` });
    await slapd.addGroup(team, people);
    await map(team, 'operations_engineer');
    const sessions: HttpClient[] = [];
    for (const uid of people) {
      const http = new HttpClient(t.url);
      expect((await http.login(uid, `${uid}-directory-pw`)).status).toBe(200);
      sessions.push(http);
    }
    // All three gone at once (as a service account that lost its read rights would see it).
    for (const uid of people) await slapd.removePerson(uid);
    await t.app.directoryRecheck.start();
    t.clock.advance(15 * 60_000);
    await t.app.jobs.runDue();
    for (const http of sessions) expect((await http.get('/api/auth/session')).status).toBe(200);
    const held = await admin.post('/api/directory/recheck', {});
    expect(held.status).toBe(422);
    expect(held.body.error.details).toMatchObject({
      ruleCode: 'x4_directory_recheck',
      reason: 'too_many_removals',
      count: 3,
      max: 2,
    });
    expect((await users()).filter((u) => people.includes(u.username) && u.disabled)).toHaveLength(0);
    const denied = (await audit(t)).filter(
      (e) => e.action === 'identity.directory_recheck' && e.details.reason === 'too_many_removals',
    );
    // The scheduled run and the manual one, each on the record with whom it held.
    expect(denied).toHaveLength(2);
    expect([...(denied[0].details.usernames as string[])].sort()).toEqual([...people].sort());
    const alerts = await t.database.db.kysely
      .selectFrom('notifications')
      .select('kind')
      .where('kind', '=', 'security_alert')
      .execute();
    expect(alerts.length).toBeGreaterThanOrEqual(2);

    // The security administrator confirms: now they go.
    const confirmed = await admin.post('/api/directory/recheck', { confirmRemovals: true });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect([...confirmed.body.disabled].sort()).toEqual([...people].sort());
    for (const http of sessions) expect((await http.get('/api/auth/session')).status).toBe(401);
  });

  it('X-4 the directory down: sign-in answers 503 and removes nobody; the break-glass administrator still signs in, loudly audited and notified; other local accounts are sent to the directory', async () => {
    await start({ DIRECTORY_LOCAL_SIGN_IN: 'break_glass' });
    // The security administrator of start() is the break-glass account; kim signs in through the directory.
    const kim = unique('kim');
    await slapd.addPerson({ uid: kim, name: 'Kim', password: 'kim-directory-pw' });
    const team = unique('team');
    await slapd.addGroup(team, [kim]);
    await map(team, 'operations_engineer');
    expect((await new HttpClient(t.url).login(kim, 'kim-directory-pw')).status).toBe(200);
    const secadmin = (await users()).find((u) => u.username.startsWith('secadmin'))!;
    const other = await t.seedUser(unique('local'), ['system_administrator']);
    const auditor = await t.seedUser(unique('auditor'), ['auditor']);
    // One break-glass account at a time, and only a local administrator.
    const second = await admin.request('PUT', `/api/users/${other.id}/break-glass`, { breakGlass: true });
    expect(second.status).toBe(409);
    expect(second.body.error.details).toMatchObject({
      ruleCode: 'x4_break_glass',
      holder: secadmin.username,
    });
    const kimId = (await users()).find((u) => u.username === kim)!.id;
    const notLocal = await admin.request('PUT', `/api/users/${kimId}/break-glass`, { breakGlass: true });
    expect(notLocal.status).toBe(422);
    expect(notLocal.body.error.details).toMatchObject({ ruleCode: 'x4_break_glass', reason: 'not_eligible' });

    const sentAway = await new HttpClient(t.url).login(other.username);
    expect(sentAway.status).toBe(401);
    expect(sentAway.body.error.details).toMatchObject({
      ruleCode: 'x4_directory_sign_in',
      reason: 'directory_in_use',
    });
    expect((await new HttpClient(t.url).get('/api/auth/methods')).body).toEqual({
      password: 'break_glass',
      ldap: true,
      oidc: null,
    });

    await slapd.stop();
    try {
      const down = await new HttpClient(t.url).login(kim, 'kim-directory-pw');
      expect(down.status).toBe(503);
      expect(down.body.error).toMatchObject({
        code: 'unavailable',
        details: { ruleCode: 'x4_directory_sign_in', reason: 'directory_unavailable' },
      });
      // The re-check cannot reach it either: it disables nobody.
      expect((await admin.post('/api/directory/recheck')).status).toBe(503);
      expect((await users()).find((u) => u.username === kim)!.disabled).toBe(0);

      const breakGlass = await new HttpClient(t.url).login(secadmin.username);
      expect(breakGlass.status).toBe(200);
      const events = (await audit(t)).filter((e) => e.action === 'identity.break_glass_sign_in');
      // Her first sign-in (in start()) and this one: each is on the record.
      expect(events).toHaveLength(2);
      expect(events[1]).toMatchObject({
        entityId: secadmin.id,
        details: expect.objectContaining({ rule: RULES.x4_break_glass }),
      });
      const notices = await t.database.db.kysely
        .selectFrom('notifications')
        .select(['user_id', 'kind'])
        .where('kind', '=', 'security_alert')
        .execute();
      expect(notices.map((n) => n.user_id).sort()).toEqual([secadmin.id, secadmin.id, auditor.id].sort());

      // With two-step verification on, the alarm goes off when the second step opens the session.
      const phone = new HttpClient(t.url);
      await phone.login(secadmin.username);
      const { secret } = await enrolSecondFactor(t, phone);
      nextTotpStep(t);
      const pending = new HttpClient(t.url);
      expect((await pending.login(secadmin.username)).status).toBe(202);
      const before = (await audit(t)).filter((e) => e.action === 'identity.break_glass_sign_in').length;
      expect((await pending.post('/api/auth/second-factor', { code: totpCode(t, secret) })).status).toBe(200);
      expect((await audit(t)).filter((e) => e.action === 'identity.break_glass_sign_in')).toHaveLength(
        before + 1,
      );
    } finally {
      await slapd.start();
    }
  });

  it('X-4 a fresh installation with a directory: the first administrator from the setup link is the break-glass account and keeps signing in locally; a second one is not', async () => {
    t = await startTestApp(dialect, slapd.env());
    const firstLink = await firstRunSetupLink(t.app.identity, systemContext());
    const setup = await new HttpClient(t.url).post('/api/setup', {
      token: new URL(firstLink!.url).searchParams.get('token'),
      username: 'first.admin',
      displayName: '安全管理员',
      password: TEST_PASSWORD,
    });
    expect(setup.status).toBe(200);
    expect(setup.body.user).toMatchObject({ breakGlass: true, source: 'local' });
    // A new sign-in with the local password opens, loudly.
    expect((await new HttpClient(t.url).login('first.admin')).status).toBe(200);
    const events = await audit(t);
    expect(events.find((e) => e.action === 'identity.setup')?.details).toMatchObject({
      breakGlass: true,
      rule: RULES.x4_break_glass,
    });
    expect(events.filter((e) => e.action === 'identity.break_glass_sign_in')).toHaveLength(1);

    // An administrator made from a later link while a break-glass account exists is not one.
    const second = await issueSetupLink(t.app.identity, systemContext(), 'system_administrator');
    const made = await new HttpClient(t.url).post('/api/setup', {
      token: second.token,
      username: 'second.admin',
      displayName: '系统管理员',
      password: TEST_PASSWORD,
    });
    expect(made.body.user.breakGlass).toBe(false);
    expect((await new HttpClient(t.url).login('second.admin')).body.error.details).toMatchObject({
      reason: 'directory_in_use',
    });
  });

  it('X-4 the directory is trusted only through its CA: a certificate the configured CA did not sign is refused (503), nothing signs in; StartTLS works like LDAPS', async () => {
    await start({ LDAP_CA_FILE: slapd.otherCaFile });
    const lee = unique('lee');
    await slapd.addPerson({ uid: lee, name: 'Lee', password: 'lee-directory-pw' });
    const refused = await new HttpClient(t.url).login(lee, 'lee-directory-pw');
    expect(refused.status).toBe(503);
    await t.close();

    await start({ LDAP_URL: slapd.plainUrl, LDAP_START_TLS: 'true' });
    const team = unique('team');
    await slapd.addGroup(team, [lee]);
    await map(team, 'business_representative');
    expect((await new HttpClient(t.url).login(lee, 'lee-directory-pw')).status).toBe(200);
  });

  it('X-4 twenty first sign-ins of one person at once, over two server nodes: every caller is signed in, to one account', async () => {
    const secadmin = await start();
    // The server process runs on the real clock: the test's app stands at the same moment.
    t.clock.set(new Date());
    expect((await admin.login(secadmin)).status).toBe(200);
    const nan = unique('nan');
    await slapd.addPerson({ uid: nan, name: 'Nan', password: 'nan-directory-pw' });
    const team = unique('team');
    await slapd.addGroup(team, [nan]);
    await map(team, 'operations_engineer');
    const other = await spawnServer({
      ...t.database.env,
      ...slapd.env({ DIRECTORY_LOCAL_SIGN_IN: 'all' }),
      JOBS_ENABLED: 'false',
    });
    try {
      const nodes = [t.url, other.url];
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => new HttpClient(nodes[i % 2]).login(nan, 'nan-directory-pw')),
      );
      expect(
        replies.map((r) => r.status),
        JSON.stringify(replies.find((r) => r.status !== 200)?.body),
      ).toEqual(Array(20).fill(200));
      const accounts = (await users()).filter((u) => u.username === nan);
      expect(accounts).toHaveLength(1);
      expect(new Set(replies.map((r) => r.body.user.id))).toEqual(new Set([accounts[0].id]));
      const created = (await audit(t)).filter(
        (e) => e.action === 'user.create' && e.entityId === accounts[0].id,
      );
      expect(created).toHaveLength(1);
    } finally {
      await stopServer(other);
    }
  });

  it('X-4 a directory user with two-step verification still gives the second step after the directory password', async () => {
    await start();
    const mei = unique('mei');
    await slapd.addPerson({ uid: mei, name: 'Mei', password: 'mei-directory-pw' });
    const team = unique('team');
    await slapd.addGroup(team, [mei]);
    await map(team, 'operations_engineer');
    const http = new HttpClient(t.url);
    await http.login(mei, 'mei-directory-pw');
    const { secret } = await enrolSecondFactor(t, http);
    const again = new HttpClient(t.url);
    const first = await again.login(mei, 'mei-directory-pw');
    expect(first.status).toBe(202);
    nextTotpStep(t);
    const second = await again.post('/api/auth/second-factor', { code: totpCode(t, secret) });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.user).toMatchObject({ username: mei, source: 'ldap' });
  });
});
