import fs from 'node:fs';
import { en, GAP_CODES, REASON_CODES, RULE_CODES } from '@releasegate/messages';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { PHONE_USER_AGENT } from './chromium';
import { SCREENSHOT_DIR } from './paths';

export { launchBrowser } from './chromium';

/**
 * What went wrong inside pages: uncaught errors, console errors (expected 401s excluded), Content
 * Security Policy violations, and pages whose answer lacked a security header.
 */
export interface PageProblems {
  errors: string[];
  console: string[];
  csp: string[];
  headers: string[];
  /** English prose or raw codes on a page shown in Chinese (issue #14), as `screen: text`. */
  english: string[];
  /** How many page answers (documents) were checked for security headers. */
  pagesChecked: number;
}

export const pageProblems = (): PageProblems => ({
  errors: [],
  console: [],
  csp: [],
  headers: [],
  english: [],
  pagesChecked: 0,
});

/** The security headers every page must carry, as header name → what its value must show. */
const SECURITY_HEADERS: [string, RegExp][] = [
  ['content-security-policy', /(^|;)\s*script-src 'self'\s*(;|$)/],
  ['content-security-policy', /frame-ancestors 'none'/],
  ['content-security-policy', /object-src 'none'/],
  ['x-content-type-options', /^nosniff$/],
  ['referrer-policy', /^no-referrer$/],
  ['x-frame-options', /^DENY$/],
];

/** Every header rule a page answer breaks, as `name: value`. */
export function missingSecurityHeaders(headers: Record<string, string>): string[] {
  return SECURITY_HEADERS.filter(([name, pattern]) => !pattern.test(headers[name] ?? '')).map(
    ([name]) => `${name}: ${headers[name] ?? '(none)'}`,
  );
}

/** The end of every e2e file: no uncaught error, no CSP violation, every page armoured. */
export function expectCleanPages(problems: PageProblems): void {
  expect(problems.errors).toEqual([]);
  expect(problems.csp).toEqual([]);
  expect(problems.headers).toEqual([]);
  expect(problems.english).toEqual([]);
  expect(problems.pagesChecked).toBeGreaterThan(0);
}

/**
 * What gives away text the Chinese interface did not translate: a run of English words with a
 * function word in it (server prose such as "only when the release is…"), or one of the codes the
 * server sends (`plan_review`, `operations_manager`, `intake_four_eyes`). Names the tests type (a
 * CI called "core-db", a metric `error_ratio`) carry no function word and are not codes.
 */
const ENGLISH_PROSE = /\b[A-Za-z]+(?:[ ,]+[A-Za-z]+){3,}\b/g;
const FUNCTION_WORDS =
  /\b(the|is|are|not|only|needs?|cannot|must|with|from|when|before|after|has|have|been|this|that|first)\b/i;
const SERVER_CODES = new Set(
  [
    ...RULE_CODES,
    ...REASON_CODES,
    ...GAP_CODES,
    ...Object.values(en.words).flatMap((words) => Object.keys(words)),
    ...['cab_review', 'rolled_back', 'post_release', 'plan_review'],
  ].filter((code) => code.includes('_')),
);
const SNAKE_CASE = /(?<![\w./:-])[a-z]+(?:_[a-z]+)+(?![\w./:-])/g;

export function untranslated(text: string): string[] {
  const prose = (text.match(ENGLISH_PROSE) ?? []).filter((run) => FUNCTION_WORDS.test(run));
  const codes = (text.match(SNAKE_CASE) ?? []).filter((word) => SERVER_CODES.has(word));
  return [...new Set([...prose, ...codes])];
}

const PROBLEMS = new WeakMap<Page, PageProblems>();

/** Records what a page in Chinese shows untranslated (a check run with every screenshot). */
async function recordUntranslated(page: Page, screen: string): Promise<void> {
  const problems = PROBLEMS.get(page);
  if (!problems) return;
  const lang = (await page.locator('html').getAttribute('lang')) ?? '';
  if (!lang.startsWith('zh')) return;
  const text = await page.locator('body').innerText();
  for (const found of untranslated(text)) problems.english.push(`${screen}: ${found}`);
}

/** The phone the e2e tests hold: an iPhone 12–15's CSS viewport. */
export const PHONE = { width: 390, height: 844 };

/**
 * Fails when the page scrolls sideways (issue #17: a page a person acts on from a phone fits its
 * width), naming the widest elements that stick out so the failure says where to look.
 */
export async function expectNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    // The e2e project has no DOM types: the few parts of the page this reads, typed here.
    type Box = { scrollWidth: number; clientWidth: number };
    type Element = {
      tagName: string;
      classList: Iterable<string>;
      getBoundingClientRect(): { right: number };
      closest(selector: string): unknown;
    };
    const doc = (
      globalThis as unknown as {
        document: {
          scrollingElement: Box | null;
          documentElement: Box;
          querySelectorAll(selector: string): Iterable<Element>;
        };
      }
    ).document;
    const root = doc.scrollingElement ?? doc.documentElement;
    const width = root.clientWidth;
    const wide = [...doc.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > width + 1)
      // Content that scrolls inside its own box (a wide table in its scroller) is not the page's.
      .filter((element) => !element.closest('.ant-table-content, .ant-table-body, .rg-scroll-x'))
      .slice(0, 5)
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}.${[...element.classList].join('.')} → ${Math.round(element.getBoundingClientRect().right)} px`,
      );
    return { scrollWidth: root.scrollWidth, width, wide };
  });
  expect(
    overflow.scrollWidth,
    `${what} scrolls sideways at ${overflow.width} px: ${overflow.wide.join('; ')}`,
  ).toBeLessThanOrEqual(overflow.width);
}

/** A fresh browser profile (cookies, storage) at the server's address, in Chinese, 1440×900 (or a phone), reduced motion. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  problems: PageProblems,
  options: { phone?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    // A browser in China: the date pickers and the times the web shows are both Beijing time.
    timezoneId: 'Asia/Shanghai',
    // A phone (issue #17): a 390×844 touch screen at three device pixels per CSS pixel.
    ...(options.phone
      ? { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3, userAgent: PHONE_USER_AGENT }
      : { viewport: { width: 1440, height: 900 } }),
    // Popups appear at once (the app honours reduced motion): a click on an option or menu item
    // that is still sliding in can land beside it, leaving the choice unmade (CM-1, CM-2, X-4).
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  context.on('page', (page) => watchPage(page, problems));
  return context;
}

function watchPage(page: Page, problems: PageProblems): void {
  PROBLEMS.set(page, problems);
  page.on('pageerror', (error) => problems.errors.push(`${page.url()}: ${error.message}`));
  // Every page the tests open — the app's, and the API docs — must answer with the armour.
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document') return;
    problems.pagesChecked++;
    const missing = missingSecurityHeaders(response.headers());
    if (missing.length > 0) problems.headers.push(`${response.url()}: ${missing.join('; ')}`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.csp.push(`${page.url()}: ${text}`);
    // A text nobody registered shows as its bare key (packages/web/src/i18n/index.ts).
    if (text.startsWith('[i18n] missing text:')) problems.errors.push(`${page.url()}: ${text}`);
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
  await recordUntranslated(page, name);
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  return file;
}
