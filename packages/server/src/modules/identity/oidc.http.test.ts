import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '@releasegate/messages';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import {
  OTHER_CLIENT_ID,
  RedirectBrowser,
  TEST_CLIENT_ID,
  startTestProvider,
  type TestAccount,
  type TestProvider,
} from '../../test/oidc-provider';
import { enrolSecondFactor, totpCode } from '../../test/second-factor';

/** Where the provider sends the browser back; the test maps it onto the test server's address. */
const PUBLIC_URL = 'http://releasegate.test';
const CALLBACK = `${PUBLIC_URL}/api/auth/oidc/callback`;

const ACCOUNTS: TestAccount[] = [
  {
    sub: 'u-1001',
    username: 'li.lei',
    password: 'idp-password-1',
    name: '李雷',
    email: 'li.lei@example.com',
    groups: ['release-engineers', 'staff'],
  },
  {
    sub: 'u-1002',
    username: 'han.meimei',
    password: 'idp-password-2',
    name: '韩梅梅',
    email: 'han.meimei@example.com',
    groups: ['sysadmins', 'auditors'],
  },
  {
    sub: 'u-1003',
    username: 'wang.wu',
    password: 'idp-password-3',
    name: '王五',
    email: 'wang.wu@example.com',
    groups: ['staff'],
  },
  {
    sub: 'u-1004',
    username: 'zhao.liu',
    password: 'idp-password-4',
    name: '赵六',
    email: 'zhao.liu@example.com',
    groups: ['ops-managers'],
    mfa: true,
  },
  {
    sub: 'u-1005',
    username: 'sun.qi',
    password: 'idp-password-5',
    name: '孙七',
    email: 'sun.qi@example.com',
    groups: ['release-engineers'],
  },
];
const account = (username: string) => ACCOUNTS.find((a) => a.username === username)!;

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider({
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [`${PUBLIC_URL}/login`],
    accounts: ACCOUNTS,
  });
});
afterAll(async () => {
  await idp?.close();
});

const auditEvents = async (t: TestApp) =>
  (
    await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['seq', 'action', 'outcome', 'actor_name', 'details_json'])
      .orderBy('seq')
      .execute()
  ).map((e) => ({
    seq: Number(e.seq),
    action: e.action,
    outcome: e.outcome,
    actor: e.actor_name,
    details: e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : {},
  }));

/** The audit events written since `seq`. */
const since = async (t: TestApp, seq: number) => (await auditEvents(t)).filter((e) => e.seq > seq);
const lastSeq = async (t: TestApp) => (await auditEvents(t)).at(-1)?.seq ?? 0;

describe.each(DIALECTS)('X-4 / RO-1 / RO-3 OpenID Connect sign-in on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  /** ReleaseGate pointed at the provider, with the security administrator's group mappings. */
  const start = async (env: Record<string, string> = {}) => {
    t = await startTestApp(dialect, {
      ...idp.env,
      PUBLIC_URL,
      // The security administrator below signs in with a password to keep the mapping.
      DIRECTORY_LOCAL_SIGN_IN: 'all',
      ...env,
    });
    await t.seedUser('sec.admin', ['security_administrator']);
    const admin = new HttpClient(t.url);
    expect((await admin.login('sec.admin')).status).toBe(200);
    for (const [group, role] of [
      ['release-engineers', 'operations_engineer'],
      ['sysadmins', 'system_administrator'],
      ['auditors', 'auditor'],
      ['ops-managers', 'operations_manager'],
    ] as const) {
      const added = await admin.post('/api/directory/mappings', { source: 'oidc', group, role });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
    }
    return admin;
  };

  /** ReleaseGate's address for a URL the provider sent the browser to (PUBLIC_URL → test server). */
  const local = (url: string) => {
    const u = new URL(url);
    return `${t.url}${u.pathname}${u.search}`;
  };

  /** The first leg: the redirect to the provider, and the authorization request's parameters. */
  const begin = async (browser: RedirectBrowser, next?: string) => {
    const started = await browser.request(
      `${t.url}/api/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ''}`,
    );
    expect(started.status).toBe(302);
    const authorize = new URL(started.location!);
    expect(authorize.origin).toBe(idp.issuer);
    return authorize;
  };

  /** At the provider: its login page, then its form posted; returns the callback URL it sends back to. */
  const atProvider = async (browser: RedirectBrowser, authorize: URL, who: TestAccount) => {
    const page = await browser.follow(authorize.toString());
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="idp-username"');
    const uid = /action="\/interaction\/([^/"]+)\/login"/.exec(page.body)![1];
    const back = await browser.follow(
      `${idp.issuer}/interaction/${uid}/login`,
      (url) => url.origin === PUBLIC_URL,
      { method: 'POST', form: { username: who.username, password: who.password } },
    );
    expect(back.location).toMatch(new RegExp(`^${CALLBACK}\\?`));
    return new URL(back.location!);
  };

  /** The whole dance; the callback's answer (a redirect) and the callback URL. */
  const signIn = async (browser: RedirectBrowser, who: TestAccount, next?: string) => {
    const authorize = await begin(browser, next);
    const callback = await atProvider(browser, authorize, who);
    const answer = await browser.request(local(callback.toString()));
    expect(answer.status).toBe(302);
    return { answer, callback, authorize };
  };

  /** A signed-in API client carrying the browser's ReleaseGate cookies. */
  const apiClientOf = (browser: RedirectBrowser) => {
    const client = new HttpClient(t.url);
    for (const [name, value] of browser.cookies(t.url)) client.setCookie(name, value);
    return client;
  };

  const refusedWith = (location: string | null) => {
    const u = new URL(location!, t.url);
    expect(u.pathname).toBe('/login');
    return { error: u.searchParams.get('error'), groups: u.searchParams.get('groups') };
  };

  /** X-4: a refusal writes exactly one audit event: identity.login denied, with its reason. */
  const expectOnlyRefusal = async (from: number, reason: string) => {
    const events = await since(t, from);
    expect(events.map((e) => `${e.action} ${e.outcome} ${String(e.details.reason)}`)).toEqual([
      `identity.login denied ${reason}`,
    ]);
    return events[0];
  };

  it('X-4 / RO-1 sign-in with PKCE (S256), state and nonce creates the account with the roles its groups map to, and lands where it started', async () => {
    await start();
    const browser = new RedirectBrowser();
    const authorize = await begin(browser, '/tasks');
    expect(authorize.searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);
    // The browser keeps the state; the server keeps only its hash, the nonce and the sealed verifier.
    expect(browser.cookies(t.url).get('rg_oidc')).toBe(authorize.searchParams.get('state'));
    const kept = await t.database.db.kysely.selectFrom('oidc_authorizations').selectAll().execute();
    expect(kept).toHaveLength(1);
    expect(kept[0].state_hash).not.toBe(authorize.searchParams.get('state'));
    expect(kept[0].code_verifier).toMatch(/^enc:v1:/);

    const from = await lastSeq(t);
    const callback = await atProvider(browser, authorize, account('li.lei'));
    const answer = await browser.request(local(callback.toString()));
    expect(answer.status).toBe(302);
    expect(new URL(answer.location!).pathname).toBe('/tasks');
    expect(browser.cookies(t.url).has('rg_oidc')).toBe(false);

    const session = await apiClientOf(browser).get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({
      username: 'li.lei',
      displayName: '李雷',
      email: 'li.lei@example.com',
      roles: ['operations_engineer'],
    });
    const events = await since(t, from);
    expect(events.map((e) => `${e.action} ${e.outcome}`)).toEqual([
      'user.create success',
      'identity.login success',
    ]);
    expect(events[1].details).toMatchObject({ source: 'oidc', groups: ['release-engineers', 'staff'] });
    const user = await t.database.db.kysely
      .selectFrom('users')
      .select(['source', 'external_id'])
      .where('username', '=', 'li.lei')
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ source: 'oidc', external_id: `${idp.issuer}|u-1001` });

    // A second sign-in finds the same account by issuer and subject.
    const again = await signIn(new RedirectBrowser(), account('li.lei'));
    expect(new URL(again.answer.location!).pathname).toBe('/');
    expect(await t.database.db.kysely.selectFrom('users').select('id').execute()).toHaveLength(2);
  });

  it("X-4 / RO-1 the re-check spends each account's refresh token: new groups give new roles; a person the provider no longer knows loses sessions and API tokens; no refresh token, unchecked", async () => {
    const admin = await start();
    const sunQi = account('sun.qi');
    const browser = new RedirectBrowser();
    await signIn(browser, sunQi);
    const api = apiClientOf(browser);
    const token = await api.post('/api/tokens', {
      name: 'scripts',
      scopes: ['release.read'],
      expiresInDays: 30,
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const bearer = new HttpClient(t.url);
    bearer.bearer = token.body.token;
    const stored = await t.database.db.kysely
      .selectFrom('users')
      .select(['id', 'directory_refresh_token'])
      .where('username', '=', 'sun.qi')
      .executeTakeFirstOrThrow();
    expect(stored.directory_refresh_token).toMatch(/^enc:v1:/);
    await signIn(new RedirectBrowser(), account('li.lei'));
    await t.database.db.kysely
      .updateTable('users')
      .set({ directory_refresh_token: null })
      .where('username', '=', 'li.lei')
      .execute();

    const index = idp.accounts.indexOf(sunQi);
    try {
      // Moved into another group at the provider: the re-check gives the role it maps to.
      sunQi.groups = ['release-engineers', 'ops-managers'];
      const first = await admin.post('/api/directory/recheck');
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toEqual({
        checked: 1,
        disabled: [],
        rolesChanged: ['sun.qi'],
        unchecked: ['li.lei'],
      });
      expect((await api.get('/api/auth/session')).body.user.roles).toEqual([
        'operations_engineer',
        'operations_manager',
      ]);

      // Gone from the provider: its refresh token is refused, and the account ends here.
      idp.accounts.splice(index, 1);
      const second = await admin.post('/api/directory/recheck');
      expect(second.body).toMatchObject({ disabled: ['sun.qi'] });
      expect((await api.get('/api/auth/session')).status).toBe(401);
      expect((await bearer.get('/api/releases')).status).toBe(401);
      const ended = (await auditEvents(t)).filter((e) => e.action === 'identity.directory_recheck');
      expect(ended.at(-1)?.details).toMatchObject({
        reason: 'provider_refused',
        source: 'oidc',
        sessionsRevoked: 1,
        tokensRevoked: 1,
      });
    } finally {
      if (!idp.accounts.includes(sunQi)) idp.accounts.splice(index, 0, sunQi);
      sunQi.groups = ['release-engineers'];
    }
  });

  it('X-4 what the provider says is input: too many groups, a NUL in a group name or a user name too long is refused with identity_invalid, nothing but the audit event written', async () => {
    await start();
    const sunQi = account('sun.qi');
    const cases: [string, () => void][] = [
      ['too many groups', () => (sunQi.groups = Array.from({ length: 1001 }, (_, i) => `g${i}`))],
      ['a NUL', () => (sunQi.groups = ['release-engineers', 'ops\u0000managers'])],
      ['a long user name', () => (sunQi.username = `sun.qi.${'x'.repeat(70)}`)],
    ];
    try {
      for (const [what, change] of cases) {
        change();
        const usersBefore = (await t.database.db.kysely.selectFrom('users').select('id').execute()).length;
        const from = await lastSeq(t);
        const { answer } = await signIn(new RedirectBrowser(), sunQi);
        expect(refusedWith(answer.location).error, what).toBe('identity_invalid');
        await expectOnlyRefusal(from, 'identity_invalid');
        expect((await t.database.db.kysely.selectFrom('users').select('id').execute()).length).toBe(
          usersBefore,
        );
        sunQi.groups = ['release-engineers'];
        sunQi.username = 'sun.qi';
      }
    } finally {
      sunQi.groups = ['release-engineers'];
      sunQi.username = 'sun.qi';
    }
  });

  it('X-4 logout from an OIDC session answers the provider end-session URL (id_token_hint, back to /login); a password session just ends', async () => {
    const admin = await start();
    const browser = new RedirectBrowser();
    await signIn(browser, account('li.lei'));
    const api = apiClientOf(browser);
    const idToken = await t.database.db.kysely
      .selectFrom('sessions')
      .select('oidc_id_token')
      .where('revoked_at', 'is', null)
      .where('oidc_id_token', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(idToken.oidc_id_token).toMatch(/^enc:v1:/);
    const out = await api.post('/api/auth/logout');
    expect(out.status).toBe(200);
    const end = new URL(out.body.endSessionUrl as string);
    expect(`${end.origin}${end.pathname}`).toBe(`${idp.issuer}/session/end`);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/login`);
    expect(end.searchParams.get('id_token_hint')!.split('.')).toHaveLength(3);
    expect(end.searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
    expect((await api.get('/api/auth/session')).status).toBe(401);
    // The provider takes it: its logout confirmation page answers.
    expect((await browser.request(end.toString())).status).toBe(200);

    expect((await admin.post('/api/auth/logout')).status).toBe(204);
  });

  it('X-4 a bad state is refused: another value, none, or no state cookie (login CSRF); each refusal audited once', async () => {
    await start();
    const browser = new RedirectBrowser();
    const authorize = await begin(browser);
    const callback = await atProvider(browser, authorize, account('li.lei'));

    const from = await lastSeq(t);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'x'.repeat(43));
    const bad = await browser.request(local(tampered.toString()));
    expect(refusedWith(bad.location).error).toBe('state_mismatch');
    await expectOnlyRefusal(from, 'state_mismatch');

    // The same callback from a browser that never started this sign-in (no state cookie).
    const other = new RedirectBrowser();
    const from2 = await lastSeq(t);
    const stranger = await other.request(local(callback.toString()));
    expect(refusedWith(stranger.location).error).toBe('state_mismatch');
    const refusal = await expectOnlyRefusal(from2, 'state_mismatch');
    expect(refusal.details).toMatchObject({
      source: 'oidc',
      cookieGiven: false,
      rule: RULES.x4_oidc_sign_in,
    });
    expect(other.cookies(t.url).has('rg_session')).toBe(false);
    expect(await t.database.db.kysely.selectFrom('users').select('id').execute()).toHaveLength(1);
  });

  it('X-4 a replayed code is refused: the same callback again, and the code with a new state', async () => {
    await start();
    const browser = new RedirectBrowser();
    const authorize = await begin(browser);
    const state = authorize.searchParams.get('state')!;
    const callback = await atProvider(browser, authorize, account('li.lei'));
    const first = await browser.request(local(callback.toString()));
    expect(new URL(first.location!).pathname).toBe('/');

    // An attacker with the browser's state cookie and the callback URL replays it.
    const replay = new RedirectBrowser();
    replay.cookies(t.url).set('rg_oidc', state);
    const from = await lastSeq(t);
    const again = await replay.request(local(callback.toString()));
    expect(refusedWith(again.location).error).toBe('state_used');
    await expectOnlyRefusal(from, 'state_used');

    // The code with a fresh sign-in's state: the provider refuses the used code (and the verifier).
    const fresh = new RedirectBrowser();
    const next = await begin(fresh);
    const spliced = new URL(callback);
    spliced.searchParams.set('state', next.searchParams.get('state')!);
    const from2 = await lastSeq(t);
    const refused = await fresh.request(local(spliced.toString()));
    expect(refusedWith(refused.location).error).toBe('code_rejected');
    const event = await expectOnlyRefusal(from2, 'code_rejected');
    expect(String(event.details.error)).toContain('invalid_grant');
    expect(replay.cookies(t.url).has('rg_session')).toBe(false);
    expect(fresh.cookies(t.url).has('rg_session')).toBe(false);
  });

  it('X-4 an ID token for another nonce is refused, and a code issued to another client is refused', async () => {
    await start();
    // ReleaseGate's sign-in started; the authorization request is then made with another nonce
    // (as an attacker injecting a token minted for another sign-in would).
    const browser = new RedirectBrowser();
    const authorize = await begin(browser);
    const wrongNonce = new URL(authorize);
    wrongNonce.searchParams.set('nonce', 'n'.repeat(43));
    const callback = await atProvider(browser, wrongNonce, account('li.lei'));
    const from = await lastSeq(t);
    const answer = await browser.request(local(callback.toString()));
    expect(refusedWith(answer.location).error).toBe('id_token_invalid');
    const event = await expectOnlyRefusal(from, 'id_token_invalid');
    expect(String(event.details.error)).toMatch(/nonce/);

    const other = new RedirectBrowser();
    const own = await begin(other);
    const otherClient = new URL(own);
    otherClient.searchParams.set('client_id', OTHER_CLIENT_ID);
    const back = await atProvider(other, otherClient, account('li.lei'));
    const from2 = await lastSeq(t);
    const refused = await other.request(local(back.toString()));
    expect(refusedWith(refused.location).error).toBe('code_rejected');
    await expectOnlyRefusal(from2, 'code_rejected');
    expect(await t.database.db.kysely.selectFrom('users').select('id').execute()).toHaveLength(1);
  });

  it('RO-3 groups that map to roles which exclude each other (system administrator and auditor) are refused, naming the groups', async () => {
    await start();
    const from = await lastSeq(t);
    const browser = new RedirectBrowser();
    const { answer } = await signIn(browser, account('han.meimei'));
    const refused = refusedWith(answer.location);
    expect(refused.error).toBe('groups_collide');
    expect(refused.groups).toBe('auditors, sysadmins');
    const event = await expectOnlyRefusal(from, 'groups_collide');
    expect(event.details).toMatchObject({
      source: 'oidc',
      collidingGroups: ['auditors', 'sysadmins'],
      externalId: `${idp.issuer}|u-1002`,
    });
    expect(event.actor).toBe('han.meimei');
    expect(browser.cookies(t.url).has('rg_session')).toBe(false);
    expect(await t.database.db.kysely.selectFrom('users').select('id').execute()).toHaveLength(1);
  });

  it('RO-1 no group mapped to a role: refused, nothing created', async () => {
    await start();
    const from = await lastSeq(t);
    const { answer } = await signIn(new RedirectBrowser(), account('wang.wu'));
    expect(refusedWith(answer.location).error).toBe('no_mapped_role');
    const event = await expectOnlyRefusal(from, 'no_mapped_role');
    expect(event.details).toMatchObject({ groups: ['staff'] });
    expect(await t.database.db.kysely.selectFrom('users').select('id').execute()).toHaveLength(1);
  });

  it('X-4 the provider is down: refused at the start with provider_unavailable, audited once', async () => {
    t = await startTestApp(dialect, {
      ...idp.env,
      OIDC_ISSUER: 'http://127.0.0.1:9/',
      PUBLIC_URL,
    });
    const from = await lastSeq(t);
    const answer = await new RedirectBrowser().request(`${t.url}/api/auth/oidc/start`);
    expect(answer.status).toBe(302);
    expect(refusedWith(answer.location).error).toBe('provider_unavailable');
    await expectOnlyRefusal(from, 'provider_unavailable');
  });

  it("X-4 the provider's MFA (amr) counts as the second step only when DIRECTORY_TRUST_PROVIDER_MFA=true", async () => {
    // zhao.liu's provider says amr ["pwd","otp"]. He enrols TOTP here after his first sign-in.
    await start({ DIRECTORY_TRUST_PROVIDER_MFA: 'true' });
    const first = new RedirectBrowser();
    await signIn(first, account('zhao.liu'));
    const api = apiClientOf(first);
    expect((await api.get('/api/auth/session')).body.user.roles).toEqual(['operations_manager']);
    await enrolSecondFactor(t, api);
    // Trusted: the provider's MFA replaces ReleaseGate's second step.
    const trusted = new RedirectBrowser();
    const { answer } = await signIn(trusted, account('zhao.liu'), '/releases');
    expect(new URL(answer.location!).pathname).toBe('/releases');
    const mfa = await t.database.db.kysely
      .selectFrom('sessions')
      .select(['provider_mfa'])
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    expect(mfa.some((s) => Number(s.provider_mfa) === 1)).toBe(true);

    // A provider that did not check a second factor (li.lei: amr ["pwd"]) vouches for nothing,
    // trusted or not: an enrolled user gets ReleaseGate's second step.
    const lei = new RedirectBrowser();
    await signIn(lei, account('li.lei'));
    await enrolSecondFactor(t, apiClientOf(lei));
    const unvouched = await signIn(new RedirectBrowser(), account('li.lei'));
    expect(new URL(unvouched.answer.location!).searchParams.get('step')).toBe('second-factor');
  });

  it("X-4 with the provider's MFA not trusted, a TOTP-enrolled user still gets the second step, and the session then keeps the ID token for logout", async () => {
    await start({ DIRECTORY_TRUST_PROVIDER_MFA: 'false' });
    const first = new RedirectBrowser();
    await signIn(first, account('zhao.liu'));
    const { secret } = await enrolSecondFactor(t, apiClientOf(first));
    t.clock.advance(30_000);

    const browser = new RedirectBrowser();
    const from = await lastSeq(t);
    const { answer } = await signIn(browser, account('zhao.liu'), '/tasks');
    const second = new URL(answer.location!, t.url);
    expect(second.pathname).toBe('/login');
    expect(second.searchParams.get('step')).toBe('second-factor');
    expect(second.searchParams.get('next')).toBe('/tasks');
    expect(browser.cookies(t.url).has('rg_session')).toBe(false);
    expect(browser.cookies(t.url).has('rg_2fa')).toBe(true);
    expect((await since(t, from)).map((e) => e.action)).toEqual(['identity.second_factor_request']);

    const api = apiClientOf(browser);
    const done = await api.post('/api/auth/second-factor', { code: totpCode(t, secret) });
    expect(done.status).toBe(200);
    expect(done.body.user.username).toBe('zhao.liu');
    const out = await api.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.body.endSessionUrl).toContain('id_token_hint=');
  });
});
