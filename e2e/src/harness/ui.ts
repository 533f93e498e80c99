import type { Locator, Page } from 'playwright-core';

/** Steps a person takes in the UI, by labels and roles as the page shows them in Chinese. */

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
    page.getByTestId('login-submit').click(),
  ]);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.waitForURL('**/login');
}

/** Picks options in an Ant Design select by typing their label and pressing Enter. */
export async function chooseOptions(page: Page, label: string, options: readonly string[]): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  for (const option of options) {
    await input.click();
    await input.fill(option);
    await input.press('Enter');
  }
  // Escape closes the open list only (the select keeps the key from the dialog); Tab would
  // toggle the active option.
  if (options.length > 0) await input.press('Escape');
}

/** Picks one option of a single Ant Design select: open it, click the option (options carry their label as title). */
export async function pickOption(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByTitle(option, { exact: true }).click();
}

export interface NewUser {
  username: string;
  displayName: string;
  email?: string;
  roles: readonly string[];
  password: string;
}

/** Opens 新建用户 on 用户管理 and submits the form; the caller awaits the outcome. */
export async function submitNewUser(page: Page, user: NewUser): Promise<void> {
  await page.getByRole('button', { name: '新建用户' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('用户名').fill(user.username);
  await dialog.getByLabel('显示名称').fill(user.displayName);
  if (user.email) await dialog.getByLabel('电子邮箱').fill(user.email);
  await chooseOptions(page, '角色', user.roles);
  await dialog.getByLabel('初始密码').fill(user.password);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/users') && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: '新建', exact: true }).click(),
  ]);
}

/** Waits until the success toasts are gone, so a screenshot shows the page. */
export async function calm(page: Page): Promise<void> {
  await page
    .locator('.ant-message-notice')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

/** The language the web app starts in (it reads it from local storage on load). */
export async function setLanguage(page: Page, language: 'zh' | 'en'): Promise<void> {
  await page.evaluate((l) => {
    const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } })
      .localStorage;
    storage.setItem('releasegate.language', l);
  }, language);
}

/** The 软件包 example the DSL tests register: netbank-core 2.4.0, with the given bytes. */
const NETBANK_CORE = {
  name: 'netbank-core',
  version: '2.4.0',
  description: '网银核心应用 2.4.0 发布包',
  source: 'GitLab 流水线 #4711',
  fileName: 'netbank-core-2.4.0.tar.gz',
};

/**
 * DS-1: from the main menu to 最终软件库 → 登记版本, the form filled in and the file chosen;
 * returns the dialog, for the caller to submit (and watch the upload) as its test needs.
 */
export async function fillNewDslVersion(page: Page, content: Buffer): Promise<Locator> {
  await page.getByTestId('main-menu').getByText('软件版本').click();
  await page.getByRole('heading', { name: '最终软件库' }).waitFor();
  await page.getByTestId('dsl-register').click();
  const dialog = page.getByTestId('register-version-modal');
  await dialog.getByLabel('软件名称').fill(NETBANK_CORE.name);
  await dialog.getByLabel('版本号').fill(NETBANK_CORE.version);
  await dialog.getByLabel('描述').fill(NETBANK_CORE.description);
  await dialog.getByLabel('来源').fill(NETBANK_CORE.source);
  await dialog.locator('input[type=file]').setInputFiles({
    name: NETBANK_CORE.fileName,
    mimeType: 'application/gzip',
    buffer: content,
  });
  return dialog;
}
