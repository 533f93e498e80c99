import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page, Request } from 'playwright-core';
import {
  approvedRelease,
  implementRelease,
  passPreReleaseChecks,
  plannedRelease,
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
  PHONE,
  screenshot,
} from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { startServer, type TestServer } from './harness/server';
import { calm, setLanguage } from './harness/ui';

// 在手机上作决定（问题 #17）：必须由某个人作出的决定——回退决策、CAB 表决、用户验收——
// 在 390 px 的手机上从通知里的链接打开，登录后直接回到该页面，看得全、点得到，不横向滚动；
// 另一位用户桌面上的页面实时更新。发布计划与最终软件库版本的审批人先看到与上一版相比的修改，
// 各章节折叠，批准或驳回是整行宽的按钮；英文界面同样如此。
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

const DAY = 24 * 3600_000;
const DIGEST = 'a'.repeat(40) + '0123456789abcdef01234567';

/** A button the thumb reaches: as wide as the page's content, and tall enough to tap. */
async function expectFullWidth(button: Locator): Promise<void> {
  const box = (await button.boundingBox())!;
  expect(box.width).toBeGreaterThan(PHONE.width * 0.75);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  expect(box.height).toBeGreaterThanOrEqual(36);
}

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

  /** A release whose approved plan (version 1) the engineer revised: version 2 awaits approval. */
  async function revisedPlan(title: string, ciName: string) {
    const now = Date.now();
    const release = await approvedRelease(crew, {
      ci: { name: ciName, version: '3.1.0' },
      title,
      window: { start: new Date(now + DAY), end: new Date(now + DAY + 3 * 3600_000) },
    });
    await crew.engineer.post(`/api/releases/${release.id}/plan/revise`, {
      reason: '窗口顺延两天，增加对账步骤',
    });
    const {
      plans: [draft],
    } = await crew.engineer.get(`/api/releases/${release.id}/plans`);
    await crew.engineer.put(`/api/releases/${release.id}/plan`, {
      ...draft.content,
      window: {
        start: new Date(now + 3 * DAY).toISOString(),
        end: new Date(now + 3 * DAY + 3 * 3600_000).toISOString(),
      },
      steps: [
        ...draft.content.steps,
        { title: '核对当日账务', owner: '李娜', expectedMinutes: 15, verification: '对账差异为零' },
      ],
    });
    await crew.engineer.post(`/api/releases/${release.id}/plan/submit`);
    return release;
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
    // The trigger as a card: the countdown, the evidence, the two decisions, the indicator's curve.
    const card = phone.getByTestId(`trigger-row-${breach.trigger.id}`);
    // The countdown itself (a time elsewhere on the page may read 15:29 too).
    await card
      .getByTestId(`trigger-countdown-${breach.trigger.id}`)
      .getByText(/29:[0-5]\d/)
      .waitFor();
    await card.getByText('[error_ratio] 转账失败率 = 7.5 (> 5 %)').waitFor();
    await card.getByText(/证据：运维工程师张伟 于 .* 录入的读数/).waitFor();
    // RB-2: the decisions are on the first screen, above the curve.
    const [decideTop, chartTop] = await Promise.all(
      [
        card.getByTestId(`trigger-rollback-${breach.trigger.id}`),
        card.getByTestId('indicator-chart-error_ratio-waiting'),
      ].map(async (element) => (await element.boundingBox())?.y ?? Infinity),
    );
    expect(decideTop).toBeLessThan(chartTop);
    expect(decideTop + 40).toBeLessThanOrEqual(844);
    // Both decisions whole on the first screen, side by side.
    const carryOn = await card.getByTestId(`trigger-continue-${breach.trigger.id}`).boundingBox();
    expect(carryOn!.y).toBe(decideTop);
    expect(carryOn!.y + carryOn!.height).toBeLessThanOrEqual(844);
    await screenshot(phone, 'phone-01-rollback-decision', { fullPage: false });
    // The curve's code is fetched once it is scrolled to (issue #18).
    await card.evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await card.getByTestId('indicator-chart-error_ratio').locator('canvas').waitFor();
    await expectNoHorizontalScroll(phone, 'the rollback decision page');
    await phone.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
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
    // every tab is in reach on a phone, not only those the strip has room for.
    await phone.getByTestId('tabs-menu').tap();
    const audit = phone.getByRole('menu').getByRole('menuitem', { name: '审计' });
    await audit.waitFor();
    await screenshot(phone, 'phone-04a-all-tabs', { fullPage: false });
    await audit.tap();
    await phone.waitForURL(/tab=audit/);
    await phone.getByRole('tab', { name: '审计', selected: true }).waitFor();
    // The overview's changes, items and targets read as cards on a phone.
    await phone.getByTestId('tabs-menu').tap();
    await phone.getByRole('menu').getByRole('menuitem', { name: '概况' }).tap();
    await phone.getByTestId('release-changes-table').getByTestId('phone-table-row').first().waitFor();
    await phone.getByTestId('release-targets-table').getByTestId('phone-table-row').first().waitFor();
    await expectNoHorizontalScroll(phone, 'the overview');
    await screenshot(phone, 'phone-04b-overview');
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
    // The CIs it touches as a card of label and value, not a table squeezed to a character a line.
    await phone
      .getByTestId('change-cis-table')
      .getByTestId('phone-table-row')
      .getByRole('link', { name: '短信网关' })
      .waitFor();
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
    const scripts: string[] = [];
    const listen = (request: Request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    };
    phone.on('request', listen);
    await phone.goto('/');
    const task = phone.getByTestId('my-tasks').getByTestId('my-task').filter({ hasText: second.number });
    await task.getByText('签署用户验收').waitFor();
    // Issue #18: 我的待办 is quick to open — the chart library is not among its scripts.
    phone.off('request', listen);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((url) => url.includes('echarts'))).toEqual([]);
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
    await phone.getByTestId('contact-mobilePhone').fill('138 0000 111');
    await phone.getByTestId('contact-dingtalkUserId').fill('zhangwei01');
    await phone.getByTestId('contact-save').tap();
    await phone.locator('.ant-form-item-explain-error').first().waitFor();
    await expectNoHorizontalScroll(phone, 'the binding form with an error');
    await screenshot(phone, 'phone-09-contact-error');
    expect((await crew.engineer.get('/api/account/contact')).mobilePhone).toBeNull();

    // Written as people write it; kept as digits.
    await phone.getByTestId('contact-mobilePhone').fill('138 0000 1111');
    await phone.getByTestId('contact-save').tap();
    await phone.getByText('已保存').waitFor();
    // Bound by the user alone: cards do not act as them until the security administrator confirms.
    await phone
      .getByTestId('contact-confirmation')
      .getByText(/需先由安全管理员确认/)
      .waitFor();
    expect(await crew.engineer.get('/api/account/contact')).toMatchObject({
      mobilePhone: '13800001111',
      dingtalkUserId: 'zhangwei01',
    });
    await expectNoHorizontalScroll(phone, 'the binding form');
    await screenshot(phone, 'phone-10-contact-saved');
    expectCleanPages(problems);
  });

  it('X-4 X-3：安全管理员在手机上打开用户管理：操作列不盖住用户，姓名看得全；其余操作在“更多”里', async () => {
    const context = await newContext(browser, server.url, problems, { phone: true });
    const phone = await context.newPage();
    await phone.goto('/admin/users');
    await phone.waitForURL(/\/login\?next=/);
    await phone.getByLabel('用户名').fill(admin.username);
    await phone.getByLabel('密码', { exact: true }).fill(admin.password);
    await phone.getByTestId('login-submit').tap();
    await phone.waitForURL((url) => url.pathname === '/admin/users');
    const name = phone.getByTestId('user-table').getByText(users.eng.displayName, { exact: true });
    await name.waitFor();
    // What a finger on the name touches is the name, not an actions column pinned over it
    // (a trial tap fails when another element would receive it).
    await name.tap({ trial: true, timeout: 5_000 });
    await expectNoHorizontalScroll(phone, 'the users page');
    await screenshot(phone, 'phone-09b-users');
    await phone.getByTestId('user-actions-eng').getByRole('button', { name: /更多/ }).tap();
    await phone.getByRole('menu').getByRole('menuitem', { name: '重置密码' }).waitFor();
    await context.close();
    expectCleanPages(problems);
  });

  it('PL-2 PL-3 X-3：经理在手机上从通知的链接打开修订后的计划，先看到与第 1 版相比的修改，各章节折叠，批准', async () => {
    const release = await revisedPlan('核心账务系统 3.2.0 发布', '核心账务系统');
    const link = `/releases/${release.id}?tab=plan`;
    const phone = await openOnPhone('boss', link);
    const summary = phone.getByTestId('plan-summary');
    await summary.getByText('发布计划 第 2 版').waitFor();
    await summary.getByText('待审批').waitFor();

    // What changed since version 1 comes first: the window and the steps, nothing else.
    const changes = phone.getByTestId('plan-changes');
    await changes.getByText('与第 1 版相比的修改').waitFor();
    await changes.getByTestId('plan-change-window').waitFor();
    await changes.getByTestId('plan-change-steps').waitFor();
    expect(await changes.locator('.ant-collapse-item').count()).toBe(2);
    const sections = phone.getByTestId('plan-sections');
    expect((await changes.boundingBox())!.y).toBeLessThan((await sections.boundingBox())!.y);
    // Every section folded, the changed ones marked.
    expect(await sections.locator('.ant-collapse-item').count()).toBe(10);
    expect(await sections.locator('.ant-collapse-item-active').count()).toBe(0);
    await sections
      .locator('.ant-collapse-item')
      .filter({ hasText: '9. 实施步骤' })
      .getByText('已修改')
      .waitFor();
    await expectFullWidth(summary.getByTestId('action-approve_plan'));
    await expectFullWidth(summary.getByTestId('action-reject_plan'));
    // Shown once: the header's action bar leaves the plan's own actions to the plan tab.
    expect(await phone.getByTestId('release-actions').getByTestId('action-approve_plan').count()).toBe(0);
    await expectNoHorizontalScroll(phone, 'the plan under review');
    await screenshot(phone, 'phone-11-plan-review', { fullPage: false });
    await screenshot(phone, 'phone-11-plan-review-full');

    // The changed steps open with what version 1 said beneath them.
    await changes.getByTestId('plan-change-steps').tap();
    await changes.getByText('核对当日账务').waitFor();
    const before = changes.getByTestId('plan-before-steps');
    await before.getByText('验证转账功能').waitFor();
    expect(await before.getByText('核对当日账务').count()).toBe(0);
    await expectNoHorizontalScroll(phone, 'the changed steps');
    await screenshot(phone, 'phone-12-plan-changed-steps');
    await changes.getByText('核对当日账务').scrollIntoViewIfNeeded();
    await screenshot(phone, 'phone-12a-plan-new-steps', { fullPage: false });
    await before.scrollIntoViewIfNeeded();
    await screenshot(phone, 'phone-12b-plan-steps-before', { fullPage: false });

    // A folded section opens on a tap, its tables as cards.
    await sections.getByTestId('plan-part-risks').tap();
    await sections.getByText('新版本不兼容').waitFor();
    await expectNoHorizontalScroll(phone, 'an open section');

    await summary.getByTestId('action-approve_plan').tap();
    const approve = phone.getByTestId('plan-approve-modal');
    await approve.getByLabel('审批意见（可选）').fill('窗口顺延与对账步骤合理，同意');
    await expectNoHorizontalScroll(phone, 'the approval dialog');
    await screenshot(phone, 'phone-13-plan-approve', { fullPage: false });
    await approve.getByRole('button', { name: '批准计划' }).tap();
    await approve.waitFor({ state: 'hidden' });
    await phone.getByTestId('release-state').getByText('计划已批准').waitFor();
    await summary.getByText('已批准').waitFor();
    const {
      plans: [latest],
    } = await crew.engineer.get(`/api/releases/${release.id}/plans`);
    expect(latest).toMatchObject({
      version: 2,
      status: 'approved',
      decisionComment: '窗口顺延与对账步骤合理，同意',
    });
    await calm(phone);
    await expectNoHorizontalScroll(phone, 'the approved plan');
    await screenshot(phone, 'phone-14-plan-approved');
    expectCleanPages(problems);
  });

  it('PL-2 X-3：经理在手机上驳回第一次提交的计划并写明需要修改的内容；计划退回制定', async () => {
    const now = Date.now();
    const release = await plannedRelease(crew, {
      ci: { name: '理财销售系统', version: '5.2.0' },
      title: '理财销售系统 4.1.0 发布',
      window: { start: new Date(now + DAY), end: new Date(now + DAY + 3 * 3600_000) },
    });
    const phone = await openOnPhone('boss', `/releases/${release.id}?tab=plan`);
    const summary = phone.getByTestId('plan-summary');
    await summary.getByText('发布计划 第 1 版').waitFor();
    // A first submission has no earlier version to compare with: the sections, folded.
    const sections = phone.getByTestId('plan-sections');
    await sections.getByTestId('plan-part-purpose').waitFor();
    expect(await phone.getByTestId('plan-changes').count()).toBe(0);
    expect(await sections.locator('.ant-collapse-item-active').count()).toBe(0);
    await expectNoHorizontalScroll(phone, 'a first plan under review');
    await screenshot(phone, 'phone-15-plan-first-review');

    const reject = summary.getByTestId('action-reject_plan');
    await expectFullWidth(reject);
    await reject.tap();
    const dialog = phone.getByTestId('plan-reject-modal');
    // The reason is required: an empty one is named beside the field and nothing is sent.
    await dialog.getByRole('button', { name: '驳回计划' }).tap();
    await dialog.locator('.ant-form-item-explain-error').waitFor();
    await dialog.getByLabel('需要修改的内容').fill('回退步骤缺少数据库恢复，请补充并注明预计用时');
    await expectNoHorizontalScroll(phone, 'the rejection dialog');
    await screenshot(phone, 'phone-16-plan-reject', { fullPage: false });
    await dialog.getByRole('button', { name: '驳回计划' }).tap();
    await dialog.waitFor({ state: 'hidden' });
    await phone.getByTestId('release-state').getByText('计划制定').waitFor();
    await summary.getByText('已驳回').waitFor();
    await phone.getByText('回退步骤缺少数据库恢复，请补充并注明预计用时').first().waitFor();
    const {
      plans: [rejected],
    } = await crew.engineer.get(`/api/releases/${release.id}/plans`);
    expect(rejected).toMatchObject({
      status: 'rejected',
      decisionComment: '回退步骤缺少数据库恢复，请补充并注明预计用时',
    });
    await calm(phone);
    await expectNoHorizontalScroll(phone, 'the rejected plan');
    await screenshot(phone, 'phone-17-plan-rejected');

    // The engineer adds the missing step and submits again: the manager reads just that change,
    // against version 1 as it was rejected (redrafted in place, it is still version 1).
    await crew.engineer.put(`/api/releases/${release.id}/plan`, {
      ...rejected.content,
      rollback: {
        ...rejected.content.rollback,
        steps: [
          ...rejected.content.rollback.steps,
          {
            title: '恢复数据库至发布前备份',
            owner: '王磊',
            expectedMinutes: 20,
            verification: '账户余额核对一致',
          },
        ],
      },
    });
    await crew.engineer.post(`/api/releases/${release.id}/plan/submit`);
    await phone.getByTestId('release-state').getByText('计划审批').waitFor();
    const changes = phone.getByTestId('plan-changes');
    await changes.getByText('与第 1 版相比的修改').waitFor();
    await changes.getByText('已驳回').waitFor();
    expect(await changes.locator('.ant-collapse-item').count()).toBe(1);
    await changes.getByTestId('plan-change-rollback').tap();
    await changes.getByText('恢复数据库至发布前备份').waitFor();
    expect(
      await changes.getByTestId('plan-before-rollback').getByText('恢复数据库至发布前备份').count(),
    ).toBe(0);
    await expectNoHorizontalScroll(phone, 'the resubmitted plan');
    await screenshot(phone, 'phone-17a-plan-resubmitted', { fullPage: false });
    expectCleanPages(problems);
  });

  it('DS-1 X-3：经理在手机上从通知的链接打开待审批的软件版本，看清摘要与来源后批准', async () => {
    const version = await crew.engineer.post('/api/dsl/versions', {
      name: 'netbank-core',
      version: '2.4.0',
      description: '网银核心应用 2.4.0 发布包',
      source: 'GitLab 流水线 #4711',
      external: {
        url: 'https://artifacts.example.com/netbank-core-2.4.0.tar.gz',
        digest: DIGEST,
        size: 52_428_800,
      },
    });
    expect(version.state).toBe('pending');
    const phone = await openOnPhone('boss', `/dsl/versions/${version.id}`);
    await phone.getByTestId('dsl-state').getByText('待审批').waitFor();
    const fields = phone.getByTestId('dsl-fields');
    await fields.getByTestId('dsl-digest').getByText(DIGEST).waitFor();
    await fields.getByText('GitLab 流水线 #4711').waitFor();
    await fields.getByText('运维工程师张伟').waitFor();
    await expectFullWidth(phone.getByTestId('dsl-approve'));
    await expectFullWidth(phone.getByTestId('dsl-reject'));
    await expectNoHorizontalScroll(phone, 'the DSL version awaiting approval');
    await screenshot(phone, 'phone-18-dsl-pending');

    await phone.getByTestId('dsl-approve').tap();
    const approve = phone.getByTestId('dsl-approve-modal');
    await approve.getByLabel('审批意见').fill('制品摘要与流水线一致，同意入库');
    await expectNoHorizontalScroll(phone, 'the DSL approval dialog');
    await screenshot(phone, 'phone-19-dsl-approve', { fullPage: false });
    await approve.getByRole('button', { name: '批准' }).tap();
    await approve.waitFor({ state: 'hidden' });
    await phone.getByTestId('dsl-state').getByText('已批准').waitFor();
    await phone.getByTestId('dsl-decision').getByText('制品摘要与流水线一致，同意入库').waitFor();
    await calm(phone);
    await expectNoHorizontalScroll(phone, 'the approved DSL version');
    await screenshot(phone, 'phone-20-dsl-approved');
    expectCleanPages(problems);
  });

  it('X-3 PL-2 DS-1：英文界面的手机上，计划的修改与软件版本的驳回同样看得全、点得到', async () => {
    const release = await revisedPlan('Ledger 3.2.0 release', 'Ledger');
    const version = await crew.engineer.post('/api/dsl/versions', {
      name: 'ledger-batch',
      version: '1.9.0',
      source: 'Jenkins build #88',
      external: {
        url: 'https://artifacts.example.com/ledger-batch-1.9.0.jar',
        digest: 'b'.repeat(64),
        size: 1_048_576,
      },
    });
    const phone = await openOnPhone('boss', `/releases/${release.id}?tab=plan`);
    await setLanguage(phone, 'en');
    await phone.reload();
    expect(await phone.locator('html').getAttribute('lang')).toBe('en');
    const summary = phone.getByTestId('plan-summary');
    await summary.getByText('Release plan version 2').waitFor();
    const changes = phone.getByTestId('plan-changes');
    await changes.getByText('Changes since version 1').waitFor();
    await changes.getByTestId('plan-change-steps').getByText('9. Implementation steps').waitFor();
    await expectFullWidth(summary.getByRole('button', { name: 'Approve plan' }));
    await expectFullWidth(summary.getByRole('button', { name: 'Reject plan' }));
    await expectNoHorizontalScroll(phone, 'the plan under review, in English');
    await screenshot(phone, 'phone-21-en-plan-review');
    await changes.getByTestId('plan-change-window').tap();
    await changes.getByTestId('plan-before-window').waitFor();
    await expectNoHorizontalScroll(phone, 'the changed window, in English');
    await screenshot(phone, 'phone-22-en-plan-window', { fullPage: false });

    await phone.goto(`/dsl/versions/${version.id}`);
    await phone.getByTestId('dsl-state').getByText('Awaiting approval').waitFor();
    await phone.getByTestId('dsl-fields').getByText('Jenkins build #88').waitFor();
    await expectNoHorizontalScroll(phone, 'the DSL version, in English');
    await screenshot(phone, 'phone-23-en-dsl-pending');
    await phone.getByTestId('dsl-reject').tap();
    const reject = phone.getByTestId('dsl-reject-modal');
    await reject.getByLabel('Reason for rejecting').fill('The digest does not match the build log');
    await expectNoHorizontalScroll(phone, 'the DSL rejection dialog, in English');
    await reject.getByRole('button', { name: 'Reject' }).tap();
    await reject.waitFor({ state: 'hidden' });
    await phone.getByTestId('dsl-state').getByText('Rejected').waitFor();
    await calm(phone);
    await expectNoHorizontalScroll(phone, 'the rejected DSL version, in English');
    await screenshot(phone, 'phone-24-en-dsl-rejected');
    await setLanguage(phone, 'zh');
    expectCleanPages(problems);
  });
  it('RB-2 X-3（问题 #18）：经理的手机打开回退决策页时，服务器已把页面画好——倒计时、证据与两个决定按钮在脚本运行前就在；应用接管后不重画，决定照常作出', async () => {
    const now = Date.now();
    const waiting = await approvedRelease(crew, {
      ci: { name: '网银对账服务', version: '1.4.0', critical: true },
      title: '网银对账服务 1.5.0 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
      plan: { monitoring: MONITORING },
    });
    await passPreReleaseChecks(crew.engineer, waiting.id);
    await crew.engineer.post(`/api/releases/${waiting.id}/implementation/start`);
    const breach = await crew.engineer.post(`/api/releases/${waiting.id}/readings`, {
      indicator: 'error_ratio',
      value: 9.1,
    });
    const link = `/releases/${waiting.id}?tab=rollback`;
    const phone = await openOnPhone('boss', link);

    // Opened again, as from the notice once signed in: the page arrives drawn, with its data.
    const answer = await phone.goto(link);
    const html = (await answer?.text()) ?? '';
    const drawn = html.slice(html.indexOf('<div id="root">'));
    expect(drawn).toContain(`data-testid="trigger-countdown-${breach.trigger.id}"`);
    expect(drawn).toContain('[error_ratio] 转账失败率 = 9.1 (&gt; 5 %)');
    expect(drawn).toContain(`data-testid="trigger-rollback-${breach.trigger.id}"`);
    expect(html).toContain('id="releasegate-first-paint"');
    expect(answer?.headers()['cache-control']).toBe('no-store');

    // The app takes the drawn page over: the same elements, now answering.
    const card = phone.getByTestId(`trigger-row-${breach.trigger.id}`);
    const decideButton = card.getByTestId(`trigger-rollback-${breach.trigger.id}`);
    await expect
      .poll(() => decideButton.evaluate((el) => Object.keys(el).some((k) => k.startsWith('__reactFiber$'))))
      .toBe(true);
    await card
      .getByTestId(`trigger-countdown-${breach.trigger.id}`)
      .getByText(/29:[0-5]\d/)
      .waitFor();
    await expectNoHorizontalScroll(phone, 'the drawn rollback decision page');
    await screenshot(phone, 'phone-30-drawn-rollback-decision', { fullPage: false });
    await decideButton.tap();
    const decide = phone.getByTestId('decide-rollback-modal');
    await decide.getByLabel('决策理由').fill('对账失败率 9.1% 超过阈值，回退到 1.4.0');
    await decide.getByRole('button', { name: '决定回退' }).tap();
    await decide.waitFor({ state: 'hidden' });
    await phone.getByTestId('release-state').getByText('回退中').waitFor();

    // 我的待办, drawn too, no longer lists the decision taken.
    const home = await phone.goto('/');
    expect((await home?.text()) ?? '').toContain('data-testid="my-tasks"');
    await phone.getByTestId('my-tasks').waitFor();
    const decisionTask = phone
      .getByTestId('my-task')
      .filter({ hasText: '作出回退决策' })
      .filter({ hasText: '网银对账服务 1.5.0 发布' });
    await expect.poll(() => decisionTask.count()).toBe(0);
    // The drawn page carries no styles of what it did not show (a closed popover): the app writes
    // them when the bell's list first opens, so it opens styled as anywhere else.
    expect((await home?.text()) ?? '').not.toMatch(/\)\.ant-popover\{/);
    await phone.getByTestId('notification-bell').tap();
    const popover = phone.locator('.ant-popover').filter({ hasText: '通知' });
    await popover.waitFor();
    expect(await popover.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).position)).toBe(
      'absolute',
    );
    expect(
      await popover
        .locator('.ant-popover-container')
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor),
    ).toBe('rgb(255, 255, 255)');
    expectCleanPages(problems);
  });
});
