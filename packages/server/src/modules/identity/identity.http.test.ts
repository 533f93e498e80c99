import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliContext } from '../../cli/cli-context';
import { updateUser } from './user.service';
import { DIALECTS } from '../../test/databases';
import { enrolSecondFactor, totpCode } from '../../test/second-factor';
import { HttpClient, TEST_PASSWORD, startTestApp, type TestApp } from '../../test/test-app';
import { SIGN_IN_REFUSED, firstRunSetupLink } from './auth.service';
import { systemContext } from '../../context';

describe.each(DIALECTS)('identity over HTTP on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  const auditActions = async (): Promise<
    { action: string; outcome: string; actorName: string | null; details: any }[]
  > => {
    const rows = await t.database.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    return rows.map((r) => ({
      action: r.action,
      outcome: r.outcome,
      actorName: r.actor_name,
      details: r.details_json && JSON.parse(r.details_json),
    }));
  };

  it('X-4 first run: an empty database gives a one-time link that makes a signed-in security administrator', async () => {
    const link = await firstRunSetupLink(t.app.identity, systemContext());
    expect(link).not.toBeNull();
    const token = new URL(link!.url).searchParams.get('token')!;
    const browser = new HttpClient(t.url);

    expect((await browser.get(`/api/setup/status?token=${encodeURIComponent(token)}`)).body).toEqual({
      firstRun: true,
      tokenValid: true,
      role: 'security_administrator',
    });
    const weak = await browser.post('/api/setup', {
      token,
      username: 'sec',
      displayName: '安全管理员',
      password: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.fields.password[0]).toMatch(/12 characters/);

    const done = await browser.post('/api/setup', {
      token,
      username: 'sec',
      displayName: '安全管理员',
      password: TEST_PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.body.user.roles).toEqual(['security_administrator']);
    expect(browser.cookie('rg_session')).toBeTruthy();
    const session = await browser.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.username).toBe('sec');
    expect(session.body.user.permissions).toContain('user.manage');

    // The link is one-time, and no further first-run link is offered once a user exists.
    const again = await new HttpClient(t.url).post('/api/setup', {
      token,
      username: 'sec2',
      displayName: 'x',
      password: TEST_PASSWORD,
    });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('policy_violation');
    expect(await firstRunSetupLink(t.app.identity, systemContext())).toBeNull();
    expect((await auditActions()).map((e) => e.action)).toContain('identity.setup');
  });

  it('X-4 lockout: five wrong passwords lock the account for 15 minutes, even against the right password, with the answer of a wrong password', async () => {
    const alice = await t.seedUser('alice', ['operations_engineer']);
    const browser = new HttpClient(t.url);
    for (let i = 1; i <= 5; i++) {
      const r = await browser.login('alice', 'wrong password 123');
      expect(r.status).toBe(401);
      expect(r.body.error.message).toBe(SIGN_IN_REFUSED);
    }
    const stored = await t.database.db.kysely
      .selectFrom('users')
      .select('locked_until')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    expect(stored.locked_until).toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());

    expect((await browser.login('alice')).status).toBe(401);
    t.clock.advanceMinutes(14);
    expect((await browser.login('alice')).status).toBe(401);
    t.clock.advanceMinutes(1);
    expect((await browser.login('alice')).status).toBe(200);

    const failures = (await auditActions()).filter(
      (e) => e.action === 'identity.login' && e.outcome === 'denied',
    );
    expect(failures).toHaveLength(7);
    expect(failures.every((e) => e.outcome === 'denied' && e.actorName === 'alice')).toBe(true);
    expect(failures[4].details).toMatchObject({ reason: 'bad_password', locked: true });
    expect(failures[5].details).toMatchObject({ reason: 'locked' });
  });

  it('X-4 an unknown user name gets the same answer as a wrong password, and is audited', async () => {
    const r = await new HttpClient(t.url).login('nobody');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe(SIGN_IN_REFUSED);
    expect((await auditActions()).at(-1)).toMatchObject({
      action: 'identity.login',
      actorName: 'nobody',
      details: { reason: 'unknown_user' },
    });
  });

  it('X-4 idle timeout: a session unused for 30 minutes ends; use keeps it alive', async () => {
    await t.seedUser('bob', ['auditor']);
    const browser = new HttpClient(t.url);
    expect((await browser.login('bob')).status).toBe(200);
    t.clock.advanceMinutes(29);
    expect((await browser.get('/api/auth/session')).status).toBe(200);
    t.clock.advanceMinutes(29);
    expect((await browser.get('/api/auth/session')).status).toBe(200);
    t.clock.advanceMinutes(30);
    const expired = await browser.get('/api/auth/session');
    expect(expired.status).toBe(401);
    expect(expired.body.error.details.reason).toBe('idle_timeout');
    // And it stays ended: moving on does not revive it.
    expect((await browser.get('/api/auth/session')).body.error.details.reason).toBe('revoked');
  });

  it('X-4 absolute timeout: a session ends after 12 hours however busy it is', async () => {
    await t.seedUser('carol', ['auditor']);
    const browser = new HttpClient(t.url);
    await browser.login('carol');
    for (let i = 0; i < 23; i++) {
      t.clock.advanceMinutes(29);
      expect((await browser.get('/api/auth/session')).status).toBe(200);
    }
    t.clock.advanceMinutes(720 - 23 * 29);
    const r = await browser.get('/api/auth/session');
    expect(r.status).toBe(401);
    expect(r.body.error.details.reason).toBe('absolute_timeout');
  });

  it('X-4 CSRF: a cookie-authenticated change without the CSRF token is refused and audited', async () => {
    await t.seedUser('sec', ['security_administrator']);
    const browser = new HttpClient(t.url);
    await browser.login('sec');
    browser.sendCsrf = false;
    const r = await browser.post('/api/users', {
      username: 'eve',
      displayName: 'Eve',
      roles: ['auditor'],
      password: TEST_PASSWORD,
    });
    expect(r.status).toBe(403);
    expect(r.body.error.details.rule).toBe('csrf');
    const wrong = await browser.request(
      'POST',
      '/api/users',
      { username: 'eve', displayName: 'Eve', roles: ['auditor'], password: TEST_PASSWORD },
      { 'x-csrf-token': 'forged' },
    );
    expect(wrong.status).toBe(403);
    browser.sendCsrf = true;
    expect(
      (
        await browser.post('/api/users', {
          username: 'eve',
          displayName: 'Eve',
          roles: ['auditor'],
          password: TEST_PASSWORD,
        })
      ).status,
    ).toBe(201);
    const refusals = (await auditActions()).filter(
      (e) => e.action === 'user.create' && e.outcome === 'denied',
    );
    expect(refusals).toHaveLength(2);
    expect(refusals.every((e) => e.outcome === 'denied' && e.actorName === 'sec')).toBe(true);
  });

  it('X-4 an API token used outside its scope is refused; inside its scope it works; revoked it stops', async () => {
    const sec = await t.seedUser('sec', ['security_administrator']);
    const admin = new HttpClient(t.url);
    await admin.login('sec');
    const created = await admin.post('/api/tokens', {
      name: 'pipeline',
      scopes: ['user.read'],
      expiresInDays: 30,
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^rg_/);
    const listed = await admin.get('/api/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

    const pipeline = new HttpClient(t.url);
    pipeline.bearer = created.body.token;
    expect((await pipeline.get(`/api/users/${sec.id}`)).status).toBe(200);
    const outside = await pipeline.post('/api/users', {
      username: 'x1',
      displayName: 'x',
      roles: ['auditor'],
      password: TEST_PASSWORD,
    });
    expect(outside.status).toBe(403);
    expect(outside.body.error).toMatchObject({ code: 'forbidden', details: { permission: 'user.manage' } });

    // Scopes beyond the owner's permissions cannot be granted.
    const tooWide = await admin.post('/api/tokens', {
      name: 'wide',
      scopes: ['audit.read'],
      expiresInDays: 30,
    });
    expect(tooWide.status).toBe(422);
    expect(tooWide.body.error.details.missing).toEqual(['audit.read']);

    expect((await admin.post(`/api/tokens/${created.body.id}/revoke`)).status).toBe(200);
    const revoked = await pipeline.get(`/api/users/${sec.id}`);
    expect(revoked.status).toBe(401);
  });

  it('X-4 an API token expires on its date', async () => {
    await t.seedUser('sec', ['security_administrator']);
    const admin = new HttpClient(t.url);
    await admin.login('sec');
    const created = await admin.post('/api/tokens', {
      name: 'short',
      scopes: ['user.read'],
      expiresInDays: 1,
    });
    const pipeline = new HttpClient(t.url);
    pipeline.bearer = created.body.token;
    expect((await pipeline.get('/api/users')).status).toBe(200);
    t.clock.advance(86_400_000);
    expect((await pipeline.get('/api/users')).status).toBe(401);
  });

  it("X-4 disabling a user revokes the user's sessions at once", async () => {
    await t.seedUser('sec', ['security_administrator']);
    const dave = await t.seedUser('dave', ['operations_engineer']);
    const admin = new HttpClient(t.url);
    await admin.login('sec');
    const daveBrowser = new HttpClient(t.url);
    await daveBrowser.login('dave');
    expect((await daveBrowser.get('/api/auth/session')).status).toBe(200);

    const disabled = await admin.post(`/api/users/${dave.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    const after = await daveBrowser.get('/api/auth/session');
    expect(after.status).toBe(401);
    expect(after.body.error.details.reason).toBe('revoked');
    expect((await daveBrowser.login('dave')).status).toBe(401);
  });

  it('X-4 changing the password ends every other session and keeps the changer signed in', async () => {
    await t.seedUser('erin', ['operations_manager']);
    const laptop = new HttpClient(t.url);
    const phone = new HttpClient(t.url);
    await laptop.login('erin');
    await phone.login('erin');
    const changed = await laptop.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(changed.status).toBe(200);
    expect((await laptop.get('/api/auth/session')).status).toBe(200);
    expect((await phone.get('/api/auth/session')).status).toBe(401);
    expect((await new HttpClient(t.url).login('erin', 'a brand new passphrase')).status).toBe(200);
  });

  it('RO-3 one user never holds two administrator roles; several business roles are fine', async () => {
    await t.seedUser('sec', ['security_administrator']);
    const admin = new HttpClient(t.url);
    await admin.login('sec');
    const both = await admin.post('/api/users', {
      username: 'frank',
      displayName: 'Frank',
      roles: ['security_administrator', 'auditor'],
      password: TEST_PASSWORD,
    });
    expect(both.status).toBe(422);
    expect(both.body.error.code).toBe('policy_violation');
    expect(both.body.error.details.conflictingRoles).toEqual(['security_administrator', 'auditor']);
    const business = await admin.post('/api/users', {
      username: 'grace',
      displayName: 'Grace',
      roles: ['operations_manager', 'cab_member', 'operations_engineer'],
      password: TEST_PASSWORD,
    });
    expect(business.status).toBe(201);
    const upgrade = await admin.patch(`/api/users/${business.body.id}`, {
      roles: ['system_administrator', 'auditor'],
    });
    expect(upgrade.status).toBe(422);
    // The refusal is on the audit trail with who tried.
    const refusal = (await auditActions()).filter(
      (e) => e.outcome === 'denied' && e.action === 'user.create',
    );
    expect(refusal).toHaveLength(1);
    expect(refusal[0].details.code).toBe('policy_violation');
  });

  it('RO-3 X-4 permissions come from roles: an operations engineer cannot manage users or read the audit log', async () => {
    await t.seedUser('ivan', ['operations_engineer']);
    const browser = new HttpClient(t.url);
    await browser.login('ivan');
    const r = await browser.get('/api/audit/events');
    expect(r.status).toBe(403);
    expect(r.body.error.details.permission).toBe('audit.read');
    expect(
      (
        await browser.post('/api/users', {
          username: 'zed',
          displayName: 'z',
          roles: ['auditor'],
          password: TEST_PASSWORD,
        })
      ).status,
    ).toBe(403);
    const denied = (await auditActions()).filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.action)).toEqual(['audit.read', 'user.create']);
  });

  it('X-4 the last enabled security administrator cannot be disabled or demoted', async () => {
    const sec = await t.seedUser('sec', ['security_administrator']);
    const admin = new HttpClient(t.url);
    await admin.login('sec');
    const demote = await admin.patch(`/api/users/${sec.id}`, { roles: ['operations_manager'] });
    expect(demote.status).toBe(403);
    expect(demote.body.error.details.rule).toBe('RO-3 no self-granted roles');
    // The command line acts for nobody in particular: the last one is still kept.
    await expect(
      updateUser(t.app.identity, cliContext(), sec.id, { roles: ['auditor'] }),
    ).rejects.toMatchObject({
      details: { rule: 'last security administrator' },
    });
  });

  it('X-4 logout revokes the session', async () => {
    await t.seedUser('judy', ['auditor']);
    const browser = new HttpClient(t.url);
    await browser.login('judy');
    const cookie = browser.cookie('rg_session')!;
    expect((await browser.post('/api/auth/logout')).status).toBe(204);
    const replay = await fetch(`${t.url}/api/auth/session`, { headers: { cookie: `rg_session=${cookie}` } });
    expect(replay.status).toBe(401);
  });
});

describe.each(DIALECTS)('strict password profile on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { PASSWORD_PROFILE: 'strict', PASSWORD_MAX_AGE_DAYS: '90' });
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-4 MLPS strict profile: composition rules, no reuse, rotation after the maximum age', async () => {
    const sec = await t.seedUser('sec', ['security_administrator'], 'Str0ng!Passphrase');
    const admin = new HttpClient(t.url);
    await admin.login('sec', 'Str0ng!Passphrase');
    // under the strict profile an administrator enrols a second factor before anything else.
    const { secret } = await enrolSecondFactor(t, admin);
    const weak = await admin.post('/api/users', {
      username: 'kim',
      displayName: 'Kim',
      roles: ['auditor'],
      password: 'alllowercaseletters',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.fields.password.join(' ')).toMatch(/three of/);

    const reuse = await admin.post('/api/auth/password', {
      currentPassword: 'Str0ng!Passphrase',
      newPassword: 'Str0ng!Passphrase',
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.message).toMatch(/last 5 passwords/);

    t.clock.advance(91 * 86_400_000);
    const fresh = new HttpClient(t.url);
    expect((await fresh.login('sec', 'Str0ng!Passphrase')).status).toBe(202);
    const signedIn = await fresh.post('/api/auth/second-factor', { code: totpCode(t, secret) });
    expect(signedIn.body.passwordExpired).toBe(true);
    const blocked = await fresh.get(`/api/users/${sec.id}`);
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.details.reason).toBe('password_expired');
    // What the sign-in page reads is the same for everyone, a session waiting on its password too.
    expect((await fresh.get('/api/auth/methods')).status).toBe(200);
    expect(
      (
        await fresh.post('/api/auth/password', {
          currentPassword: 'Str0ng!Passphrase',
          newPassword: 'N3w&Better-Phrase',
        })
      ).status,
    ).toBe(200);
    expect((await fresh.get(`/api/users/${sec.id}`)).status).toBe(200);
  });
});
