import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  approvedRelease,
  implementRelease,
  passPreReleaseChecks,
  seedUsers,
  signedInApi,
  type ApiSession,
  type ApprovedRelease,
} from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { startServer, type TestServer } from './harness/server';
import { calm, chooseOptions, signIn } from './harness/ui';

// 匆忙或粗心的人也弄不坏的流程（问题 #13）：离开未保存的编辑会先确认；双击只创建一条记录；
// 以“失败”关闭须明确选择、写明原因并输入发布编号；改投的 CAB 表决留在记录中。
// 数据通过接口准备，操作都在浏览器里完成。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng1: { displayName: '运维工程师一', roles: ['operations_engineer'] },
  eng2: { displayName: '运维工程师二', roles: ['operations_engineer'] },
  boss: { displayName: '运维管理部经理', roles: ['operations_manager'] },
  impl: { displayName: '发布实施人员', roles: ['release_implementer'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
} as const;
type UserName = keyof typeof users;

describe('误操作防护：未保存提醒、防双击、关闭确认、改投留痕', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const pages = new Map<UserName, Page>();
  const sessions = new Map<UserName, ApiSession>();
  let planning: { id: string; number: string };
  let approvedChangeId = '';
  let implemented: ApprovedRelease;
  let votedChangeId = '';

  async function as(user: UserName): Promise<Page> {
    const open = pages.get(user);
    if (open) return open;
    const context = await newContext(browser, server.url, problems);
    const page = await context.newPage();
    await signIn(page, user, PASSWORD);
    await page.getByTestId('profile-card').waitFor();
    pages.set(user, page);
    return page;
  }

  async function api(user: UserName): Promise<ApiSession> {
    const open = sessions.get(user);
    if (open) return open;
    const session = await signedInApi(browser, server.url, user, PASSWORD);
    sessions.set(user, session);
    return session;
  }

  /** Clicks 变更 in the menu while a form holds unsaved edits: the question that comes up first. */
  async function moveToChanges(page: Page) {
    await page.getByTestId('main-menu').getByText('变更', { exact: true }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: '有未保存的修改' });
    await dialog.getByText('离开此页面，刚才填写的内容将会丢失。确定要离开吗？').waitFor();
    return dialog;
  }

  /** A change through CAB review to approved, touching the CI. */
  async function approvedChange(title: string, ciId: string): Promise<string> {
    const change = await (
      await api('eng1')
    ).post('/api/changes', {
      title,
      description: '按变更计划实施',
      risk: 'medium',
      ciIds: [ciId],
    });
    await (await api('eng1')).post(`/api/changes/${change.id}/submit`);
    for (const member of ['cab1', 'cab2'] as const)
      await (
        await api(member)
      ).post(`/api/changes/${change.id}/votes`, { decision: 'approve', comment: '同意' });
    return change.id as string;
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);
    const cfg = await api('cfg');
    const ci = await cfg.post('/api/cmdb/cis', {
      type: 'application',
      name: '网银核心应用',
      environment: 'production',
      version: '2.3.1',
    });
    // A release in planning (requested by eng1, accepted by the manager), and an approved change
    // for the request form.
    const change = await approvedChange('网银核心应用升级', ci.id);
    const requested = await (
      await api('eng1')
    ).post('/api/releases', {
      title: '网银核心应用 2.4 发布',
      changeIds: [change],
      targetCiIds: [ci.id],
    });
    await (await api('boss')).post(`/api/releases/${requested.id}/accept`, { note: null });
    planning = { id: requested.id, number: requested.number };
    approvedChangeId = await approvedChange('短信网关扩容', ci.id);

    // A release implemented and in post-release management, not archived yet.
    const now = Date.now();
    implemented = await approvedRelease(
      {
        cfg,
        engineer: await api('eng1'),
        manager: await api('boss'),
        cab: [await api('cab1'), await api('cab2')],
      },
      {
        ci: { name: '手机银行网关', version: '3.1.0' },
        title: '手机银行网关 3.2 发布',
        window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
      },
    );
    await passPreReleaseChecks(await api('impl'), implemented.id);
    await implementRelease(await api('impl'), implemented.id, 2);

    // A CAB member who changes their mind.
    const voted = await (
      await api('eng1')
    ).post('/api/changes', {
      title: '数据库参数调整',
      description: '调整连接池',
      risk: 'low',
      ciIds: [],
    });
    await (await api('eng1')).post(`/api/changes/${voted.id}/submit`);
    await (
      await api('cab1')
    ).post(`/api/changes/${voted.id}/votes`, { decision: 'approve', comment: '同意' });
    await (
      await api('cab1')
    ).post(`/api/changes/${voted.id}/votes`, {
      decision: 'reject',
      comment: '容量评估不足，暂不同意',
    });
    votedChangeId = voted.id;
  });

  afterEach(({ task }) => screenshotFailure(browser, task, 'misuse'));

  afterAll(async () => {
    for (const s of sessions.values()) await s.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('X-4：计划编辑中点击其他菜单会先询问；选择“留在此页”后填写的内容仍在，选择“离开”才离开', async () => {
    const eng1 = await as('eng1');
    await eng1.goto(`/releases/${planning.id}?tab=plan`);
    const editor = eng1.getByTestId('plan-editor');
    const purpose = editor.getByTestId('plan-section-purpose').getByLabel('发布目的');
    await purpose.fill('升级网银核心应用到 2.4.0，修复转账限额问题');
    const dialog = await moveToChanges(eng1);
    await screenshot(eng1, 'misuse-01-unsaved-plan', { fullPage: false });
    await dialog.getByTestId('unsaved-stay').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(new URL(eng1.url()).pathname).toBe(`/releases/${planning.id}`);
    expect(await purpose.inputValue()).toBe('升级网银核心应用到 2.4.0，修复转账限额问题');

    // Another tab of the same release is a move too; leaving on purpose drops the edits.
    await (await moveToChanges(eng1)).getByTestId('unsaved-leave').click();
    await eng1.getByRole('heading', { name: '变更', exact: true }).waitFor();
    expect(new URL(eng1.url()).pathname).toBe('/changes');
  });

  it('X-4：双击“提交发布申请”只创建一个发布；双击“创建”变更只登记一个变更', async () => {
    const eng1 = await as('eng1');
    await eng1.goto(`/releases/new?changeId=${approvedChangeId}`);
    // The request starts with the change's title.
    await expect.poll(() => eng1.getByLabel('标题', { exact: true }).inputValue()).toBe('短信网关扩容');
    await eng1.getByLabel('标题', { exact: true }).fill('短信网关扩容发布');
    await eng1.getByTestId('release-fill-targets').click();
    await eng1.getByTestId('release-targets').getByText('网银核心应用').waitFor();
    await eng1.getByTestId('release-request-submit').dblclick();
    await eng1.getByTestId('release-state').getByText('待受理').waitFor();
    const releases = (
      await (await api('eng1')).get(`/api/releases?q=${encodeURIComponent('短信网关扩容发布')}`)
    ).items as unknown[];
    expect(releases).toHaveLength(1);

    await eng1.getByTestId('main-menu').getByText('变更', { exact: true }).click();
    await eng1.getByTestId('change-create').click();
    const drawer = eng1.getByTestId('change-form-drawer');
    await drawer.getByLabel('标题').fill('防火墙策略调整');
    await drawer.getByTestId('change-form-submit').dblclick();
    await eng1.getByTestId('change-state').getByText('草稿').waitFor();
    const changes = (await (await api('eng1')).get(`/api/changes?q=${encodeURIComponent('防火墙策略调整')}`))
      .items as unknown[];
    expect(changes).toHaveLength(1);
  });

  it('X-4：超长的标题不会被悄悄截断：显示字数，提交时在字段旁说明上限', async () => {
    const eng1 = await as('eng1');
    await eng1.goto('/changes');
    await eng1.getByTestId('change-create').click();
    const drawer = eng1.getByTestId('change-form-drawer');
    const title = '防'.repeat(600);
    await drawer.getByLabel('标题').fill(title);
    expect(await drawer.getByLabel('标题').inputValue()).toBe(title);
    await drawer.getByText('600 / 200').waitFor();
    await drawer.getByTestId('change-form-submit').click();
    await drawer.getByText('最多 200 个字符', { exact: true }).waitFor();
    await screenshot(eng1, 'misuse-02-title-limit', { fullPage: false });
    await drawer.getByRole('button', { name: '取消' }).click();
    await drawer.waitFor({ state: 'hidden' });
  });

  it('CL-1 KP-1：未满足前提时“关闭发布”不可用并说明原因；以“失败”关闭不预选，须写原因并输入发布编号（桌面与 390 px）', async () => {
    const boss = await as('boss');
    await boss.goto(`/releases/${implemented.id}?tab=close`);
    await boss.getByTestId('close-tab').waitFor();
    expect(await boss.getByTestId('close-open').isDisabled()).toBe(true);
    await boss.getByTestId('action-wrap-close_successful').hover();
    await boss
      .getByRole('tooltip')
      .getByText(/CL-1 文档已归档/)
      .waitFor();
    await boss.getByTestId('close-failed-open').click();
    const modal = boss.getByTestId('close-modal');
    const failed = modal.getByRole('radio', { name: '失败' });
    await failed.waitFor({ state: 'attached' });
    expect(await failed.isChecked()).toBe(false);
    await modal.getByText('失败', { exact: true }).click();
    await modal.getByTestId('close-unsuccessful-warning').waitFor();
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.getByText('以“失败”或“已回退”关闭时，须写明原因分析').waitFor();
    await modal.getByLabel(`输入发布编号 ${implemented.number} 以确认`).fill('REL-0000');
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.getByText(`请输入发布编号 ${implemented.number}`).waitFor();
    await calm(boss);
    await screenshot(boss, 'misuse-03-close-failed-confirm', { fullPage: false });
    await boss.setViewportSize({ width: 390, height: 844 });
    await calm(boss);
    await screenshot(boss, 'misuse-03-close-failed-confirm-390', { fullPage: false });
    await boss.setViewportSize({ width: 1440, height: 900 });

    await modal.getByLabel('分析').fill('上线后交易失败率超标，业务决定不再继续');
    await modal.getByLabel(`输入发布编号 ${implemented.number} 以确认`).fill(implemented.number);
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.waitFor({ state: 'hidden' });
    await boss.getByTestId('release-state').getByText('已关闭').waitFor();
    await boss.getByTestId('closure-card').getByTestId('closure-outcome').getByText('失败').waitFor();
  });

  it('IN-1：改投的 CAB 表决是一条新表决，之前的表决仍在记录中并标为“已被取代”', async () => {
    const eng2 = await as('eng2');
    await eng2.goto(`/changes/${votedChangeId}`);
    const votes = eng2.getByTestId('change-votes');
    await votes.getByText('容量评估不足，暂不同意').waitFor();
    await votes.getByText('同意', { exact: true }).waitFor();
    await votes
      .getByTestId('vote-superseded')
      .getByText(/已被取代/)
      .waitFor();
    expect(await votes.locator('tbody tr').count()).toBe(2);
    await calm(eng2);
    await screenshot(eng2, 'misuse-04-vote-history');
    await eng2.setViewportSize({ width: 390, height: 844 });
    await calm(eng2);
    await screenshot(eng2, 'misuse-04-vote-history-390');
    await eng2.setViewportSize({ width: 1440, height: 900 });
  });

  it('X-4：编辑知识库文章时点击其他菜单会先询问；“留在此页”保留所填内容，“离开”才离开，文章未被修改', async () => {
    const article = await (
      await api('eng1')
    ).post('/api/knowledge/articles', {
      title: '网银核心应用回退要点',
      body: '回退前先停止交易入口。',
      kind: 'how_to',
    });
    const eng1 = await as('eng1');
    await eng1.goto(`/knowledge/${article.id}/edit`);
    const title = eng1.getByTestId('kb-title-input');
    const body = eng1.getByTestId('kb-body-input');
    await title.fill('网银核心应用回退要点（修订）');
    await body.fill('回退前先停止交易入口，再把流量切回旧版本。');
    const dialog = await moveToChanges(eng1);
    await screenshot(eng1, 'misuse-05-unsaved-knowledge', { fullPage: false });
    await dialog.getByTestId('unsaved-stay').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(new URL(eng1.url()).pathname).toBe(`/knowledge/${article.id}/edit`);
    expect(await title.inputValue()).toBe('网银核心应用回退要点（修订）');
    expect(await body.inputValue()).toBe('回退前先停止交易入口，再把流量切回旧版本。');

    await (await moveToChanges(eng1)).getByTestId('unsaved-leave').click();
    await eng1.getByRole('heading', { name: '变更', exact: true }).waitFor();
    expect(new URL(eng1.url()).pathname).toBe('/changes');
    const stored = await (await api('eng1')).get(`/api/knowledge/articles/${article.id}`);
    expect(stored.title).toBe('网银核心应用回退要点');
    expect(stored.body).toBe('回退前先停止交易入口。');
  });

  it('X-4：计划有未保存的修改时，关闭或刷新浏览器标签页前由浏览器询问；取消则内容仍在，没有修改时不询问', async () => {
    const context = await newContext(browser, server.url, problems);
    const page = await context.newPage();
    await signIn(page, 'eng1', PASSWORD);
    await page.getByTestId('profile-card').waitFor();
    await page.goto(`/releases/${planning.id}?tab=plan`);
    const purpose = page
      .getByTestId('plan-editor')
      .getByTestId('plan-section-purpose')
      .getByLabel('发布目的');
    const saved = await purpose.inputValue();
    // Chromium asks before unloading only a page the person has used: click and type, as a person does.
    const typed = '升级网银核心应用，修复夜间批处理超时';
    await purpose.click();
    await purpose.pressSequentially(typed);
    expect(await purpose.inputValue()).toBe(saved + typed);

    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      // The first question is answered "stay", the second "leave".
      void (dialogs.length === 1 ? d.dismiss() : d.accept());
    });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);
    expect(await purpose.inputValue()).toBe(saved + typed);

    await page.reload();
    expect(dialogs).toEqual(['beforeunload', 'beforeunload']);
    await purpose.waitFor();
    expect(await purpose.inputValue()).toBe(saved);

    // Nothing unsaved: the tab closes without a question.
    await purpose.click();
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(dialogs).toHaveLength(2);
    await context.close();
  });

  it('X-4：数字不会被悄悄改成别的值：有效期填 −5、1.5、1e9 时字段旁说明原因，令牌不会创建（桌面与 390 px）', async () => {
    const tokensBefore = ((await (await api('eng1')).get('/api/tokens')).tokens as unknown[]).length;
    const eng1 = await as('eng1');
    await eng1.goto('/admin/tokens');
    await eng1.getByRole('button', { name: '新建令牌' }).click();
    const dialog = eng1.getByTestId('token-form-modal');
    await dialog.getByLabel('名称').fill('发布流水线');
    await chooseOptions(eng1, '权限范围', ['release.read']);
    const days = dialog.getByLabel('有效期（天）');
    const error = dialog.locator('.ant-form-item-explain-error');
    const cases: [typed: string, shown: string, message: string][] = [
      ['-5', '-5', '不能小于 1'],
      // The minus sign (U+2212) of a pasted text, which the input used to drop: 5 days.
      ['−5', '-5', '不能小于 1'],
      ['1.5', '1.5', '须为整数'],
      // Written out in full, the same number.
      ['1e9', '1000000000', '不能大于 366'],
    ];
    for (const [typed, shown, message] of cases) {
      await days.fill(typed);
      await days.blur();
      expect(await days.inputValue(), typed).toBe(shown);
      await dialog.getByRole('button', { name: '新建', exact: true }).click();
      // The message next to the field, and only it (the previous one fades out first).
      await expect.poll(() => error.allTextContents()).toEqual([message]);
    }
    await calm(eng1);
    await screenshot(eng1, 'misuse-06-number-field', { fullPage: false });
    await eng1.setViewportSize({ width: 390, height: 844 });
    await screenshot(eng1, 'misuse-06-number-field-390', { fullPage: false });
    await eng1.setViewportSize({ width: 1440, height: 900 });
    expect(await eng1.getByTestId('token-secret-modal').count()).toBe(0);
    expect(((await (await api('eng1')).get('/api/tokens')).tokens as unknown[]).length).toBe(tokensBefore);

    // A whole number within the bounds is saved as typed.
    await days.fill('30');
    await dialog.getByRole('button', { name: '新建', exact: true }).click();
    await eng1.getByTestId('token-secret-modal').getByTestId('token-secret').waitFor();
    const tokens = (await (await api('eng1')).get('/api/tokens')).tokens as {
      name: string;
      expiresAt: string;
    }[];
    const created = tokens.find((t) => t.name === '发布流水线')!;
    const days30 = (Date.parse(created.expiresAt) - Date.now()) / 86_400_000;
    expect(days30).toBeGreaterThan(29.9);
    expect(days30).toBeLessThan(30.1);
    await eng1.getByTestId('token-secret-modal').getByRole('button', { name: '我已保存' }).click();
  });

  it('X-4 PC-1：起草发布制度时，超出制度界限或不是整数的规则值在字段旁说明，草稿不会保存（桌面与 390 px）', async () => {
    const versionsBefore = ((await (await api('boss')).get('/api/policy/versions')).versions as unknown[])
      .length;
    const boss = await as('boss');
    await boss.goto('/policy');
    await boss.getByTestId('policy-draft').click();
    const drawer = boss.getByTestId('policy-draft-drawer');
    await drawer.getByLabel('版本号').fill('V9.9');
    await drawer.getByLabel('修订内容').fill('调整回退决策时限');
    await drawer.getByLabel('回退决策时限（分钟）').fill('300');
    await drawer.getByLabel('CAB 法定赞成票数').fill('2.5');
    await drawer.getByLabel('季度发布成功率目标（%）').fill('-5');
    const escalate = drawer.getByLabel('提前提醒（分钟，可多个）');
    await escalate.click();
    await escalate.fill('1.5');
    await escalate.press('Enter');
    await escalate.press('Escape');
    await drawer.getByTestId('policy-draft-submit').click();
    const errors = drawer.locator('.ant-form-item-explain-error');
    await errors.getByText('不能大于 240', { exact: true }).waitFor();
    await errors.getByText('须为整数', { exact: true }).waitFor();
    await errors.getByText('不能小于 50', { exact: true }).waitFor();
    await errors.getByText('“1.5”须为 1 至 1440 的整数', { exact: true }).waitFor();
    expect(await drawer.getByLabel('回退决策时限（分钟）').inputValue()).toBe('300');
    expect(await drawer.getByLabel('CAB 法定赞成票数').inputValue()).toBe('2.5');
    await drawer.getByLabel('回退决策时限（分钟）').scrollIntoViewIfNeeded();
    await screenshot(boss, 'misuse-07-policy-numbers', { fullPage: false });
    await boss.setViewportSize({ width: 390, height: 844 });
    await drawer.getByLabel('回退决策时限（分钟）').scrollIntoViewIfNeeded();
    await screenshot(boss, 'misuse-07-policy-numbers-390', { fullPage: false });
    await boss.setViewportSize({ width: 1440, height: 900 });
    expect(((await (await api('boss')).get('/api/policy/versions')).versions as unknown[]).length).toBe(
      versionsBefore,
    );
    await drawer.getByRole('button', { name: '取消' }).click();
    await drawer.waitFor({ state: 'hidden' });
  });

  it('X-2：通知铃铛的“待办”与“动态摘要”（桌面与 390 px）', async () => {
    for (const user of ['cab2', 'boss'] as const) {
      const page = await as(user);
      await page.goto('/');
      await page.getByTestId('profile-card').waitFor();
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: width === 1440 ? 900 : 844 });
        await page.getByTestId('notification-bell').click();
        const list = page.getByTestId('notification-list');
        await list.waitFor();
        const tabs = list.getByTestId('notification-tabs');
        await tabs.getByText(/^待办/).click();
        await calm(page);
        await screenshot(page, `misuse-08-bell-todo-${user}${width === 390 ? '-390' : ''}`, {
          fullPage: false,
        });
        await tabs.getByText(/^动态摘要/).click();
        await list.getByText('全部标为已读').waitFor();
        await screenshot(page, `misuse-08-bell-digest-${user}${width === 390 ? '-390' : ''}`, {
          fullPage: false,
        });
        await page.getByTestId('notification-bell').click();
        await list.waitFor({ state: 'hidden' });
      }
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('X-4 leaves no uncaught errors and no CSP violations', () => {
    expectCleanPages(problems);
  });
});
