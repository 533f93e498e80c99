import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { GROUPS, groupDn, personDn, startSlapd, type Slapd } from '../../test/slapd';
import { enrolSecondFactor, nextTotpStep, totpCode } from '../../test/second-factor';
import { loadConfig } from '../../config';
import { systemContext } from '../../context';
import { recheckDirectory } from './directory.recheck';
import { recheckLdapUsers } from './ldap.service';
import { safeReturnTo } from './oidc.service';

/**
 * Attacks on the enterprise identity controls of issue #15 (X-4, RO-1, RO-3), against the real
 * OpenLDAP the neighbouring tests use. A test that fails here is a hole; one that passes
 * documents a control that held under the attack.
 */
let slapd: Slapd;
beforeAll(async () => {
  slapd = await startSlapd();
});
afterAll(async () => {
  await slapd?.close();
});

let serial = 0;
const unique = (name: string) => `atk${name}${++serial}`;

describe.each(DIALECTS)('X-4 RO-1 RO-3 attacks on enterprise identity on %s', (dialect) => {
  let t: TestApp;
  let admin: HttpClient;
  let secadminId: string;
  afterEach(async () => {
    await t?.close();
  });

  const start = async (env: Record<string, string> = {}) => {
    t = await startTestApp(dialect, slapd.env({ DIRECTORY_LOCAL_SIGN_IN: 'all', ...env }));
    const secadmin = unique('secadmin');
    secadminId = (await t.seedUser(secadmin, ['security_administrator'])).id;
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
  };
  /** A directory person in a group mapped to `role`, signed in once. */
  const person = async (role = 'operations_engineer') => {
    const uid = unique('p');
    await slapd.addPerson({ uid, name: uid, password: `${uid}-directory-pw` });
    const team = unique('team');
    await slapd.addGroup(team, [uid]);
    await map(team, role);
    const http = new HttpClient(t.url);
    const reply = await http.login(uid, `${uid}-directory-pw`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return { uid, password: `${uid}-directory-pw`, http, id: reply.body.user.id as string };
  };
  /** The re-check run as a node restarted with this LDAP configuration would run it; its outcome or error. */
  const recheckAfterRestart = async (ldapEnv: Record<string, string>): Promise<unknown> => {
    const settings = loadConfig({ ...t.database.env, ...slapd.env(ldapEnv) });
    try {
      return await recheckDirectory({ ...t.app.identity, settings }, systemContext('test'), [
        recheckLdapUsers,
      ]);
    } catch (error) {
      return error;
    }
  };
  const userRow = (id: string) =>
    t.database.db.kysely.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('X-4 a locked directory account stays locked whatever spelling of the user name is typed (case, full-width look-alikes)', async () => {
    await start({ LOCKOUT_THRESHOLD: '3' });
    const p = await person();
    for (let i = 0; i < 3; i++) await new HttpClient(t.url).login(p.uid, 'wrong');
    expect((await userRow(p.id)).locked_until).not.toBeNull();
    expect((await new HttpClient(t.url).login(p.uid, p.password)).status).toBe(401);

    // The directory matches uid without regard to case (and folds full-width forms); the lock is
    // looked up by the typed name, exactly. Every variant must meet the lock too.
    const fullWidth = [...p.uid].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    const variants = [p.uid.toUpperCase(), p.uid[0].toUpperCase() + p.uid.slice(1), fullWidth];
    const statuses: Record<string, number> = {};
    for (const v of variants) statuses[v] = (await new HttpClient(t.url).login(v, p.password)).status;
    expect(statuses).toEqual(Object.fromEntries(variants.map((v) => [v, 401])));
  });

  it('X-4 wrong directory passwords under another spelling of the name still count toward the lockout', async () => {
    await start({ LOCKOUT_THRESHOLD: '3' });
    const p = await person();
    for (let i = 0; i < 5; i++) await new HttpClient(t.url).login(p.uid.toUpperCase(), `wrong${i}`);
    const row = await userRow(p.id);
    // Five guesses against this account: it must be locked (or at least have counted them).
    expect(row.locked_until !== null || row.failed_attempts > 0).toBe(true);
  });

  it('X-4 a directory account cannot be opened with a local password, not even its "!ldap" marker', async () => {
    await start();
    const p = await person();
    for (const password of ['!ldap', '!', 'ldap', '']) {
      const reply = await new HttpClient(t.url).login(p.uid, password);
      expect(reply.status).not.toBe(200);
    }
    // The administrator cannot give it a local password either.
    const set = await admin.post(`/api/users/${p.id}/password`, { password: 'a brand new local password 9' });
    expect(set.status).toBe(422);
  });

  it('X-4 the re-check disables nobody when the directory answers with nobody: a user base that holds no people (a configuration typo) must not end every account', async () => {
    await start();
    const a = await person();
    const b = await person();
    // The operator restarts with LDAP_USER_BASE pointing at an OU that exists but holds no people
    // (or the service account lost read rights on it): every search now answers "no entry".
    const outcome = await recheckAfterRestart({ LDAP_USER_BASE: GROUPS });
    expect((await userRow(a.id)).disabled).toBe(0);
    expect((await userRow(b.id)).disabled).toBe(0);
    expect((await a.http.get('/api/auth/session')).status, JSON.stringify(outcome)).toBe(200);
  });

  it('X-4 the re-check disables nobody when the service account may not read the people (a person used as service account)', async () => {
    await start();
    const a = await person();
    const b = await person();
    const svc = unique('svc');
    await slapd.addPerson({ uid: svc, name: svc, password: 'svc-password' });
    const outcome = await recheckAfterRestart({
      LDAP_BIND_DN: personDn(svc),
      LDAP_BIND_PASSWORD: 'svc-password',
    });
    expect((await userRow(a.id)).disabled, JSON.stringify(outcome)).toBe(0);
    expect((await userRow(b.id)).disabled).toBe(0);
  });

  it('X-4 the re-check disables nobody when the directory is down (503), and a partial group answer does not end access', async () => {
    await start();
    const a = await person();
    await slapd.stop();
    try {
      expect((await admin.post('/api/directory/recheck')).status).toBe(503);
      expect((await userRow(a.id)).disabled).toBe(0);
      expect((await a.http.get('/api/auth/session')).status).toBe(200);
    } finally {
      await slapd.start();
    }
  });

  it('X-4 a pending second-factor challenge of a person removed from the directory opens no session after the re-check', async () => {
    await start();
    const p = await person();
    const { secret } = await enrolSecondFactor(t, p.http);
    const pending = new HttpClient(t.url);
    expect((await pending.login(p.uid, p.password)).status).toBe(202);
    await slapd.removePerson(p.uid);
    const recheck = await admin.post('/api/directory/recheck');
    expect(recheck.status, JSON.stringify(recheck.body)).toBe(200);
    nextTotpStep(t);
    const second = await pending.post('/api/auth/second-factor', { code: totpCode(t, secret) });
    expect(second.status).toBe(401);
    expect((await userRow(p.id)).disabled).toBe(1);
  });

  it('X-4 an API token does not come back to life when its disabled owner is enabled again', async () => {
    await start();
    const owner = await t.seedUser(unique('owner'), ['operations_engineer']);
    const http = new HttpClient(t.url);
    expect((await http.login(owner.username)).status).toBe(200);
    const token = await http.post('/api/tokens', {
      name: 'pipeline',
      scopes: ['release.read'],
      expiresInDays: 30,
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const bearer = new HttpClient(t.url);
    bearer.bearer = token.body.token;
    expect((await bearer.get('/api/releases')).status).toBe(200);

    expect((await admin.post(`/api/users/${owner.id}/disable`)).status).toBe(200);
    expect((await bearer.get('/api/releases')).status).toBe(401);
    expect((await http.get('/api/auth/session')).status).toBe(401);
    expect((await admin.post(`/api/users/${owner.id}/enable`)).status).toBe(200);
    // The session ended at the disable (revoked); the token must have ended with it.
    expect((await http.get('/api/auth/session')).status).toBe(401);
    expect((await bearer.get('/api/releases')).status).toBe(401);
  });

  it('X-4 the break-glass mark is not kept by an account that is no longer a local administrator', async () => {
    await start();
    const bg = await t.seedUser(unique('bg'), ['system_administrator']);
    expect((await admin.request('PUT', `/api/users/${bg.id}/break-glass`, { breakGlass: true })).status).toBe(
      200,
    );
    const demoted = await admin.patch(`/api/users/${bg.id}`, { roles: ['operations_manager'] });
    // Either the change is refused, or the mark goes with the administrator role.
    const row = await userRow(bg.id);
    expect(
      demoted.status !== 200 || row.break_glass === 0,
      `PATCH ${demoted.status}; break_glass=${row.break_glass}`,
    ).toBe(true);
  });

  it('X-4 break-glass can be set neither on a directory account nor on a service account', async () => {
    await start();
    const p = await person('operations_manager');
    const onDirectory = await admin.request('PUT', `/api/users/${p.id}/break-glass`, { breakGlass: true });
    expect(onDirectory.status).toBe(422);
    const svc = await admin.post('/api/users', {
      username: unique('svc'),
      displayName: 'pipeline',
      roles: ['system_administrator'],
      serviceAccount: true,
    });
    if (svc.status === 201) {
      const onService = await admin.request(
        'PUT',
        `/api/users/${svc.body.id ?? svc.body.user?.id}/break-glass`,
        {
          breakGlass: true,
        },
      );
      expect(onService.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('X-4 two break-glass accounts cannot be made by racing two requests', async () => {
    await start();
    for (let round = 0; round < 6; round++) {
      const a = await t.seedUser(unique('bga'), ['system_administrator']);
      const b = await t.seedUser(unique('bgb'), ['system_administrator']);
      await t.database.db.kysely.updateTable('users').set({ break_glass: 0 }).execute();
      const replies = await Promise.all(
        [a, b].map((u) => admin.request('PUT', `/api/users/${u.id}/break-glass`, { breakGlass: true })),
      );
      const marked = await t.database.db.kysely
        .selectFrom('users')
        .select('id')
        .where('break_glass', '=', 1)
        .execute();
      expect(marked.length, `round ${round}: ${replies.map((r) => r.status).join(',')}`).toBeLessThanOrEqual(
        1,
      );
    }
  });

  it('RO-3 a mapping that differs only by case and DN spacing cannot slip an excluding role past separation of duties', async () => {
    await start();
    const sys = unique('sys');
    await map(sys, 'system_administrator');
    const variant = `  ${groupDn(sys).toUpperCase().replace(/,/g, ',  ')}  `;
    const reply = await admin.post('/api/directory/mappings', {
      source: 'ldap',
      group: variant,
      role: 'auditor',
    });
    expect(reply.status).toBe(422);
  });

  it('RO-1 RO-3 a nested-group loop ends, and a person reaching conflicting roles through two nesting paths is refused', async () => {
    await start();
    const uid = unique('loop');
    await slapd.addPerson({ uid, name: uid, password: 'loop-directory-pw' });
    const [g1, g2, g3] = [unique('g1'), unique('g2'), unique('g3')];
    await slapd.addGroup(g1, [uid]);
    await slapd.addGroup(g2, [`group:${g1}`]);
    await slapd.addGroup(g3, [`group:${g2}`]);
    await slapd.addMember(g1, `group:${g3}`); // g1 ⊂ g2 ⊂ g3 ⊂ g1
    await map(g3, 'system_administrator');
    const ok = await new HttpClient(t.url).login(uid, 'loop-directory-pw');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.user.roles).toEqual(['system_administrator']);
    // g2 now also gives auditor: refused for the group (it reaches the same person).
    const viaLoop = await admin.post('/api/directory/mappings', {
      source: 'ldap',
      group: groupDn(g2),
      role: 'auditor',
    });
    expect(viaLoop.status).toBe(422);
  });

  it('RO-1 nothing of the directory administration is reachable without user.manage / user.read', async () => {
    await start();
    const p = await person('operations_manager');
    expect((await p.http.get('/api/directory/status')).status).toBe(403);
    expect((await p.http.get('/api/directory/mappings')).status).toBe(403);
    expect((await p.http.post('/api/directory/recheck')).status).toBe(403);
    expect((await p.http.request('PUT', `/api/users/${p.id}/break-glass`, { breakGlass: true })).status).toBe(
      403,
    );
    expect((await p.http.patch(`/api/users/${p.id}`, { roles: ['security_administrator'] })).status).toBe(
      403,
    );
    expect((await new HttpClient(t.url).post('/api/directory/recheck')).status).toBe(401);
    expect((await userRow(secadminId)).break_glass).toBe(0);
  });

  it('X-4 the OIDC return path never leaves the site', () => {
    const attacks = [
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'https://evil.example',
      '\\\\evil.example',
      '/%2F%2Fevil.example',
      '/ /evil.example',
      '/\u3000/evil.example',
      'javascript:alert(1)',
      '/login/../\\/evil.example',
    ];
    for (const a of attacks) {
      const back = safeReturnTo(a);
      expect(new URL(back, 'https://rg.example').host, `${JSON.stringify(a)} → ${back}`).toBe('rg.example');
      expect(back.startsWith('/') && !back.startsWith('//') && !/^\/[\\\t\n\r]/.test(back)).toBe(true);
    }
  });
});
