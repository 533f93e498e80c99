import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './paths';

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || '/usr/bin/chromium';
  } catch {
    return '/usr/bin/chromium';
  }
}

/** Debian's Chromium, headless, quiet: no sandbox (containers), no GPU, no background traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What went wrong inside pages: uncaught errors and console errors (expected 401s excluded). */
export interface PageProblems {
  errors: string[];
  console: string[];
}

/** A fresh browser profile (cookies, storage) at the server's address, in Chinese, 1440×900. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  problems: PageProblems,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    viewport: { width: 1440, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  context.on('page', (page) => watchPage(page, problems));
  return context;
}

function watchPage(page: Page, problems: PageProblems): void {
  page.on('pageerror', (error) => problems.errors.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const text = message.text();
    // "Not signed in" and refused sign-ins are answers the tests provoke on purpose.
    if (
      /Failed to load resource: the server responded with a status of (400|401|403|404|409|422|423)/.test(
        text,
      )
    )
      return;
    problems.console.push(`${message.type()}: ${text}`);
  });
}

/** The whole page; `fullPage: false` for what is on screen (open dialogs and drawers, tooltips). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  return file;
}
