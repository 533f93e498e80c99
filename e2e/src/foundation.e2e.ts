import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { chooseOptions, pickOption, signIn, signOut, submitNewUser } from './harness/ui';

// One server, one browser; the tests build on each other in order, like a first day in production.
const admin = {
  username: 'sec.admin',
  displayName: '安全管理员甲',
  email: 'sec.admin@example.com',
  password: 'Correct-Horse-42!',
  newPassword: 'Battery-Staple-2026!',
};
const manager = { username: 'ops.manager', displayName: '运维经理乙', password: 'Manager-Pass-2026' };
const auditor = { username: 'auditor.one', displayName: '审计员丙', password: 'Auditor-Pass-2026' };

describe('foundation: identity, roles, audit, languages', () => {
  let server: TestServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let page: Page;
  const problems = pageProblems();

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminContext = await newContext(browser, server.url, problems);
    page = await adminContext.newPage();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const pages = browser.contexts().flatMap((c) => c.pages());
    for (const [i, open] of pages.entries())
      await screenshot(open, `failed-${task.name.split(':')[0].replace(/\W+/g, '-')}-${i}`).catch(
        () => undefined,
      );
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
    await page.getByTestId('login-submit').waitFor();
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

    await submitNewUser(page, {
      username: 'sec.and.audit',
      displayName: '一人两职',
      roles: ['安全管理员', '审计员'],
      password: 'Two-Hats-Never-2026',
    });
    const dialog = page.getByRole('dialog');
    const refusal = dialog.getByTestId('error-alert');
    await refusal.getByText(/三员分立/).waitFor();
    // in Chinese only; the server's English stays off the screen.
    expect(await refusal.textContent()).not.toContain('Separation of duties');
    await screenshot(page, '05-separation-of-duties-refused');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('user-table').getByText('sec.and.audit').count()).toBe(0);
    await screenshot(page, '06-users');
  });

  it('X-4: five wrong passwords lock the account; the answer stays that of a wrong password, and the security administrator sees the lock', async () => {
    const visitor = await newContext(browser, server.url, problems);
    const login = await visitor.newPage();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await login.goto('/login');
      await login.getByLabel('用户名').fill(manager.username);
      await login.getByLabel('密码', { exact: true }).fill(`wrong-password-${attempt}`);
      const [response] = await Promise.all([
        login.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        login.getByTestId('login-submit').click(),
      ]);
      // One answer for every refusal: nobody learns from it which accounts exist or are locked.
      expect(response.status()).toBe(401);
      await login.getByTestId('login-error').getByText('用户名或密码错误').waitFor();
    }
    await login
      .getByTestId('login-error')
      .getByText(/多次失败后账户会被暂时锁定/)
      .waitFor();
    await screenshot(login, '07-locked');

    // Even the right password is refused while the lock lasts, with the same answer.
    await login.getByLabel('密码', { exact: true }).fill(manager.password);
    const [locked] = await Promise.all([
      login.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
      login.getByTestId('login-submit').click(),
    ]);
    expect(locked.status()).toBe(401);
    await login.getByTestId('login-error').getByText('用户名或密码错误').waitFor();
    await visitor.close();

    // The security administrator sees the lock in 用户管理.
    await page.reload();
    await page
      .getByTestId('user-table')
      .getByRole('row')
      .filter({ hasText: manager.username })
      .getByText('已锁定')
      .waitFor();
  });

  it('PR-3/X-1: the auditor signs in and finds the events above in 审计日志', async () => {
    await submitNewUser(page, { ...auditor, roles: ['审计员'] });
    await page.getByTestId('user-table').getByRole('row').filter({ hasText: auditor.username }).waitFor();

    const auditorContext = await newContext(browser, server.url, problems);
    const auditPage = await auditorContext.newPage();
    const refusedWhileExpired: string[] = [];
    auditPage.on('response', (r) => {
      if (r.status() === 422) refusedWhileExpired.push(r.url());
    });
    await signIn(auditPage, auditor.username, auditor.password);
    // the security administrator chose this password, so the auditor replaces it first.
    await auditPage.getByText('此密码由安全管理员设置').waitFor();
    // Meanwhile the app asks the server nothing it would refuse (the bell, the sign-in methods).
    await auditPage.waitForLoadState('networkidle');
    expect(refusedWhileExpired).toEqual([]);
    await screenshot(auditPage, '08b-password-set-by-administrator');
    await auditPage.getByLabel('当前密码').fill(auditor.password);
    await auditPage.getByLabel('新密码', { exact: true }).fill(`${auditor.password}-mine`);
    await auditPage.getByLabel('确认密码').fill(`${auditor.password}-mine`);
    await auditPage.getByRole('button', { name: '修改密码' }).click();
    await auditPage.getByTestId('password-changed').waitFor();
    await auditPage.goto('/');
    await auditPage.getByTestId('profile-card').getByText('审计员', { exact: true }).waitFor();
    const menu = auditPage.getByTestId('main-menu');
    await menu.getByText('审计日志').waitFor();
    expect(await menu.getByText('API 令牌').count()).toBe(0);

    await menu.getByText('审计日志').click();
    await auditPage.getByRole('heading', { name: '审计日志' }).waitFor();
    const table = auditPage.getByTestId('audit-table');
    for (const action of ['identity.setup', 'user.create', 'identity.login', 'identity.logout']) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    await screenshot(auditPage, '08-audit-log');

    // Filter: the refused sign-ins of ops.manager — five wrong passwords, then one try while locked.
    await auditPage.getByLabel('操作人').fill(manager.username);
    await auditPage.getByLabel('操作', { exact: true }).fill('identity.login');
    await pickOption(auditPage, '结果', '拒绝');
    await auditPage.getByRole('button', { name: '搜索' }).click();
    await auditPage.getByText('已显示 6 条').waitFor();
    const failedRows = table.locator('tbody tr[data-row-key]');
    expect(await failedRows.count()).toBe(6);
    expect(await table.getByText('identity.login', { exact: true }).count()).toBe(6);
    expect(await table.getByText('拒绝', { exact: true }).count()).toBe(6);

    // A row opens to its details and its place in the hash chain.
    await failedRows.first().getByRole('button', { name: '展开行' }).click();
    const detail = auditPage.getByTestId(/^audit-detail-/);
    await detail.getByText('前一哈希').waitFor();
    await detail.getByText('"reason": "locked"').waitFor();
    await screenshot(auditPage, '09-audit-event-detail');

    await auditPage.getByRole('button', { name: '校验哈希链' }).click();
    await auditPage
      .getByTestId('verify-result')
      .getByText(/哈希链完整/)
      .waitFor();
    await screenshot(auditPage, '10-audit-verified');

    // Pages the auditor's roles do not open, and pages that do not exist.
    await auditPage.goto('/admin/tokens');
    await auditPage.getByTestId('forbidden').waitFor();
    await auditPage.goto('/no/such/page');
    await auditPage.getByTestId('not-found').waitFor();
    await screenshot(auditPage, '11-not-found');
    await auditorContext.close();
  });

  it('X-4: each user row keeps 编辑 and 更多 whole in view; 禁用 from 更多 asks first and ends the account, 启用 restores it', async () => {
    await page.getByTestId('main-menu').getByText('用户管理').click();
    const table = page.getByTestId('user-table');
    const actions = page.getByTestId(`user-actions-${auditor.username}`);
    await actions.waitFor();
    // Nothing of the actions is cut off at the table's right edge (seven actions once were).
    const tableBox = (await table.boundingBox())!;
    const actionsBox = (await actions.boundingBox())!;
    expect(actionsBox.x + actionsBox.width).toBeLessThanOrEqual(tableBox.x + tableBox.width);

    await actions.getByRole('button', { name: /更多/ }).click();
    const menu = page.getByRole('menu');
    await menu.getByRole('menuitem', { name: '手机号与 IM 账号' }).waitFor();
    await menu.getByRole('menuitem', { name: '重置密码' }).waitFor();
    await screenshot(page, '08c-user-more-actions');
    await menu.getByRole('menuitem', { name: '禁用' }).click();
    const confirm = page.getByRole('dialog').filter({ hasText: `禁用 ${auditor.username}？` });
    await confirm.getByRole('button', { name: '禁用' }).click();
    const row = table.getByRole('row').filter({ hasText: auditor.username });
    await row.getByText('已禁用').waitFor();

    await actions.getByRole('button', { name: /更多/ }).click();
    await page.getByRole('menu').getByRole('menuitem', { name: '启用' }).click();
    await row.getByText('正常').waitFor();
  });

  it('X-4: the security administrator issues a scoped API token, sees its secret once, and revokes it', async () => {
    await page.getByTestId('main-menu').getByText('API 令牌').click();
    await page.getByRole('heading', { name: 'API 令牌' }).waitFor();
    await page.getByRole('button', { name: '新建令牌' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('用户同步脚本');
    await chooseOptions(page, '权限范围', ['user.read']);
    await dialog.getByRole('button', { name: '新建', exact: true }).click();

    const secretModal = page.getByTestId('token-secret-modal');
    await secretModal.getByText('关闭此窗口后将无法再次查看', { exact: false }).waitFor();
    const secret = await secretModal.getByTestId('token-secret').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await screenshot(page, '14-token-secret');
    await secretModal.getByRole('button', { name: '复制' }).click();
    await secretModal.getByRole('button', { name: '已复制' }).waitFor();

    // The token acts within its scope: it may list users, but not read the audit log.
    const asPipeline = (path: string) =>
      fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${secret}` } });
    expect((await asPipeline('/api/users')).status).toBe(200);
    expect((await asPipeline('/api/audit/events')).status).toBe(403);

    await secretModal.getByRole('button', { name: '我已保存' }).click();
    const row = page.getByTestId('token-table').getByRole('row').filter({ hasText: '用户同步脚本' });
    await row.getByText('有效').waitFor();
    expect(await page.getByText(secret).count()).toBe(0);
    await screenshot(page, '15-tokens');

    await row.getByRole('button', { name: '撤销' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: '撤销' }).click();
    await row.getByText('已撤销').waitFor();
    expect((await asPipeline('/api/users')).status).toBe(401);
  });

  it('X-4: changing the password ends the other sessions of the user', async () => {
    const elsewhere = await newContext(browser, server.url, problems);
    const other = await elsewhere.newPage();
    await signIn(other, admin.username, admin.password);
    await other.getByTestId('profile-card').waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    await page.getByRole('heading', { name: '修改密码' }).waitFor();
    await page.getByLabel('当前密码').fill(admin.password);
    await page.getByLabel('新密码').fill(admin.newPassword);
    await page.getByLabel('确认密码').fill(admin.newPassword);
    await page.getByRole('button', { name: '修改密码' }).last().click();
    await page
      .getByTestId('password-changed')
      .getByText('其他设备和浏览器上的会话均已结束', { exact: false })
      .waitFor();
    await screenshot(page, '16-password-changed');

    // The other browser finds its session gone at its next request and is sent to sign in.
    await other.getByTestId('main-menu').getByText('用户管理').click();
    await other.waitForURL('**/login?**');
    await other.getByText('您的会话已结束，请重新登录').waitFor();
    await elsewhere.close();

    // This browser stays signed in with the new password.
    await page.goto('/');
    await page.getByTestId('profile-card').getByText(`欢迎，${admin.displayName}`).waitFor();
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
    await page.getByRole('columnheader', { name: 'E-mail' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).waitFor();
    await page
      .getByTestId('user-table')
      .getByRole('row')
      .filter({ hasText: manager.username })
      .getByText('Locked')
      .waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, '13-users-english');

    await page.getByTestId('language-switch').getByText('中文').click();
    await page.getByRole('heading', { name: '用户管理' }).waitFor();
  });

  it('X-4: the interactive API documentation at /api/docs works under the same Content Security Policy', async () => {
    const docs = await adminContext.newPage();
    const response = await docs.goto('/api/docs/');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await docs.getByText('ReleaseGate API (发布管理平台)').first().waitFor();
    await docs.getByText('/api/auth/login', { exact: true }).first().waitFor();
    await screenshot(docs, '15-api-docs', { fullPage: false });
    await docs.close();
  });

  it('X-4 leaves no uncaught errors and no CSP violations, and every page carried the security headers', () => {
    expectCleanPages(problems);
  });
});
