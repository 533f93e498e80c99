import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { chooseOptions, signIn } from './harness/ui';
import { createPerson } from './harness/api';

// 一个重大发布的完整流程：从变更管理委员会批准的变更，到批准的发布计划，每一步由有权限的角色完成。
// 安全管理员通过接口创建用户，配置管理员通过接口登记两个配置项（其中一个是核心配置项）；其余都在浏览器里完成。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng1: { displayName: '运维工程师一', roles: ['operations_engineer'] },
  eng2: { displayName: '运维工程师二', roles: ['operations_engineer'] },
  boss: { displayName: '运维管理部经理', roles: ['operations_manager'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
} as const;
type UserName = keyof typeof users;

const CORE_CI = '网银核心应用';
const OTHER_CI = '短信通知服务';

/** "2026-12-10 22:00": the release window, a few days ahead, as the date picker takes it. */
function at(daysAhead: number, hour: number, minute: number): Date {
  const d = new Date();
  d.setDate(d.getDate() + daysAhead);
  d.setHours(hour, minute, 0, 0);
  return d;
}
const pad = (n: number) => String(n).padStart(2, '0');
const pickerText = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** A signed-in API session (cookie and CSRF token) for setting things up as a given user. */
async function apiSession(context: BrowserContext, username: string, password: string) {
  const login = await context.request.post('/api/auth/login', { data: { username, password } });
  expect(login.status(), await login.text()).toBe(200);
  const csrf = (await context.cookies()).find((c) => c.name === 'rg_csrf')?.value ?? '';
  const request: APIRequestContext = context.request;
  return {
    async post(path: string, data?: unknown) {
      const response = await request.post(path, { headers: { 'X-CSRF-Token': csrf }, data });
      expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
      return response.json();
    },
  };
}

/** Waits until the success toasts are gone, so the picture shows the page. */
async function calm(page: Page): Promise<void> {
  await page
    .locator('.ant-message-notice')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

/** Types a start and an end into an Ant Design range picker with time. */
async function fillRange(scope: Locator, start: Date, end: Date): Promise<void> {
  const inputs = scope.locator('.ant-picker-input input');
  await inputs.first().click();
  await inputs.first().fill(pickerText(start));
  await inputs.first().press('Enter');
  await inputs.last().fill(pickerText(end));
  await inputs.last().press('Enter');
}

/** Picks a CI in a CI select: type part of its name, wait for the server's answer, click it. */
async function pickCi(page: Page, select: Locator, name: string): Promise<void> {
  await select.click();
  await page.keyboard.type(name);
  await page.getByTitle(`${name} · 应用系统 · 生产`, { exact: true }).last().click();
  await page.keyboard.press('Escape');
}

describe('发布管理：重大发布从变更到批准的发布计划', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const pages = new Map<UserName, Page>();
  let changeNumber = '';
  let changeId = '';
  let releaseUrl = '';
  let windowStart: Date;

  /** The browser of a user, signed in on first use. */
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

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const adminContext = await newContext(browser, server.url, problems);
    const setup = await adminContext.newPage();
    await setup.goto(server.setupLink);
    await setup.getByLabel('用户名').fill(admin.username);
    await setup.getByLabel('显示名称').fill(admin.displayName);
    await setup.getByLabel('密码', { exact: true }).fill(admin.password);
    await setup.getByLabel('确认密码').fill(admin.password);
    await setup.getByRole('button', { name: '创建账户并登录' }).click();
    await setup.getByTestId('profile-card').waitFor();

    // 安全管理员通过接口创建六个业务用户。
    for (const [username, user] of Object.entries(users))
      await createPerson(browser, server.url, adminContext, { username, ...user }, PASSWORD);
    await adminContext.close();

    // 配置管理员登记两个生产环境的应用系统，其中网银核心应用是核心配置项。
    const cfgContext = await browser.newContext({ baseURL: server.url });
    const cfg = await apiSession(cfgContext, 'cfg', PASSWORD);
    await cfg.post('/api/cmdb/cis', {
      type: 'application',
      name: CORE_CI,
      environment: 'production',
      critical: true,
      version: '2.3.1',
      owner: '李娜',
    });
    await cfg.post('/api/cmdb/cis', {
      type: 'application',
      name: OTHER_CI,
      environment: 'production',
      critical: false,
      version: '1.4.0',
      owner: '王强',
    });
    await cfgContext.close();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const open = browser.contexts().flatMap((c) => c.pages());
    for (const [i, page] of open.entries())
      await screenshot(page, `failed-release-${task.name.split(/[：:]/)[0].replace(/\W+/g, '-')}-${i}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('IN-1 IN-2：运维工程师登记变更并提交，两名 CAB 委员表决批准', async () => {
    const eng1 = await as('eng1');
    const menu = eng1.getByTestId('main-menu');
    for (const group of ['发布管理', '变更管理', '发布管理制度'])
      await menu.getByText(group, { exact: true }).waitFor();
    await menu.getByText('变更', { exact: true }).click();
    await eng1.getByRole('heading', { name: '变更', exact: true }).waitFor();
    await eng1.getByTestId('change-create').click();
    const drawer = eng1.getByTestId('change-form-drawer');
    await drawer.getByLabel('标题').fill('网银核心应用升级到 2.4.0');
    await drawer.getByLabel('描述').fill('修复转账限额问题并升级数据库驱动');
    await drawer.getByText('高', { exact: true }).click();
    await pickCi(eng1, drawer.getByTestId('change-cis'), CORE_CI);
    await drawer.getByTestId('change-form-submit').click();
    await eng1.getByTestId('change-state').getByText('草稿').waitFor();
    changeNumber = (await eng1.getByTestId('change-title').locator('.rg-mono').textContent()) ?? '';
    expect(changeNumber).toMatch(/^CHG-\d{4}-0001$/);
    changeId = new URL(eng1.url()).pathname.split('/').pop()!;
    await eng1.getByTestId('change-cis-table').getByRole('link', { name: CORE_CI }).waitFor();

    await eng1.getByTestId('change-submit').click();
    await eng1.getByRole('tooltip').getByRole('button', { name: '提交 CAB 审议' }).click();
    await eng1.getByTestId('change-state').getByText('CAB 审议中').waitFor();
    // 申请人不能对自己的变更表决（四眼原则）：CAB 成员之外的人看不到表决按钮。
    expect(await eng1.getByTestId('change-approve').count()).toBe(0);
    await screenshot(eng1, 'release-01-change-submitted');

    for (const [member, comment] of [
      ['cab1', '影响评估充分，同意'],
      ['cab2', '回退方案可行，同意'],
    ] as const) {
      const cab = await as(member);
      await cab.getByTestId('main-menu').getByText('变更', { exact: true }).click();
      await cab.getByTestId('change-table').getByRole('link', { name: changeNumber }).click();
      await cab.getByTestId('change-approve').click();
      const vote = cab.getByTestId('change-vote-modal');
      await vote.getByLabel('表决意见').fill(comment);
      await vote.getByRole('button', { name: '赞成' }).click();
      await vote.waitFor({ state: 'hidden' });
      await cab.getByTestId('change-votes').getByText(comment).waitFor();
    }
    const cab2 = await as('cab2');
    await cab2.getByTestId('change-state').getByText('已批准').waitFor();
    await cab2.getByTestId('change-quorum').getByText('赞成 2 / 2 票').waitFor();
    await screenshot(cab2, 'release-02-change-approved');
  });

  it('IN-1：申请时携带的变更已被撤回，申请被拒绝，并指明该变更', async () => {
    // 另一个变更经 CAB 批准（接口），工程师在表单中选中它后，它被撤回。
    const context = await browser.newContext({ baseURL: server.url });
    const eng1Api = await apiSession(context, 'eng1', PASSWORD);
    const other = await eng1Api.post('/api/changes', { title: '短信模板调整', risk: 'low' });
    await eng1Api.post(`/api/changes/${other.id}/submit`);
    for (const member of ['cab1', 'cab2']) {
      const c = await browser.newContext({ baseURL: server.url });
      await (
        await apiSession(c, member, PASSWORD)
      ).post(`/api/changes/${other.id}/votes`, {
        decision: 'approve',
        comment: '同意',
      });
      await c.close();
    }

    const eng1 = await as('eng1');
    await eng1.getByTestId('main-menu').getByText('发布', { exact: true }).click();
    await eng1.getByTestId('release-request').click();
    await eng1.getByRole('heading', { name: '发布申请' }).waitFor();
    await eng1.getByLabel('标题', { exact: true }).fill('短信模板发布');
    await chooseOptions(eng1, '携带的变更', [other.number]);
    await eng1.getByTestId('release-changes').getByText(`${other.number} 短信模板调整`).waitFor();
    // PR-6: the request says what it releases.
    await pickCi(eng1, eng1.getByTestId('release-targets'), OTHER_CI);

    await eng1Api.post(`/api/changes/${other.id}/withdraw`, { reason: '业务部门取消需求' });
    await context.close();

    await eng1.getByTestId('release-request-submit').click();
    const refusal = eng1.getByTestId('error-alert');
    await refusal.getByText(/IN-1 只受理已批准的变更/).waitFor();
    expect(await refusal.textContent()).toContain(`${other.number} 短信模板调整（已撤回）`);
    await eng1
      .getByTestId('release-request-form')
      .locator('.ant-form-item-explain-error')
      .getByText(`${other.number} 短信模板调整（已撤回）`)
      .waitFor();
    await screenshot(eng1, 'release-03-in1-refused');
    const none = await eng1.request.get('/api/releases');
    expect((await none.json()).items).toEqual([]);
  });

  it('IN-1 IN-6 TY-1 TY-3：从已批准的变更申请发布；受理；按系统建议（涉及核心配置项）定级为重大发布', async () => {
    const eng1 = await as('eng1');
    await eng1.goto(`/changes/${changeId}`);
    await eng1.getByTestId('change-request-release').click();
    await eng1.getByRole('heading', { name: '发布申请' }).waitFor();
    await eng1.getByTestId('release-changes').getByText(`${changeNumber} 网银核心应用升级到 2.4.0`).waitFor();
    await eng1.getByLabel('标题', { exact: true }).fill('网银核心应用 2.4.0 发布');
    await eng1.getByLabel('描述', { exact: true }).fill(`按变更 ${changeNumber} 实施网银核心应用升级`);
    await eng1.getByTestId('release-add-item').click();
    const item = eng1.getByTestId('release-item');
    await item.getByLabel('类型').click();
    await eng1.getByTitle('服务', { exact: true }).click();
    await item.getByLabel('名称').fill('网银转账服务升级');
    await pickCi(eng1, item.getByLabel('涉及的配置项'), CORE_CI);
    await pickCi(eng1, eng1.getByTestId('release-targets'), OTHER_CI);
    await eng1.getByText('较紧急', { exact: true }).click();
    await screenshot(eng1, 'release-04-request-form');
    await eng1.getByTestId('release-request-submit').click();

    await eng1.getByTestId('release-state').getByText('待受理').waitFor();
    releaseUrl = new URL(eng1.url()).pathname;
    const number = (await eng1.getByTestId('release-title').locator('.rg-mono').textContent()) ?? '';
    expect(number).toMatch(/^REL-\d{4}-0001$/);
    await eng1.getByTestId('release-type').getByText('未定级').waitFor();
    await eng1
      .getByTestId('release-proposal-reasons')
      .getByText('影响 1 个核心配置项（含受其影响的配置项，涉及系统核心功能）')
      .waitFor();
    const changes = eng1.getByTestId('release-changes-table');
    await changes.getByRole('link', { name: changeNumber }).waitFor();
    await changes.getByText('已批准').waitFor();
    await eng1.getByTestId('release-steps').getByText('待受理').waitFor();

    // RO-4: the requester cannot accept their own request; the disabled button says why.
    await eng1.getByTestId('release-actions').getByTestId('action-wrap-accept').hover();
    await eng1
      .getByRole('tooltip')
      .getByText(/RO-4 受理四眼原则/)
      .waitFor();
    const eng2 = await as('eng2');
    await eng2.goto(releaseUrl);
    await eng2.getByTestId('action-accept').click();
    const accept = eng2.getByTestId('release-accept-modal');
    await accept.getByLabel('受理说明（可选）').fill('变更已批准，资源已确认');
    await accept.getByRole('button', { name: '受理' }).click();
    await eng2.getByTestId('release-state').getByText('计划制定').waitFor();
    await eng1.reload();
    await eng1.getByTestId('release-state').getByText('计划制定').waitFor();

    await eng1.getByTestId('action-classify').click();
    const classify = eng1.getByTestId('release-classify-modal');
    await classify.getByText('影响 1 个核心配置项（含受其影响的配置项，涉及系统核心功能）').waitFor();
    expect(await classify.getByLabel('重大发布').isChecked()).toBe(true);
    await screenshot(eng1, 'release-05-classify');
    await classify.getByRole('button', { name: '定级' }).click();
    await classify.waitFor({ state: 'hidden' });
    await eng1.getByTestId('release-type').getByText('重大发布').waitFor();
    await eng1.getByTestId('release-classification').getByText('重大发布').first().waitFor();
    await calm(eng1);
    await screenshot(eng1, 'release-06-accepted-classified');
  });

  it('IN-3 IN-4 IN-5：计划制定阶段记录关联分析、资源评估和风险评估', async () => {
    const eng1 = await as('eng1');
    await eng1.getByRole('tab', { name: '评估' }).click();
    const relationship = eng1.getByTestId('assessment-relationship');
    await relationship.getByText('没有与其他未关闭发布共用或相互依赖的配置项').waitFor();
    await relationship.getByLabel('决定理由').fill('没有相关发布，单独实施');
    await relationship.getByTestId('relationship-submit').click();
    await relationship.getByText(/最近一次记录：运维工程师一/).waitFor();

    const resource = eng1.getByTestId('assessment-resource');
    await resource.getByLabel('技术资源').fill('预生产环境一套；发布包已在最终软件库');
    await resource.getByLabel('姓名 1').fill('张伟');
    await resource.getByLabel('角色 1').fill('运维工程师');
    await resource.getByLabel('可用时间 1').fill('窗口当晚全程');
    await resource.getByLabel('预计工时（小时）').fill('2');
    await resource.getByTestId('resource-submit').click();
    await resource.getByText(/最近一次记录：运维工程师一/).waitFor();

    // 技术、业务、管理三类风险各一行，已预先列出。
    const risk = eng1.getByTestId('assessment-risk');
    for (const [i, [description, response]] of [
      ['数据库驱动与旧版本不兼容', '预生产环境完成兼容性测试，失败即回退'],
      ['升级期间转账业务中断', '选择夜间低峰窗口并提前公告'],
      ['实施人员不足', '安排备岗工程师'],
    ].entries()) {
      await risk.getByLabel(`风险描述 ${i + 1}`).fill(description);
      await risk.getByLabel(`应对措施 ${i + 1}`).fill(response);
    }
    await risk.getByTestId('risk-submit').click();
    await risk.getByText(/最近一次记录：运维工程师一/).waitFor();
    await calm(eng1);
    await screenshot(eng1, 'release-07-assessments');
  });

  it('PL-1：缺少回退措施的计划提交被拒绝并标出该章节；补全后提交审批', async () => {
    const eng1 = await as('eng1');
    await eng1.getByRole('tab', { name: '发布计划' }).click();
    const editor = eng1.getByTestId('plan-editor');
    const section = (name: string) => editor.getByTestId(`plan-section-${name}`);

    await section('purpose').getByLabel('发布目的').fill('升级网银核心应用到 2.4.0，修复转账限额问题');
    await section('scope').getByTestId('plan-fill-scope').click();
    await section('scope').getByTestId('plan-scope-cis').getByText(OTHER_CI).waitFor();
    await section('scope').getByTestId('plan-scope-cis').getByText(CORE_CI).waitFor();
    await section('scope').getByLabel('受影响的用户').fill('全部网银个人用户');
    await section('scope').getByLabel('预计停机时间（分钟）').fill('30');

    await section('participants').getByRole('button', { name: '添加参与方' }).click();
    await section('participants').getByLabel('姓名 1').fill('张伟');
    await section('participants').getByLabel('角色 / 部门 1').fill('运维工程师');
    await section('participants').getByLabel('职责 1').fill('执行部署与验证');

    // 风险应对措施从风险评估带入。
    expect(await section('risks').getByLabel('风险描述 1').inputValue()).toBe('数据库驱动与旧版本不兼容');
    expect(await section('risks').getByLabel('应对措施 3').inputValue()).toBe('安排备岗工程师');

    await section('baseline').getByTestId('plan-fill-targets').click();
    const targets = section('baseline').getByTestId('plan-baseline-targets').locator('tbody tr');
    const coreTarget = targets.filter({ hasText: CORE_CI });
    expect(await coreTarget.getByLabel(/^当前版本/).inputValue()).toBe('2.3.1');
    await coreTarget.getByLabel(/^目标版本/).fill('2.4.0');
    await targets
      .filter({ hasText: OTHER_CI })
      .getByLabel(/^目标版本/)
      .fill('1.4.0');

    await section('post_deployment')
      .getByLabel('部署后工作计划')
      .fill('功能与性能验证；24 小时内更新配置管理数据库；监控 2 小时');

    windowStart = at(3, 22, 0);
    const windowEnd = at(3, 23, 30);
    await fillRange(section('window'), windowStart, windowEnd);
    await section('window').getByText('窗口 90 分钟').waitFor();

    await section('resources').getByRole('button', { name: '从资源评估带入' }).click();
    expect(await section('resources').getByLabel('资源分配').inputValue()).toContain(
      '张伟（运维工程师）：窗口当晚全程',
    );

    const steps = section('steps');
    for (const [i, [title, owner, minutes, check]] of [
      ['停止网银核心应用', '张伟', '10', '健康检查接口返回 503'],
      ['部署 2.4.0 发布包', '张伟', '30', '版本接口返回 2.4.0'],
      ['启动并验证转账功能', '李娜', '20', '测试账户完成一笔转账'],
    ].entries()) {
      await steps.getByRole('button', { name: '添加步骤' }).click();
      await steps.getByLabel(`步骤 ${i + 1}`, { exact: true }).fill(title);
      await steps.getByLabel(`负责人 ${i + 1}`, { exact: true }).fill(owner);
      await steps.getByLabel(`预计用时（分钟） ${i + 1}`, { exact: true }).fill(minutes);
      await steps.getByLabel(`验证方法 ${i + 1}`, { exact: true }).fill(check);
    }
    // IM-2 RO-3：第 3 步指派给系统账号（经办人），轮到它时出现在该账号的「我的待办」中。
    await chooseOptions(eng1, '经办人 3', ['运维工程师二']);
    // 顺序可以调整：把第 3 步上移再移回。
    await steps.getByRole('button', { name: '上移 3' }).click();
    expect(await steps.getByLabel('步骤 2', { exact: true }).inputValue()).toBe('启动并验证转账功能');
    await steps.getByRole('button', { name: '下移 2' }).click();
    expect(await steps.getByLabel('步骤 3', { exact: true }).inputValue()).toBe('启动并验证转账功能');
    await steps.getByText('合计 60 分钟').waitFor();

    // 回退措施留空：提交被拒绝，并标出缺少的章节。
    await editor.getByTestId('plan-submit').click();
    const refused = editor.getByTestId('plan-submit-refused');
    await refused.getByText('计划缺少以下章节，不能提交审批（PL-1 计划章节）').waitFor();
    await refused.getByText('回退措施').waitFor();
    expect(await refused.locator('li').count()).toBe(1);
    await section('rollback')
      .getByTestId('plan-missing-rollback')
      .getByText(/请按顺序列出回退步骤/)
      .waitFor();
    expect(await section('rollback').getAttribute('data-missing')).toBe('true');
    expect(await section('steps').getAttribute('data-missing')).toBeNull();
    await eng1.getByTestId('release-state').getByText('计划制定').waitFor();
    await eng1.getByTestId('plan-completeness').getByText('已完成 9 / 10 个章节').waitFor();
    await calm(eng1);
    await screenshot(eng1, 'release-08-plan-section-missing');
    await refused.scrollIntoViewIfNeeded();
    await screenshot(eng1, 'release-08a-plan-refused-alert', { fullPage: false });
    await section('rollback').scrollIntoViewIfNeeded();
    await screenshot(eng1, 'release-08b-plan-rollback-highlighted', { fullPage: false });

    const rollback = section('rollback');
    await rollback.getByRole('button', { name: '添加回退步骤' }).click();
    await rollback.getByLabel('回退步骤 步骤 1', { exact: true }).fill('重新部署 2.3.1 发布包');
    // 先选经办人：负责人尚未填写时带入其姓名，之后仍可改写。
    await chooseOptions(eng1, '回退步骤 经办人 1', ['运维工程师一']);
    expect(await rollback.getByLabel('回退步骤 负责人 1', { exact: true }).inputValue()).toBe('运维工程师一');
    await rollback.getByLabel('回退步骤 负责人 1', { exact: true }).fill('张伟');
    await rollback.getByLabel('回退步骤 预计用时（分钟） 1', { exact: true }).fill('20');
    await rollback.getByLabel('回退步骤 验证方法 1', { exact: true }).fill('版本接口返回 2.3.1');
    await rollback.getByRole('button', { name: '添加触发条件' }).click();
    await rollback.getByLabel('指标 1').fill('转账失败率');
    await rollback.getByLabel('阈值 1').fill('连续 5 分钟高于 1%');
    await editor.getByTestId('plan-submit').click();

    await eng1.getByTestId('release-state').getByText('计划审批').waitFor();
    await eng1.getByTestId('plan-status').getByText('待审批').waitFor();
    await eng1.getByTestId('plan-view').waitFor();
    await eng1.getByTestId('plan-completeness').getByText('已完成 10 / 10 个章节').waitFor();
    // 计划中显示经办人：他人显示姓名，自己显示“我”。
    const assignees = eng1.getByTestId('plan-view').getByTestId('step-assignee');
    await assignees.first().waitFor();
    expect((await assignees.allInnerTexts()).map((text) => text.trim())).toEqual(['运维工程师二', '我']);
    // 起草人自己不能批准（四眼原则），工程师也无权审批重大发布。
    await eng1.getByTestId('action-wrap-approve_plan').first().hover();
    const tooltip = eng1.getByRole('tooltip').getByTestId('blockers-approve_plan');
    await tooltip.getByText('RO-5 四眼原则：计划的起草人不能审批自己起草的计划').waitFor();
    await calm(eng1);
    await screenshot(eng1, 'release-09-plan-submitted', { fullPage: false });
  });

  it('TY-2 RO-5：另一名运维工程师看到“批准计划”不可用及 TY-2 原因；运维管理部经理批准计划', async () => {
    const eng2 = await as('eng2');
    await eng2.goto(releaseUrl);
    await eng2.getByTestId('release-state').getByText('计划审批').waitFor();
    const approve = eng2.getByTestId('release-actions').getByTestId('action-approve_plan');
    expect(await approve.isDisabled()).toBe(true);
    await eng2.getByTestId('release-actions').getByTestId('action-wrap-approve_plan').hover();
    const blockers = eng2.getByRole('tooltip').getByTestId('blockers-approve_plan');
    await blockers.getByText('现在不能批准计划：').waitFor();
    await blockers.getByText('TY-2 审批权限：重大发布须由运维管理部经理审批').waitFor();
    expect(await blockers.locator('li').count()).toBe(1);
    await eng2.mouse.move(0, 0);
    await eng2.getByTestId('release-actions').getByTestId('action-wrap-approve_plan').hover();
    await blockers.waitFor();
    await screenshot(eng2, 'release-10-approve-blocked-ty2', { fullPage: false });

    const boss = await as('boss');
    await boss.goto(releaseUrl);
    await boss.getByRole('tab', { name: '发布计划' }).click();
    await boss.getByTestId('plan-view').getByText('部署 2.4.0 发布包').waitFor();
    await boss.getByTestId('release-actions').getByTestId('action-approve_plan').click();
    const modal = boss.getByTestId('plan-approve-modal');
    await modal.getByLabel('审批意见（可选）').fill('计划完整，同意按窗口实施');
    await modal.getByRole('button', { name: '批准计划' }).click();
    await modal.waitFor({ state: 'hidden' });

    await boss.getByTestId('release-state').getByText('计划已批准').waitFor();
    await boss.getByTestId('plan-status').getByText('已批准').waitFor();
    const history = boss.getByTestId('plan-history');
    const v1 = history.locator('tbody tr').filter({ hasText: '第 1 版' });
    await v1.getByText('已批准').waitFor();
    await v1.getByText('运维管理部经理').waitFor();
    await v1.getByText('计划完整，同意按窗口实施').waitFor();
    // 已批准的计划不可修改，只能修订为新版本（PL-3）。
    await boss.getByTestId('release-actions').getByTestId('action-revise_plan').waitFor();
    expect(await boss.getByTestId('plan-editor').count()).toBe(0);
    await calm(boss);
    await screenshot(boss, 'release-11-plan-approved');

    await v1.getByTestId('plan-history-view').click();
    const drawer = boss.getByTestId('plan-version-drawer');
    await drawer.getByText('发布计划 第 1 版').waitFor();
    await drawer.getByText('重新部署 2.3.1 发布包').waitFor();
    await screenshot(boss, 'release-12-plan-version', { fullPage: false });
    await drawer
      .getByRole('button', { name: 'Close' })
      .or(drawer.locator('.ant-drawer-close'))
      .first()
      .click();
  });

  it('PR-4 PL-5 PC-1：变更显示携带它的发布；日历显示发布窗口；制度页面以中文展示规则', async () => {
    const boss = await as('boss');
    await boss.goto(`/changes/${changeId}`);
    await boss.getByTestId('change-title').waitFor();
    const carrying = boss
      .getByTestId('change-releases')
      .locator('tbody tr')
      .filter({ hasText: /REL-\d{4}-0001/ });
    await carrying.getByText('网银核心应用 2.4.0 发布').waitFor();
    await carrying.getByText('计划已批准').waitFor();
    await screenshot(boss, 'release-13-change-detail');

    await boss.getByTestId('main-menu').getByText('发布日历').click();
    const month = `${windowStart.getFullYear()}-${pad(windowStart.getMonth() + 1)}`;
    await boss.goto(`/calendar?month=${month}`);
    const day = `${month}-${pad(windowStart.getDate())}`;
    await boss.getByTestId(`calendar-day-${day}`).getByTestId('calendar-window').waitFor();
    await boss.getByTestId('calendar-windows').getByText('网银核心应用 2.4.0 发布').waitFor();

    // 运维管理部经理设一个与发布窗口重叠的冻结期：日历把该窗口标为冲突；随后删除冻结期。
    await boss.getByTestId('freeze-create').click();
    const freeze = boss.getByTestId('freeze-modal');
    await freeze.getByLabel('名称').fill('月末结算保障期');
    await fillRange(freeze, at(3, 20, 0), at(4, 6, 0));
    await freeze.getByLabel('原因').fill('月末批量结算');
    await screenshot(boss, 'release-14-freeze-create', { fullPage: false });
    await freeze.getByRole('button', { name: '新建' }).click();
    await freeze.waitFor({ state: 'hidden' });
    await boss.getByTestId(`calendar-day-${day}`).getByText('冻结 · 月末结算保障期').waitFor();
    await boss.getByTestId(`calendar-day-${day}`).locator('.rg-cal-conflict').waitFor();
    await boss.getByTestId('calendar-windows').getByText('与冻结期“月末结算保障期”重叠').waitFor();
    await calm(boss);
    await screenshot(boss, 'release-15-calendar-conflict');
    await boss.getByTestId('calendar-freezes').getByRole('button', { name: '删除 月末结算保障期' }).click();
    await boss.getByRole('tooltip').getByRole('button', { name: '删除' }).click();
    await boss.getByTestId('calendar-freezes').getByText('这个月没有冻结期').waitFor();
    expect(await boss.getByTestId(`calendar-day-${day}`).locator('.rg-cal-conflict').count()).toBe(0);

    await boss.getByTestId('main-menu').getByText('制度与版本').click();
    const document = boss.getByTestId('policy-document');
    await document.getByText('XDYJ-06-01').waitFor();
    await document.getByText('V1.0').waitFor();
    await boss.getByTestId('policy-rule-approval').getByText('重大发布：由运维管理部经理审批').waitFor();
    await boss
      .getByTestId('policy-rule-approval')
      .getByText('一般发布：由运维工程师或运维管理部经理审批')
      .waitFor();
    await boss
      .getByTestId('policy-rule-deadlines')
      .getByText(/24 小时内/)
      .waitFor();
    await boss
      .getByTestId('policy-rule-deadlines')
      .getByText(/30 分钟内/)
      .waitFor();
    await boss.getByTestId('policy-rule-kpi').getByText('每季度发布成功率不低于 95 %').waitFor();
    await boss.getByTestId('policy-revisions').getByText('新建').waitFor();
    await screenshot(boss, 'release-16-policy');

    // PC-1：运维工程师起草新版本（调整 CAB 法定票数）；起草人不能批准自己的版本（四眼原则），
    // 由运维管理部经理批准；它在生效日期起适用。
    const drafter = await as('eng1');
    await drafter.getByTestId('main-menu').getByText('制度与版本').click();
    await drafter.getByTestId('policy-draft').click();
    const draft = drafter.getByTestId('policy-draft-drawer');
    await draft.getByLabel('版本号').fill('V1.1');
    await draft.getByLabel('修订内容').fill('CAB 法定赞成票数调整为 3 票');
    await draft.getByLabel('CAB 法定赞成票数').fill('3');
    await calm(drafter);
    await screenshot(drafter, 'release-17-policy-draft', { fullPage: false });
    await draft.getByTestId('policy-draft-submit').click();
    await draft.waitFor({ state: 'hidden' });
    const drafted = drafter.getByTestId('policy-versions').locator('tbody tr').filter({ hasText: 'V1.1' });
    await drafted.getByText('待批准').waitFor();
    expect(await drafted.getByTestId('policy-approve').count()).toBe(0);
    await boss.reload();
    const v11 = boss.getByTestId('policy-versions').locator('tbody tr').filter({ hasText: 'V1.1' });
    await v11.getByText('待批准').waitFor();
    await v11.getByTestId('policy-approve').click();
    await boss.getByRole('tooltip').getByRole('button', { name: '批准' }).click();
    await v11.getByText('已批准').waitFor();
    await v11.getByText('待生效').waitFor();
    await v11.getByRole('button', { name: '查看' }).click();
    const version = boss.getByTestId('policy-version-drawer');
    await version
      .getByTestId('policy-rule-cab')
      .getByText(/变更须获得 3 名委员赞成/)
      .waitFor();
    await version.getByTestId('policy-revisions').getByText('CAB 法定赞成票数调整为 3 票').waitFor();
    await screenshot(boss, 'release-18-policy-v11', { fullPage: false });
    await version.locator('.ant-drawer-close').click();
    // 现行版本仍是 V1.0。
    await boss.getByTestId('policy-document').getByText('V1.0').waitFor();

    await boss.getByTestId('main-menu').getByText('发布', { exact: true }).click();
    await boss.getByTestId('release-table').getByText('计划已批准').waitFor();
    await screenshot(boss, 'release-19-release-list');
  });

  it('X-4 leaves no uncaught errors and no CSP violations, and every page carried the security headers', () => {
    expectCleanPages(problems);
  });
});
