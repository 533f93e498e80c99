import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { seedUsers, signedInApi } from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { pickOption, signIn } from './harness/ui';

// 列表在服务端分页（issue 18）：变更列表的第二页、筛选和排序都由服务端给出，
// 地址栏保留筛选、排序和页位置，刷新（深链接）后仍是同一页。变更通过接口准备。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = { eng1: { displayName: '运维工程师一', roles: ['operations_engineer'] } } as const;
const CHANGES = 25;
const SUBMITTED = [3, 11, 19];
const title = (i: number) => `清单变更 ${String(i).padStart(2, '0')}`;

describe('列表在服务端分页：第二页、筛选和排序来自服务端，链接保留它们', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  let eng1: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);
    const api = await signedInApi(browser, server.url, 'eng1', PASSWORD);
    for (let i = 1; i <= CHANGES; i++) {
      const change = await api.post('/api/changes', { title: title(i), risk: 'low' });
      if (SUBMITTED.includes(i)) await api.post(`/api/changes/${change.id}/submit`);
    }
    const context = await newContext(browser, server.url, problems);
    eng1 = await context.newPage();
    await signIn(eng1, 'eng1', PASSWORD);
    await eng1.getByTestId('profile-card').waitFor();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    for (const [i, page] of browser
      .contexts()
      .flatMap((c) => c.pages())
      .entries())
      await screenshot(page, `failed-lists-${i}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The next answer of the change list whose query has every one of `params`. */
  const listAnswer = (page: Page, params: Record<string, string | RegExp>) =>
    page.waitForResponse((r: Response) => {
      const url = new URL(r.url());
      if (url.pathname !== '/api/changes' || r.request().method() !== 'GET') return false;
      return Object.entries(params).every(([k, v]) => {
        const value = url.searchParams.get(k);
        return value !== null && (typeof v === 'string' ? value === v : v.test(value));
      });
    });
  const rows = (page: Page) => page.getByTestId('change-table').locator('tbody tr.ant-table-row');
  const titles = async (page: Page) =>
    (await rows(page).locator('td:nth-child(2) > div > span').allTextContents()).map((t) => t.trim());

  it('IN-2：第二页由服务端按游标给出；地址栏保留页位置，刷新后仍是这一页', async () => {
    const first = listAnswer(eng1, { limit: '20' });
    await eng1.goto('/changes');
    expect((await first).status()).toBe(200);
    await expect.poll(() => rows(eng1).count()).toBe(20);
    await eng1.getByText(`共 ${CHANGES} 条`).waitFor();
    expect((await titles(eng1))[0]).toBe(title(CHANGES));

    const second = listAnswer(eng1, { limit: '20', cursor: /.+/ });
    await eng1.locator('.ant-pagination-next').click();
    const answer = await (await second).json();
    expect(answer.items).toHaveLength(CHANGES - 20);
    await expect.poll(() => titles(eng1)).toEqual([5, 4, 3, 2, 1].map(title));
    const url = new URL(eng1.url());
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.get('cursor')).toBeTruthy();

    // A deep link: the same address opens the same page, asked of the server with its cursor.
    const again = listAnswer(eng1, { cursor: url.searchParams.get('cursor')! });
    await eng1.reload();
    await again;
    await expect.poll(() => titles(eng1)).toEqual([5, 4, 3, 2, 1].map(title));
  });

  it('IN-2：筛选和排序发给服务端，地址栏保留它们，并从第一页开始', async () => {
    const filtered = listAnswer(eng1, { state: 'cab_review' });
    await pickOption(eng1, '按状态筛选', 'CAB 审议中');
    const answer = await (await filtered).json();
    expect(answer.total).toBe(SUBMITTED.length);
    expect(new URL((await filtered).url()).searchParams.get('cursor')).toBeNull();
    await expect.poll(() => titles(eng1)).toEqual([...SUBMITTED].reverse().map(title));
    await expect.poll(() => new URL(eng1.url()).searchParams.get('state')).toBe('cab_review');

    const sorted = listAnswer(eng1, { state: 'cab_review', sort: 'title' });
    await eng1.getByTestId('change-table').locator('th', { hasText: '标题' }).click();
    await sorted;
    await expect.poll(() => titles(eng1)).toEqual(SUBMITTED.map(title));
    await expect.poll(() => new URL(eng1.url()).searchParams.get('sort')).toBe('title');
    const url = new URL(eng1.url());
    expect([url.searchParams.get('state'), url.searchParams.get('sort')]).toEqual(['cab_review', 'title']);

    // The link keeps the filter and the sort.
    const reopened = listAnswer(eng1, { state: 'cab_review', sort: 'title' });
    await eng1.goto(`/changes${url.search}`);
    await reopened;
    await expect.poll(() => titles(eng1)).toEqual(SUBMITTED.map(title));
    expectCleanPages(problems);
  });

  it('IN-1：没有人能表决的变更在 CAB 表决卡片上说明无法获批，以及该找谁', async () => {
    // This department has no CAB yet: the submitted changes wait for votes nobody can cast.
    await eng1
      .getByTestId('change-table')
      .getByRole('row')
      .filter({ hasText: title(SUBMITTED[0]) })
      .getByRole('link')
      .click();
    const warning = eng1.getByTestId('change-quorum').getByTestId('change-too-few-voters');
    await warning
      .getByText(/目前只有 0 人可对此变更表决.*少于法定的 2 票.*请安全管理员为变更管理委员会添加成员/)
      .waitFor();
    await screenshot(eng1, 'lists-03-too-few-voters');
    expectCleanPages(problems);
  });

  it('DS-2：最终软件库中还没有已批准的版本时，发布申请的软件项说明版本从哪里来，并给出登记入口', async () => {
    await eng1.goto('/releases/new');
    await eng1.getByTestId('release-add-item').click();
    const none = eng1.getByTestId('release-item-dsl-none');
    await none.getByText(/最终软件库中还没有已批准的版本/).waitFor();
    expect(await none.getByRole('link', { name: '去登记软件版本' }).getAttribute('href')).toBe('/dsl');
    await screenshot(eng1, 'lists-04-no-approved-version');
  });
});
