import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { freePort } from './harness/free-port';
import { startServer, type TestServer } from './harness/server';
import { startTestProvider, type TestProvider } from '../../packages/server/src/test/oidc-provider';

const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const person = {
  sub: 'e2e-2001',
  username: 'zhang.san',
  password: 'Idp-Password-2001',
  name: '张三',
  email: 'zhang.san@example.com',
  groups: ['it-ops-managers', 'all-staff'],
};

describe('X-4 / RO-1 single sign-on through the OpenID Provider in the browser', () => {
  let idp: TestProvider;
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems = pageProblems();

  beforeAll(async () => {
    // The provider must know ReleaseGate's callback before ReleaseGate knows the provider.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    idp = await startTestProvider({
      redirectUris: [`${url}/api/auth/oidc/callback`],
      postLogoutRedirectUris: [`${url}/login`],
      accounts: [person],
    });
    server = await startServer({ port, env: { ...idp.env, OIDC_LABEL: '企业统一认证' } });
    browser = await launchBrowser();

    // The first security administrator (setup link) maps the directory group to 运维管理部经理.
    const setupContext = await newContext(browser, server.url, pageProblems());
    const token = new URL(server.setupLink).searchParams.get('token');
    const setup = await setupContext.request.post('/api/setup', {
      data: { token, username: admin.username, displayName: admin.displayName, password: admin.password },
    });
    expect(setup.status()).toBe(200);
    const csrf = (await setupContext.cookies()).find((c) => c.name === 'rg_csrf')?.value ?? '';
    const mapped = await setupContext.request.post('/api/directory/mappings', {
      data: { source: 'oidc', group: 'it-ops-managers', role: 'operations_manager' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(mapped.status()).toBe(201);
    await setupContext.close();

    context = await newContext(browser, server.url, problems);
    page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `oidc-failed-${task.name.split(':')[0].replace(/\W+/g, '-')}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await idp?.close();
  });

  it("X-4 the sign-in page offers 使用 企业统一认证 登录; the password form is the break-glass administrator's, behind a link", async () => {
    await page.goto('/login');
    const sso = page.getByTestId('sso-login');
    await sso.waitFor();
    expect(await sso.innerText()).toContain('使用 企业统一认证 登录');
    expect(await page.getByLabel('密码', { exact: true }).count()).toBe(0);
    await screenshot(page, 'oidc-01-sign-in-390');
    await page.getByTestId('break-glass-link').click();
    await page.getByLabel('密码', { exact: true }).waitFor();
    await page.getByText('每次登录都会记入审计日志').waitFor();
    await screenshot(page, 'oidc-02-break-glass-390');
  });

  it("X-4 / RO-1 SSO: the provider's own login page, then 我的待办 with the role the group maps to", async () => {
    await page.goto('/login');
    await page.getByTestId('sso-login').click();
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    await page.locator('#idp-username').fill(person.username);
    await page.locator('#idp-password').fill(person.password);
    await screenshot(page, 'oidc-03-provider-login');
    await page.locator('#idp-submit').click();
    await page.waitForURL(`${server.url}/`);
    await page.getByTestId('my-tasks').waitFor();
    await page.getByText('我的待办').first().waitFor();
    const profile = page.getByTestId('profile-card');
    await profile.getByText('张三').first().waitFor();
    await profile.getByText('运维管理部经理').waitFor();
    await screenshot(page, 'oidc-04-signed-in-390');
  });

  it('X-4 a refused callback lands on the sign-in page with the reason in Chinese', async () => {
    await context.clearCookies();
    await page.goto('/api/auth/oidc/callback?code=forged&state=forged');
    await page.waitForURL('**/login?error=state_mismatch');
    const error = page.getByTestId('sso-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('登录请求无效');
    await screenshot(page, 'oidc-05-refused-390');
  });

  it('X-4 no uncaught errors or CSP violations; every ReleaseGate page armoured', () => {
    expect(problems.errors).toEqual([]);
    expect(problems.csp).toEqual([]);
    // The test provider's own pages are not ReleaseGate's to armour.
    expect(problems.headers.filter((h) => h.startsWith(server.url))).toEqual([]);
    expect(problems.english).toEqual([]);
    expect(problems.pagesChecked).toBeGreaterThan(0);
  });
});
