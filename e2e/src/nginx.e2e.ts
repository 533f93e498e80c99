import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  approvedRelease,
  passPreReleaseChecks,
  seedUsers,
  signedInApi,
  type ApiSession,
  type ApprovedRelease,
  type ReleaseCrew,
} from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { freePort } from './harness/free-port';
import { startNginx, type TestProxy } from './harness/nginx';
import { startServer, type TestServer } from './harness/server';
import { fillNewDslVersion, signIn } from './harness/ui';

// Deployment (issue #16): the server behind Debian's nginx running deploy/nginx/releasegate.conf
// as shipped (only addresses and certificate paths replaced), with PUBLIC_URL at nginx's https
// address and TRUST_PROXY=true, as docs/deploy.md says. Everything the browser does goes through
// the proxy: sign-in over TLS, a Secure session cookie, a live update (Server-Sent Events) that
// must not sit in nginx's buffers, and a software upload larger than nginx's default body limit.
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng: { displayName: '运维工程师张伟', roles: ['operations_engineer'] },
  boss: { displayName: '运维管理部经理王芳', roles: ['operations_manager'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
  aud: { displayName: '审计员', roles: ['auditor'] },
} as const;

/**
 * The browser as people who accepted the test's self-signed certificate: every context it opens,
 * the harness's API sessions included, ignores certificate errors — and nothing else changes.
 */
function acceptingTestCertificate(browser: Browser): Browser {
  return new Proxy(browser, {
    get(target, property) {
      if (property === 'newContext')
        return (options: Parameters<Browser['newContext']>[0] = {}) =>
          target.newContext({ ...options, ignoreHTTPSErrors: true });
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A plain-HTTP GET without following redirects: status and Location. */
function plainGet(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, location: response.headers.location });
      })
      .once('error', reject);
  });
}

describe('deployment: the server behind nginx with TLS (deploy/nginx/releasegate.conf)', () => {
  let proxy: TestProxy;
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const sessions: ApiSession[] = [];
  let crew: ReleaseCrew;
  let release: ApprovedRelease;
  let boss: Page;
  let bossContext: BrowserContext;

  beforeAll(async () => {
    const upstream = await freePort();
    proxy = await startNginx(upstream);
    server = await startServer({
      port: upstream,
      env: { PUBLIC_URL: proxy.httpsUrl, TRUST_PROXY: 'true' },
    });
    browser = acceptingTestCertificate(await launchBrowser());
    // The first-run link the server printed is already at nginx's https address.
    expect(server.setupLink.startsWith(`${proxy.httpsUrl}/setup?token=`)).toBe(true);
    const viaProxy = { ...server, url: proxy.httpsUrl };
    await seedUsers(browser, viaProxy, admin, users, PASSWORD);
    const api = async (u: keyof typeof users) => {
      const s = await signedInApi(browser, proxy.httpsUrl, u, PASSWORD);
      sessions.push(s);
      return s;
    };
    crew = {
      cfg: await api('cfg'),
      engineer: await api('eng'),
      manager: await api('boss'),
      cab: [await api('cab1'), await api('cab2')],
    };
  });

  afterEach(({ task }) => screenshotFailure(browser, task, 'nginx'));

  afterAll(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await proxy?.stop();
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('plain HTTP is redirected to HTTPS', async () => {
    const answer = await plainGet(`${proxy.httpUrl}/login?next=%2F`);
    expect(answer.status).toBe(301);
    expect(answer.location).toBe('https://127.0.0.1/login?next=%2F');
  });

  it('X-4: a person signs in through https; the session cookie is Secure and HttpOnly, HSTS is sent once', async () => {
    bossContext = await newContext(browser, proxy.httpsUrl, problems);
    boss = await bossContext.newPage();
    const [document] = await Promise.all([
      boss.waitForResponse((r) => r.url().endsWith('/login')),
      signIn(boss, 'boss', PASSWORD),
    ]);
    await boss.getByTestId('profile-card').getByText(users.boss.displayName).waitFor();
    expect(new URL(boss.url()).protocol).toBe('https:');

    const cookies = await bossContext.cookies();
    const session = cookies.find((c) => c.name === 'rg_session');
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(cookies.find((c) => c.name === 'rg_csrf')).toMatchObject({ secure: true, httpOnly: false });

    const hsts = (await document.headersArray()).filter(
      (h) => h.name.toLowerCase() === 'strict-transport-security',
    );
    expect(hsts.map((h) => h.value)).toEqual(['max-age=31536000; includeSubDomains']);
    await screenshot(boss, 'nginx-01-signed-in-over-https');
  });

  it('IM-3: a live update reaches a page through the proxy at once (Server-Sent Events unbuffered)', async () => {
    const now = Date.now();
    release = await approvedRelease(crew, {
      ci: { name: '网银转账服务', version: '2.3.1' },
      title: '网银转账服务 2.4.0 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
    });
    await passPreReleaseChecks(crew.engineer, release.id);

    await boss.goto(`/releases/${release.id}?tab=implementation`);
    await boss.getByTestId('live-indicator').and(boss.locator('[data-status="live"]')).first().waitFor();
    await boss.getByTestId('release-state').getByText('待实施').waitFor();
    // A mark in the page: still there at the end means the page was never reloaded.
    await boss.evaluate(() => ((globalThis as { rgMark?: string }).rgMark = 'kept'));

    await crew.engineer.post(`/api/releases/${release.id}/implementation/start`);
    // Well inside the server's 15-second heartbeat: a buffering proxy would hold the event back.
    await boss.getByTestId('release-state').getByText('实施中').waitFor({ timeout: 5_000 });
    expect(await boss.evaluate(() => (globalThis as { rgMark?: string }).rgMark)).toBe('kept');
    await screenshot(boss, 'nginx-02-live-update');
  });

  it('DS-1: a software version bigger than the 2 MB body limit for JSON uploads through the proxy, intact', async () => {
    const content = randomBytes(5 * 1024 * 1024);
    const digest = createHash('sha256').update(content).digest('hex');
    const context = await newContext(browser, proxy.httpsUrl, problems);
    const eng = await context.newPage();
    await signIn(eng, 'eng', PASSWORD);
    const dialog = await fillNewDslVersion(eng, content);
    const [upload] = await Promise.all([
      eng.waitForResponse((r) => /\/api\/dsl\/versions\/[^/]+\/content$/.test(r.url())),
      dialog.getByRole('button', { name: '登记版本' }).click(),
    ]);
    expect(upload.status()).toBe(200);
    await eng.getByTestId('dsl-state').getByText('待审批').waitFor();
    // The digest the server computed over what arrived through nginx is that of what was sent.
    await eng.getByTestId('dsl-digest').getByText(digest).waitFor();
    await screenshot(eng, 'nginx-03-dsl-uploaded');
    await context.close();
  });

  it('X-1 X-4: the audit trail records the address nginx saw, not one the client put in X-Forwarded-For', async () => {
    const spoofing = await browser.newContext({
      baseURL: proxy.httpsUrl,
      extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.9' },
    });
    const login = await spoofing.request.post('/api/auth/login', {
      data: { username: 'cab1', password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    await spoofing.close();
    const auditor = await signedInApi(browser, proxy.httpsUrl, 'aud', PASSWORD);
    sessions.push(auditor);
    const { items: events } = await auditor.get<{
      items: { actorName: string | null; sourceIp: string | null }[];
    }>('/api/audit/events?action=identity.login&limit=200');
    const cab1 = events.filter((e) => e.actorName === 'cab1');
    expect(cab1.length).toBeGreaterThanOrEqual(2);
    expect(cab1.map((e) => e.sourceIp)).toEqual(cab1.map(() => '127.0.0.1'));
  });

  it('nginx logged no error, and every page came through armoured', () => {
    expect(proxy.errorLog()).not.toMatch(/\[(emerg|alert|crit|error)\]/);
    expectCleanPages(problems);
  });
});
