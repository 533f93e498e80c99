import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { signIn, signOut } from './harness/ui';

const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };

/** The code an authenticator app shows for `secret`, `stepsAhead` 30-second steps from now. */
const codeFor = (secret: string, stepsAhead = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });

/** Nothing wider than the phone's screen (390 px). */
const fitsWidth = (page: Page) =>
  page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return document.documentElement.scrollWidth <= innerWidth;
  });

describe('X-4 two-step verification (TOTP) in the browser, on a 390 px wide phone screen', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let secret = '';
  let recoveryCodes: string[] = [];
  const problems = pageProblems();

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await newContext(browser, server.url, problems);
    page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    // The first security administrator, through the one-time setup link.
    const token = new URL(server.setupLink).searchParams.get('token');
    const setup = await context.request.post('/api/setup', {
      data: { token, username: admin.username, displayName: admin.displayName, password: admin.password },
    });
    expect(setup.status()).toBe(200);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail')
      await screenshot(page, `totp-failed-${task.name.split(':')[0].replace(/\W+/g, '-')}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('X-4 set up: QR code and key, a code from the authenticator confirms it, recovery codes shown once', async () => {
    await page.goto('/account/two-step');
    await page.getByTestId('two-step-off').waitFor();
    await page.getByTestId('start-enrolment').click();
    await page.getByTestId('totp-qr').waitFor();
    secret = ((await page.getByTestId('totp-secret').innerText()) ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'totp-01-enrolment');

    // A wrong code is refused next to the field.
    const wrong = String((Number(codeFor(secret)) + 5) % 1_000_000).padStart(6, '0');
    await page.getByTestId('totp-code').fill(wrong);
    await page.getByTestId('confirm-enrolment').click();
    await page.getByText('验证码错误或已过期').waitFor();

    await page.getByTestId('totp-code').fill(codeFor(secret));
    await page.getByTestId('confirm-enrolment').click();
    const list = page.getByTestId('recovery-code-list');
    await list.waitFor();
    recoveryCodes = (await list.innerText())
      .split('\n')
      .map((c) => c.trim())
      .filter(Boolean);
    expect(recoveryCodes).toHaveLength(10);
    await page.getByRole('button', { name: '复制恢复码' }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'totp-02-recovery-codes');
    await page.getByTestId('recovery-done').click();
    await page.getByTestId('two-step-on').waitFor();
  });

  it('X-4 sign-in asks for the 6-digit code after the password; a wrong one is said next to the field', async () => {
    await signOut(page);
    await signIn(page, admin.username, admin.password);
    await page.getByTestId('totp-code').waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'totp-03-second-step');
    // No session before the second step.
    expect((await context.cookies()).some((c) => c.name === 'rg_session')).toBe(false);

    await page
      .getByTestId('totp-code')
      .fill(String((Number(codeFor(secret)) + 9) % 1_000_000).padStart(6, '0'));
    await page.getByTestId('code-submit').click();
    await page.getByText('验证码错误或已过期').waitFor();
    // The next step's code: the current one was used to confirm the enrolment (no code twice).
    await page.getByTestId('totp-code').fill(codeFor(secret, 1));
    await page.getByTestId('code-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
    expect((await context.cookies()).some((c) => c.name === 'rg_session')).toBe(true);
  });

  it('X-4 without the authenticator, a recovery code signs in once', async () => {
    await page.goto('/account/two-step');
    await page.getByTestId('two-step-on').waitFor();
    await signOut(page);
    await signIn(page, admin.username, admin.password);
    await page.getByTestId('toggle-recovery').click();
    await page.getByTestId('recovery-code').fill(recoveryCodes[0]);
    await screenshot(page, 'totp-04-recovery-code');
    await page.getByTestId('code-submit').click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/account/two-step');
    await page.getByText('剩余恢复码 9 个', { exact: false }).waitFor();

    await signOut(page);
    await signIn(page, admin.username, admin.password);
    await page.getByTestId('toggle-recovery').click();
    await page.getByTestId('recovery-code').fill(recoveryCodes[0]);
    await page.getByTestId('code-submit').click();
    await page.getByText('恢复码不存在或已使用').waitFor();
    expectCleanPages(problems);
  });
});
