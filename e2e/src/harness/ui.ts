import type { Page } from 'playwright-core';

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
