import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext, screenshot, type PageProblems } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { signIn, signOut, submitNewUser } from './harness/ui';

// One server, one browser; the tests build on each other in order, like a first day in production.
const admin = { username: 'sec.admin', displayName: '安全管理员甲', email: 'sec.admin@example.com', password: 'Correct-Horse-42!' };
const manager = { username: 'ops.manager', displayName: '运维经理乙', password: 'Manager-Pass-2026' };
const auditor = { username: 'auditor.one', displayName: '审计员丙', password: 'Auditor-Pass-2026' };

describe('foundation: identity, roles, audit, languages', () => {
  let server: TestServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let page: Page;
  const problems: PageProblems = { errors: [], console: [] };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminContext = await newContext(browser, server.url, problems);
    page = await adminContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('X-4: first-run setup through the one-time link creates a signed-in security administrator', async () => {
    await page.goto(server.setupLink);
    await page.getByText('首次设置', { exact: true }).waitFor();
    await page.getByText('安全管理员', { exact: false }).first().waitFor();
    await screenshot(page, '01-setup');
    await page.getByLabel('用户名').fill(admin.username);
    await page.getByLabel('显示名称').fill(admin.displayName);
    await page.getByLabel('电子邮箱').fill(admin.email);
    await page.getByLabel('密码', { exact: true }).fill(admin.password);
    await page.getByLabel('确认密码').fill(admin.password);
    await page.getByRole('button', { name: '创建账户并登录' }).click();

    const profile = page.getByTestId('profile-card');
    await profile.getByText(`欢迎，${admin.displayName}`).waitFor();
    await profile.getByText('安全管理员', { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('main-menu').getByText('用户管理').waitFor();
    await screenshot(page, '02-home-security-administrator');

    // The link is single-use: opening it again explains that it is no longer valid.
    const again = await adminContext.newPage();
    await again.goto(server.setupLink);
    await again.getByText('设置链接无效').waitFor();
    await screenshot(again, '03-setup-link-used');
    await again.close();
  });

  it('X-4: sign out, then sign in again with the new account', async () => {
    await signOut(page);
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await screenshot(page, '04-login');
    await signIn(page, admin.username, admin.password);
    await page.getByTestId('profile-card').getByText(`欢迎，${admin.displayName}`).waitFor();
  });

  it('RO-3: the security administrator creates an operations manager who sits on the CAB; two administrator roles on one user are refused', async () => {
    await page.getByTestId('main-menu').getByText('用户管理').click();
    await page.getByRole('heading', { name: '用户管理' }).waitFor();

    await submitNewUser(page, { ...manager, roles: ['运维管理部经理', '变更管理委员会成员'] });
    const row = page.getByTestId('user-table').getByRole('row').filter({ hasText: manager.username });
    await row.waitFor();
    await row.getByText('运维管理部经理').waitFor();
    await row.getByText('变更管理委员会成员').waitFor();

    await submitNewUser(page, { username: 'sec.and.audit', displayName: '一人两职', roles: ['安全管理员', '审计员'], password: 'Two-Hats-Never-2026' });
    const dialog = page.getByRole('dialog');
    const refusal = dialog.getByTestId('error-alert');
    await refusal.getByText(/三员分立/).waitFor();
    expect(await refusal.textContent()).toContain('Separation of duties');
    await screenshot(page, '05-separation-of-duties-refused');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('user-table').getByText('sec.and.audit').count()).toBe(0);
    await screenshot(page, '06-users');
  });

  it('X-4: five wrong passwords lock the account, and the page says until when', async () => {
    const visitor = await newContext(browser, server.url, problems);
    const login = await visitor.newPage();
    let lockedUntil = '';
    for (let attempt = 1; attempt <= 5; attempt++) {
      await login.goto('/login');
      await login.getByLabel('用户名').fill(manager.username);
      await login.getByLabel('密码', { exact: true }).fill(`wrong-password-${attempt}`);
      const [response] = await Promise.all([
        login.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        login.getByRole('button', { name: '登录', exact: true }).click(),
      ]);
      const body = (await response.json()) as { error: { code: string; details?: { lockedUntil?: string } } };
      if (attempt < 5) {
        expect(response.status()).toBe(401);
        await login.getByTestId('login-error').getByText('用户名或密码错误').waitFor();
      } else {
        expect(response.status()).toBe(423);
        expect(body.error.code).toBe('locked');
        lockedUntil = body.error.details?.lockedUntil ?? '';
      }
    }
    const until = new Date(lockedUntil);
    const hhmm = `${String(until.getHours()).padStart(2, '0')}:${String(until.getMinutes()).padStart(2, '0')}`;
    await login.getByTestId('login-error').getByText(`账户已锁定，请于 ${hhmm} 后重试`).waitFor();
    await screenshot(login, '07-locked');

    // Even the right password is refused while the lock lasts.
    await login.getByLabel('密码', { exact: true }).fill(manager.password);
    await login.getByRole('button', { name: '登录', exact: true }).click();
    await login.getByTestId('login-error').getByText(/账户已锁定/).waitFor();
    await visitor.close();

    // The security administrator sees the lock in 用户管理.
    await page.reload();
    await page.getByTestId('user-table').getByRole('row').filter({ hasText: manager.username }).getByText('已锁定').waitFor();
  });

  it('PR-3/X-1: the auditor signs in and finds the events above in 审计日志', async () => {
    await submitNewUser(page, { ...auditor, roles: ['审计员'] });
    await page.getByTestId('user-table').getByRole('row').filter({ hasText: auditor.username }).waitFor();

    const auditorContext = await newContext(browser, server.url, problems);
    const auditPage = await auditorContext.newPage();
    await signIn(auditPage, auditor.username, auditor.password);
    await auditPage.getByTestId('profile-card').getByText('审计员', { exact: true }).waitFor();
    const menu = auditPage.getByTestId('main-menu');
    await menu.getByText('审计日志').waitFor();
    expect(await menu.getByText('API 令牌').count()).toBe(0);

    await menu.getByText('审计日志').click();
    await auditPage.getByRole('heading', { name: '审计日志' }).waitFor();
    const table = auditPage.getByTestId('audit-table');
    for (const action of ['identity.setup_completed', 'user.created', 'identity.login_failed', 'identity.logout', 'identity.login_succeeded']) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    await screenshot(auditPage, '08-audit-log');

    // Filter by action prefix: exactly the five failed sign-ins of ops.manager, each refused.
    await auditPage.getByLabel('操作', { exact: true }).fill('identity.login_failed');
    await auditPage.getByLabel('操作人').fill(manager.username);
    await auditPage.getByRole('button', { name: '搜索' }).click();
    const failedRows = table.locator('tbody tr[data-row-key]');
    await auditPage.getByText('已显示 5 条').waitFor();
    expect(await failedRows.count()).toBe(5);
    expect(await table.getByText('拒绝', { exact: true }).count()).toBe(5);

    // A row opens to its details and its place in the hash chain.
    await failedRows.first().getByRole('button').first().click();
    await auditPage.getByText('前一哈希').waitFor();
    await auditPage.getByText('"reason": "locked"').or(auditPage.getByText('"locked": true')).first().waitFor();
    await screenshot(auditPage, '09-audit-event-detail');

    await auditPage.getByRole('button', { name: '校验哈希链' }).click();
    await auditPage.getByTestId('verify-result').getByText(/哈希链完整/).waitFor();
    await screenshot(auditPage, '10-audit-verified');

    // Pages the auditor's roles do not open, and pages that do not exist.
    await auditPage.goto('/admin/tokens');
    await auditPage.getByTestId('forbidden').waitFor();
    await auditPage.goto('/no/such/page');
    await auditPage.getByTestId('not-found').waitFor();
    await screenshot(auditPage, '11-not-found');
    await auditorContext.close();
  });

  it('X-3: switching the language to English shows English labels, and the choice is remembered', async () => {
    await page.goto('/');
    await page.getByTestId('language-switch').getByText('English').click();
    await page.getByTestId('profile-card').getByText(`Welcome, ${admin.displayName}`).waitFor();
    const menu = page.getByTestId('main-menu');
    await menu.getByText('Users', { exact: true }).waitFor();
    await menu.getByText('API tokens', { exact: true }).waitFor();
    await page.getByTestId('profile-card').getByText('Security administrator').waitFor();
    await screenshot(page, '12-home-english');

    await page.reload();
    await menu.getByText('Users', { exact: true }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('columnheader', { name: 'Display name' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, '13-users-english');

    await page.getByTestId('language-switch').getByText('中文').click();
    await page.getByRole('heading', { name: '用户管理' }).waitFor();
  });

  it('leaves no uncaught errors in the pages', () => {
    expect(problems.errors).toEqual([]);
  });
});
