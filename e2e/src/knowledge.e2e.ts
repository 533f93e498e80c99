import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seedUsers, signedInApi } from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { signIn } from './harness/ui';

// 知识库（PO-4）：运维工程师从一个发布写下经验教训（自动关联该发布及其配置项），发布文章后，
// 在知识库中搜索“回滚”，标题命中的文章排在前面，匹配处高亮，点开即是这篇文章。
// 用户、配置项、变更和发布通过接口准备；写文章、发布、搜索和打开都在浏览器里完成。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng1: { displayName: '运维工程师一', roles: ['operations_engineer'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
  biz: { displayName: '业务代表', roles: ['business_representative'] },
} as const;

const LESSON_TITLE = '网银核心升级后连接池耗尽的回滚经验';
const LESSON_BODY = [
  '## 经过',
  '',
  '升级到 2.4.0 后，**数据库连接池**在高峰期耗尽，交易失败率超过 1%。',
  '',
  '## 处理',
  '',
  '1. 按发布计划执行回滚，恢复到 2.3.1；',
  '2. 调大 `max_connections` 后重新发布。',
].join('\n');
/** Raw HTML an editor adds later: shown as nothing, never run. */
const HTML_ATTEMPT = '\n\n<img src=x onerror="window.__xss = true"><script>window.__xss = true</script>';

describe('知识库：从发布写下经验教训，搜索“回滚”并打开', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  let release: { id: string; number: string };
  const ciIds: string[] = [];
  let lessonId = '';
  let eng1: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);

    // 配置管理员登记两个配置项；变更经 CAB 批准；工程师提交以这两个配置项为目标的发布申请。
    const session = (name: string) => signedInApi(browser, server.url, name, PASSWORD);
    const cfg = await session('cfg');
    for (const [type, name] of [
      ['application', '网银核心应用'],
      ['database', '网银核心数据库'],
    ])
      ciIds.push((await cfg.post('/api/cmdb/cis', { type, name, environment: 'production' })).id);
    const api = await session('eng1');
    const change = await api.post('/api/changes', {
      title: '网银核心应用升级到 2.4.0',
      description: '修复转账限额问题',
      risk: 'medium',
      ciIds,
    });
    await api.post(`/api/changes/${change.id}/submit`);
    for (const member of ['cab1', 'cab2'])
      await (
        await session(member)
      ).post(`/api/changes/${change.id}/votes`, { decision: 'approve', comment: '同意' });
    release = await api.post('/api/releases', {
      title: '网银核心 2.4.0 发布',
      changeIds: [change.id],
      targetCiIds: ciIds,
      urgency: 'normal',
      rollbackDifficulty: 'easy',
      newTechnology: false,
    });
    // Two older articles: one mentions 回滚 only in its body, one is in English.
    const older = await api.post('/api/knowledge/articles', {
      title: '发布窗口内的检查清单',
      body: `${'发布前逐项核对配置基线、变更审批和回退方案。'.repeat(3)}验证失败时立即回滚并通知业务部门。`,
      kind: 'how_to',
      tags: ['检查清单'],
    });
    await api.post(`/api/knowledge/articles/${older.id}/publish`, { version: 1 });
    const english = await api.post('/api/knowledge/articles', {
      title: 'Rollback playbook for the payment gateway',
      body: 'When the health check fails, roll back within 30 minutes.',
      kind: 'solution',
    });
    await api.post(`/api/knowledge/articles/${english.id}/publish`, { version: 1 });

    const context = await newContext(browser, server.url, problems);
    eng1 = await context.newPage();
    await signIn(eng1, 'eng1', PASSWORD);
    await eng1.getByTestId('profile-card').waitFor();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const open = browser.contexts().flatMap((c) => c.pages());
    for (const [i, page] of open.entries())
      await screenshot(page, `failed-knowledge-${i}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('PO-4：工程师在发布的“知识”页签写下经验教训，文章关联该发布及其配置项', async () => {
    await eng1.goto(`/releases/${release.id}`);
    await eng1.getByRole('tab', { name: '知识' }).click();
    await eng1.getByText('还没有关联本发布的知识库文章').waitFor();
    await eng1.getByTestId('kb-add-lesson').click();
    await eng1.getByTestId('kb-release-linked').getByText(release.number).waitFor();

    // A title alone is not enough: the body is required, and the form says so in place.
    await eng1.getByLabel('标题').fill(LESSON_TITLE);
    await eng1.getByTestId('kb-save').click();
    await eng1.getByTestId('kb-editor').getByText('请填写此项').waitFor();

    await eng1.getByTestId('kb-body-input').fill(LESSON_BODY);
    const tags = eng1.getByTestId('kb-tags').locator('input');
    for (const tag of ['回滚', '连接池']) {
      await tags.fill(tag);
      await tags.press('Enter');
    }
    await eng1.getByRole('tab', { name: '预览' }).click();
    await eng1.getByTestId('kb-preview').getByRole('heading', { name: '经过' }).waitFor();
    await screenshot(eng1, 'knowledge-01-editor-from-release');
    await eng1.getByTestId('kb-save').click();

    await eng1.getByTestId('kb-title').getByText(LESSON_TITLE).waitFor();
    await eng1.getByTestId('kb-state').getByText('草稿').waitFor();
    lessonId = new URL(eng1.url()).pathname.split('/').pop()!;
    await eng1
      .getByRole('link', { name: new RegExp(release.number) })
      .first()
      .waitFor();
    for (const name of ['网银核心应用', '网银核心数据库'])
      await eng1.getByRole('link', { name, exact: true }).waitFor();

    await eng1.getByTestId('kb-publish').click();
    await eng1
      .getByRole('tooltip')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await eng1.getByTestId('kb-state').getByText('已发布').waitFor();
    const body = eng1.getByTestId('kb-body');
    await body.getByRole('heading', { name: '处理' }).waitFor();
    await body.locator('strong', { hasText: '数据库连接池' }).waitFor();
    await eng1.getByTestId('kb-history').getByText('发布了文章').waitFor();
    await screenshot(eng1, 'knowledge-02-article');

    // An edit adds raw HTML: the history keeps the edit, the page renders Markdown but no HTML.
    await eng1.getByTestId('kb-edit').click();
    await eng1.getByTestId('kb-body-input').press('ControlOrMeta+End');
    await eng1.getByTestId('kb-body-input').pressSequentially(HTML_ATTEMPT);
    await eng1.getByTestId('kb-save').click();
    await eng1.getByTestId('kb-history').getByText('修改了文章').waitFor();
    await eng1.getByTestId('kb-history').getByText('修改了：正文').waitFor();
    await body.getByRole('heading', { name: '处理' }).waitFor();
    expect(await body.locator('img, script').count()).toBe(0);
    expect(await eng1.evaluate('window.__xss')).toBeUndefined();

    await eng1.goto(`/releases/${release.id}?tab=knowledge`);
    await eng1.getByTestId('kb-results').getByText(LESSON_TITLE).waitFor();
    await screenshot(eng1, 'knowledge-03-release-tab');
  });

  it('PO-4：在知识库中搜索“回滚”，标题命中的文章在前，匹配处高亮，点开即是这篇文章', async () => {
    await eng1.getByTestId('main-menu').getByText('知识库', { exact: true }).click();
    await eng1.getByRole('heading', { name: '知识库', exact: true }).waitFor();
    const search = eng1.getByTestId('kb-search').locator('input');
    await search.fill('回滚');
    await search.press('Enter');
    await eng1.getByTestId('kb-count').getByText('找到 2 篇与“回滚”相关的文章').waitFor();
    const results = eng1.getByTestId('kb-result');
    await expect.poll(() => results.count()).toBe(2);
    // The lesson (回滚 in its title) before the checklist (回滚 only in its body).
    expect(await results.nth(0).getByTestId('kb-result-link').textContent()).toBe(LESSON_TITLE);
    await results.nth(0).locator('mark', { hasText: '回滚' }).first().waitFor();
    await results.nth(1).getByTestId('kb-snippet').locator('mark', { hasText: '回滚' }).waitFor();
    await screenshot(eng1, 'knowledge-04-search');

    await results.nth(0).getByTestId('kb-result-link').click();
    await eng1.waitForURL(`**/knowledge/${lessonId}`);
    await eng1.getByTestId('kb-title').getByText(LESSON_TITLE).waitFor();

    // A longer phrase and an English word find what they should.
    await eng1.goto(`/knowledge?q=${encodeURIComponent('数据库连接池')}`);
    // The answer comes after the page has loaded: on a busy machine later than a poll's second.
    await eng1.getByTestId('kb-count').getByText('找到 1 篇与“数据库连接池”相关的文章').waitFor();
    expect(await results.count()).toBe(1);
    await eng1.goto('/knowledge?q=rollback');
    await eng1.getByTestId('kb-results').getByText('Rollback playbook', { exact: false }).waitFor();
    expect(await results.count()).toBe(1);
  });

  it('PO-4：业务代表能搜索和阅读已发布的文章，但不能写文章', async () => {
    const context = await newContext(browser, server.url, problems);
    const biz = await context.newPage();
    await signIn(biz, 'biz', PASSWORD);
    await biz.getByTestId('main-menu').getByText('知识库', { exact: true }).click();
    const search = biz.getByTestId('kb-search').locator('input');
    await search.fill('回滚');
    await search.press('Enter');
    await biz.getByTestId('kb-count').getByText('找到 2 篇与“回滚”相关的文章').waitFor();
    expect(await biz.getByTestId('kb-write').count()).toBe(0);
    await biz.getByTestId('kb-result-link').first().click();
    await biz.getByTestId('kb-title').getByText(LESSON_TITLE).waitFor();
    expect(await biz.getByTestId('kb-edit').count()).toBe(0);
    await context.close();
  });

  it('PO-4：配置项页面列出关联的文章；英文界面同样可用', async () => {
    await eng1.goto(`/cmdb/cis/${ciIds[1]}?tab=knowledge`);
    await eng1.getByTestId('kb-results').getByText(LESSON_TITLE).waitFor();
    await screenshot(eng1, 'knowledge-05-ci-tab');

    await eng1.evaluate("localStorage.setItem('releasegate.language', 'en')");
    await eng1.goto(`/knowledge?q=${encodeURIComponent('回滚')}`);
    await eng1.getByRole('heading', { name: 'Knowledge base', exact: true }).waitFor();
    await eng1.getByTestId('kb-count').getByText('2 articles match “回滚”').waitFor();
    await screenshot(eng1, 'knowledge-06-search-en');
    await eng1.goto(`/knowledge/${lessonId}`);
    await eng1.getByText('Lesson learned', { exact: true }).waitFor();
    await screenshot(eng1, 'knowledge-07-article-en');
    await eng1.evaluate("localStorage.setItem('releasegate.language', 'zh')");
    expectCleanPages(problems);
  });

  it('PO-4：文章列表由服务端分页和排序：第二页按游标取得，地址栏保留排序和页位置，刷新后仍是这一页', async () => {
    const api = await signedInApi(browser, server.url, 'eng1', PASSWORD);
    for (let i = 1; i <= 22; i++)
      await api.post('/api/knowledge/articles', {
        title: `值班手册 ${String(i).padStart(2, '0')}`,
        body: '交接班时逐项核对。',
        kind: 'how_to',
      });
    const listAnswer = (params: Record<string, string | RegExp>) =>
      eng1.waitForResponse((r) => {
        const url = new URL(r.url());
        if (url.pathname !== '/api/knowledge/articles') return false;
        return Object.entries(params).every(([k, v]) => {
          const value = url.searchParams.get(k);
          return value !== null && (typeof v === 'string' ? value === v : v.test(value));
        });
      });
    const results = eng1.getByTestId('kb-result');
    const first = listAnswer({ sort: 'title', limit: '20' });
    await eng1.goto('/knowledge?sort=title');
    expect((await (await first).json()).total).toBe(25);
    await expect.poll(() => results.count()).toBe(20);
    await eng1.getByTestId('kb-sort').getByText('标题 A→Z').waitFor();

    const second = listAnswer({ sort: 'title', cursor: /.+/ });
    await eng1.locator('.ant-pagination-next').click();
    expect((await (await second).json()).items).toHaveLength(5);
    await expect.poll(() => results.count()).toBe(5);
    await expect.poll(() => new URL(eng1.url()).searchParams.get('page')).toBe('2');
    const url = new URL(eng1.url());
    expect([url.searchParams.get('sort'), url.searchParams.get('page')]).toEqual(['title', '2']);
    expect(url.searchParams.get('cursor')).toBeTruthy();

    // A deep link: the same address opens the same page, asked of the server with its cursor.
    const again = listAnswer({ cursor: url.searchParams.get('cursor')! });
    await eng1.reload();
    await again;
    await expect.poll(() => results.count()).toBe(5);
    expectCleanPages(problems);
  });
});
