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
  type ReleaseCrew,
} from './harness/api';
import {
  expectCleanPages,
  expectNoHorizontalScroll,
  launchBrowser,
  newContext,
  pageProblems,
  screenshot,
} from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { startServer, type TestServer } from './harness/server';

// 在手机上作决定（问题 #17）：必须由某个人作出的决定——回退决策、CAB 表决、用户验收——
// 在 390 px 的手机上从通知里的链接打开，登录后直接回到该页面，看得全、点得到，不横向滚动；
// 另一位用户桌面上的页面实时更新。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng: { displayName: '运维工程师张伟', roles: ['operations_engineer'] },
  boss: { displayName: '运维管理部经理王芳', roles: ['operations_manager'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
  biz: { displayName: '业务代表陈静', roles: ['business_representative'] },
} as const;
type UserName = keyof typeof users;

const MONITORING = {
  indicators: [{ key: 'error_ratio', name: '转账失败率', comparator: 'gt', threshold: 5, unit: '%' }],
  errorPatterns: ['ORA-'],
};

describe('手机上的决定：通知链接 → 登录 → 决策页，390 px 不横向滚动', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const sessions = new Map<UserName, ApiSession>();
  let crew: ReleaseCrew;
  let release: ApprovedRelease;

  async function api(user: UserName): Promise<ApiSession> {
    const open = sessions.get(user);
    if (open) return open;
    const session = await signedInApi(browser, server.url, user, PASSWORD);
    sessions.set(user, session);
    return session;
  }

  /** Opens a deep link on a fresh phone, is sent to sign in, signs in, and lands on the link. */
  async function openOnPhone(user: UserName, link: string): Promise<Page> {
    const context = await newContext(browser, server.url, problems, { phone: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.waitForURL(/\/login\?next=/);
    await expectNoHorizontalScroll(page, 'the sign-in page');
    await page.getByLabel('用户名').fill(user);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByTestId('login-submit').tap();
    await page.waitForURL((url) => url.pathname + url.search === link);
    return page;
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);
    crew = {
      cfg: await api('cfg'),
      engineer: await api('eng'),
      manager: await api('boss'),
      cab: [await api('cab1'), await api('cab2')],
    };
    const now = Date.now();
    release = await approvedRelease(crew, {
      ci: { name: '网银转账服务', version: '2.3.1', critical: true },
      title: '网银转账服务 2.4.0 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
      plan: { monitoring: MONITORING },
    });
    await passPreReleaseChecks(crew.engineer, release.id);
    await crew.engineer.post(`/api/releases/${release.id}/implementation/start`);
    for (const value of [1.2, 1.8, 2.6])
      await crew.engineer.post(`/api/releases/${release.id}/readings`, { indicator: 'error_ratio', value });
  });

  afterEach(({ task }) => screenshotFailure(browser, task, 'phone'));

  afterAll(async () => {
    for (const s of sessions.values()) await s.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('RB-2 X-3：经理在手机上从回退通知的链接登录，看到倒计时、触发证据与指标曲线，决定回退并写明理由；工程师桌面页面实时更新', async () => {
    const link = `/releases/${release.id}?tab=rollback`;
    // The engineer watches the release on a desktop.
    const desk = await (await newContext(browser, server.url, problems)).newPage();
    await desk.goto('/login');
    await desk.getByLabel('用户名').fill('eng');
    await desk.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await desk.getByTestId('login-submit').click();
    await desk.getByTestId('profile-card').waitFor();
    await desk.goto(link);
    await desk.getByTestId('release-state').getByText('实施中').waitFor();

    // A breach raises the trigger; the notice's link is what the manager opens.
    const breach = await crew.engineer.post(`/api/releases/${release.id}/readings`, {
      indicator: 'error_ratio',
      value: 7.5,
    });
    expect(breach.trigger).toBeTruthy();
    const phone = await openOnPhone('boss', link);
    // The trigger as a card: the countdown, the evidence, the indicator's curve, the two decisions.
    const card = phone.getByTestId(`trigger-row-${breach.trigger.id}`);
    await card.getByText(/29:[0-5]\d/).waitFor();
    await card.getByText('[error_ratio] 转账失败率 = 7.5 (> 5 %)').waitFor();
    await card.getByText(/证据：运维工程师张伟 于 .* 录入的读数/).waitFor();
    await card.getByTestId('indicator-chart-error_ratio').locator('canvas').waitFor();
    await expectNoHorizontalScroll(phone, 'the rollback decision page');
    await screenshot(phone, 'phone-01-rollback-decision', { fullPage: false });
    await screenshot(phone, 'phone-01-rollback-decision-full');

    // The lifecycle in two lines, the menu behind a button.
    await phone.getByTestId('release-steps').getByText('第 6 / 8 步：实施中').waitFor();
    await phone.getByTestId('menu-open').tap();
    await phone.getByTestId('menu-drawer').getByText('发布', { exact: true }).waitFor();
    await expectNoHorizontalScroll(phone, 'the open menu');
    await screenshot(phone, 'phone-02-menu', { fullPage: false });
    await phone.keyboard.press('Escape');
    await phone.getByTestId('menu-drawer').waitFor({ state: 'hidden' });

    await card.getByTestId(`trigger-rollback-${breach.trigger.id}`).tap();
    const decide = phone.getByTestId('decide-rollback-modal');
    await decide.getByLabel('决策理由').fill('转账失败率 7.5% 超过阈值，按计划回退到 2.3.1');
    await expectNoHorizontalScroll(phone, 'the decision dialog');
    await screenshot(phone, 'phone-03-decide-rollback', { fullPage: false });
    await decide.getByRole('button', { name: '决定回退' }).tap();
    await decide.waitFor({ state: 'hidden' });
    await phone.getByTestId('release-state').getByText('回退中').waitFor();
    await card.getByText('转账失败率 7.5% 超过阈值，按计划回退到 2.3.1').waitFor();

    // The engineer's desktop page follows without a reload.
    await desk.evaluate(() => ((globalThis as { rgMark?: string }).rgMark = 'kept'));
    await desk.getByTestId('release-state').getByText('回退中').waitFor();
    await desk
      .getByTestId('triggers-table')
      .getByText('转账失败率 7.5% 超过阈值，按计划回退到 2.3.1')
      .waitFor();
    expect(await desk.evaluate(() => (globalThis as { rgMark?: string }).rgMark)).toBe('kept');
    await expectNoHorizontalScroll(phone, 'the release rolling back');
    await screenshot(phone, 'phone-04-rolling-back');
    expectCleanPages(problems);
  });

  it('IN-1 X-3：CAB 委员在手机上从通知的链接登录，阅读变更并投赞成票；票数随即更新', async () => {
    const ci = await crew.cfg.post('/api/cmdb/cis', {
      type: 'application',
      name: '短信网关',
      environment: 'production',
      version: '1.8.0',
    });
    const change = await crew.engineer.post('/api/changes', {
      title: '短信网关扩容',
      description: '按变更计划扩容两台短信网关节点，预计影响 5 分钟',
      risk: 'medium',
      ciIds: [ci.id],
    });
    await crew.engineer.post(`/api/changes/${change.id}/submit`);
    const link = `/changes/${change.id}`;
    const phone = await openOnPhone('cab1', link);
    await phone.getByTestId('change-state').getByText('CAB 审议中').waitFor();
    await expectNoHorizontalScroll(phone, 'the change under CAB review');
    await screenshot(phone, 'phone-05-cab-review');
    await phone.getByTestId('change-approve').tap();
    const vote = phone.getByTestId('change-vote-modal');
    await vote.getByLabel('表决意见').fill('扩容方案与回退步骤清楚，同意');
    await expectNoHorizontalScroll(phone, 'the vote dialog');
    await vote.getByRole('button', { name: '赞成' }).tap();
    await vote.waitFor({ state: 'hidden' });
    await phone.getByTestId('change-votes').getByText('扩容方案与回退步骤清楚，同意').waitFor();
    await phone.getByTestId('change-quorum').getByText('赞成 1 / 2 票').waitFor();
    await expectNoHorizontalScroll(phone, 'the change after the vote');
    await screenshot(phone, 'phone-06-cab-voted');
    expectCleanPages(problems);
  });

  it('PO-1 X-3：业务部门代表在手机上从通知的链接登录，签署用户验收', async () => {
    const now = Date.now();
    const second = await approvedRelease(crew, {
      ci: { name: '手机银行', version: '5.2.0' },
      title: '手机银行 5.3.0 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
    });
    await passPreReleaseChecks(crew.engineer, second.id);
    await implementRelease(crew.engineer, second.id, 2);
    const link = `/releases/${second.id}?tab=postrelease`;
    const phone = await openOnPhone('biz', link);
    // 我的待办 on the phone lists the acceptance, and leads back to it.
    await phone.goto('/');
    const task = phone.getByTestId('my-tasks').getByTestId('my-task').filter({ hasText: second.number });
    await task.getByText('签署用户验收').waitFor();
    // On the phone 我的待办 comes before the profile.
    const tasksTop = (await phone.getByTestId('my-tasks').boundingBox())!.y;
    expect(tasksTop).toBeLessThan((await phone.getByTestId('profile-card').boundingBox())!.y);
    await expectNoHorizontalScroll(phone, '我的待办');
    await screenshot(phone, 'phone-07a-my-tasks');
    await task.getByText('签署用户验收').tap();
    const form = phone.getByTestId('acceptance-form');
    await form.getByText('以 业务代表陈静 的名义签署').waitFor();
    await expectNoHorizontalScroll(phone, 'the acceptance page');
    await screenshot(phone, 'phone-07-acceptance');
    await form.getByLabel('业务部门').fill('个人金融部');
    await form.getByLabel('验收意见').fill('转账与理财功能符合需求，同意上线');
    await form.getByTestId('acceptance-submit').tap();
    const signed = phone.getByTestId('acceptance-signed');
    await signed.getByTestId('acceptance-decision').getByText('验收通过').waitFor();
    await expectNoHorizontalScroll(phone, 'the signed acceptance');
    await screenshot(phone, 'phone-08-acceptance-signed');
    expectCleanPages(problems);
  });

  it('X-2 X-4：用户在手机上绑定自己的手机号与 IM 账号；格式不对时原因显示在字段旁，什么也不保存', async () => {
    const phone = await openOnPhone('eng', '/account/contact');
    await phone.getByTestId('contact-mobilePhone').fill('138 0000 1111');
    await phone.getByTestId('contact-dingtalkUserId').fill('zhangwei01');
    await phone.getByTestId('contact-save').tap();
    await phone.locator('.ant-form-item-explain-error').first().waitFor();
    await expectNoHorizontalScroll(phone, 'the binding form with an error');
    await screenshot(phone, 'phone-09-contact-error');
    expect((await crew.engineer.get('/api/account/contact')).mobilePhone).toBeNull();

    await phone.getByTestId('contact-mobilePhone').fill('13800001111');
    await phone.getByTestId('contact-save').tap();
    await phone.getByText('已保存').waitFor();
    expect(await crew.engineer.get('/api/account/contact')).toMatchObject({
      mobilePhone: '13800001111',
      dingtalkUserId: 'zhangwei01',
    });
    await expectNoHorizontalScroll(phone, 'the binding form');
    await screenshot(phone, 'phone-10-contact-saved');
    expectCleanPages(problems);
  });
});
