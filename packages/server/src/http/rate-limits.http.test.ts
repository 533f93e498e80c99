import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp, type Reply } from '../test/test-app';
import { firstRunSetupLink } from '../modules/identity/auth.service';
import { systemContext } from '../context';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signDelivery } from '../modules/changes/external.service';

const expectLimited = (r: Reply, rule: string, limit: number) => {
  expect(r.status, JSON.stringify(r.body)).toBe(429);
  expect(r.body.error).toMatchObject({
    code: 'rate_limited',
    details: { rule, limit, windowSeconds: 60 },
  });
  expect(r.body.error.message).toMatch(new RegExp(`at most ${limit} a minute; try again in \\d+ s`));
  const retry = Number(r.headers.get('retry-after'));
  expect(retry).toBeGreaterThan(0);
  expect(r.body.error.details.retryAfterSeconds).toBe(retry);
};

describe('X-4 rate limit configuration', () => {
  it('X-4 defaults, and every limit set by its variable', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      signIn: 10,
      signInAddress: 60,
      setup: 10,
      tokenCreate: 10,
      changeWebhook: 120,
      chatCallback: 300,
    });
    const set = loadConfig({
      RATE_LIMIT_SIGN_IN: '3',
      RATE_LIMIT_SIGN_IN_ADDRESS: '4',
      RATE_LIMIT_SETUP: '5',
      RATE_LIMIT_TOKEN_CREATE: '6',
      RATE_LIMIT_CHANGE_WEBHOOK: '7',
      RATE_LIMIT_CHAT_CALLBACK: '8',
    }).rateLimits;
    expect(set).toEqual({
      signIn: 3,
      signInAddress: 4,
      setup: 5,
      tokenCreate: 6,
      changeWebhook: 7,
      chatCallback: 8,
    });
    expect(() => loadConfig({ RATE_LIMIT_SIGN_IN: '0' })).toThrow(
      /RATE_LIMIT_SIGN_IN must be a whole number/,
    );
  });
});

describe.each(DIALECTS)('X-4 rate limits on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  it('X-4 sign-in: over the limit for one user name from one address answers 429 naming its rule; under it, and other names, go on until the address limit', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT_SIGN_IN: '3', RATE_LIMIT_SIGN_IN_ADDRESS: '6' });
    await t.seedUser('alice', ['operations_engineer']);
    const http = new HttpClient(t.url);
    expect((await http.login('alice', 'a wrong password')).status).toBe(401);
    expect((await http.login('alice', 'another wrong one')).status).toBe(401);
    expect((await http.login('alice')).status).toBe(200);
    // The fourth try a minute for this name: refused before the password is even looked at.
    expectLimited(await http.login('alice'), 'X-4 sign-in rate limit per user name', 3);
    expectLimited(await http.login('ALICE '), 'X-4 sign-in rate limit per user name', 3);
    // Another user name from the same address goes on, until the address has used its six.
    expect((await http.login('bob', 'a wrong password')).status).toBe(401);
    expectLimited(await http.login('carol', 'a wrong password'), 'X-4 sign-in rate limit per address', 6);
  });

  it('X-4 setup: link checks and setups over the limit from one address answer 429', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT_SETUP: '2' });
    const link = await firstRunSetupLink(t.app.identity, systemContext());
    const token = new URL(link!.url).searchParams.get('token')!;
    const http = new HttpClient(t.url);
    expect((await http.get(`/api/setup/status?token=guess-1`)).status).toBe(200);
    expect((await http.get(`/api/setup/status?token=guess-2`)).status).toBe(200);
    expectLimited(await http.get(`/api/setup/status?token=${token}`), 'X-4 setup rate limit', 2);
    const setup = await http.post('/api/setup', {
      token,
      username: 'sec',
      displayName: '安全管理员',
      password: 'correct horse battery staple',
    });
    expectLimited(setup, 'X-4 setup rate limit', 2);
  });

  it('X-4 token creation: over the limit a user answers 429; another user is not held', async () => {
    t = await startTestApp(dialect, { RATE_LIMIT_TOKEN_CREATE: '2' });
    await t.seedUser('sec', ['security_administrator']);
    await t.seedUser('sec2', ['security_administrator']);
    const [sec, sec2] = [new HttpClient(t.url), new HttpClient(t.url)];
    await sec.login('sec');
    await sec2.login('sec2');
    const create = (c: HttpClient, name: string) =>
      c.post('/api/tokens', { name, scopes: ['user.read'], expiresInDays: 30 });
    expect((await create(sec, 'one')).status).toBe(201);
    expect((await create(sec, 'two')).status).toBe(201);
    expectLimited(await create(sec, 'three'), 'X-4 token creation rate limit', 2);
    expect((await create(sec2, 'one')).status).toBe(201);
    expect((await sec.get('/api/tokens')).body.tokens ?? []).not.toContainEqual(
      expect.objectContaining({ name: 'three' }),
    );
  });

  it('IN-2 X-4 change webhook: over the limit for one system answers 429; another system is not held', async () => {
    const secret = 'itsm-webhook-secret-0123456789';
    t = await startTestApp(dialect, {
      RATE_LIMIT_CHANGE_WEBHOOK: '2',
      CHANGE_WEBHOOK_SECRETS: `itsm=${secret},other=another-secret-0123456789`,
    });
    const http = new HttpClient(t.url);
    const deliver = (system: string, key: string) => {
      const body = JSON.stringify({ key, title: '扩容', status: 'pending' });
      const at = Math.floor(t.clock.now().getTime() / 1000);
      return http.request('POST', `/api/webhooks/changes/${system}`, JSON.parse(body), {
        [SIGNATURE_HEADER]: signDelivery(secret, at, key, body),
        [DELIVERY_HEADER]: key,
      });
    };
    expect((await deliver('itsm', 'CR-1')).status).toBeLessThan(300);
    expect((await deliver('itsm', 'CR-2')).status).toBeLessThan(300);
    expectLimited(await deliver('itsm', 'CR-3'), 'IN-2 change webhook rate limit', 2);
    // Wrongly signed for "other", but not held by itsm's limit: it gets as far as the signature.
    expect((await deliver('other', 'CR-1')).status).toBe(401);
  });
});
