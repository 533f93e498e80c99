import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { fillNewDslVersion, pickOption, signIn } from './harness/ui';
import { createPerson } from './harness/api';

// One server on a fresh data directory; the tests build on each other in order: the configuration
// administrator imports the CMDB, looks at impact and history, takes a baseline; then the DSL.
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const configAdmin = {
  username: 'cfg.admin',
  displayName: '配置管理员丁',
  roles: ['configuration_administrator'],
  password: 'Config-Admin-2026!',
};
const engineer = {
  username: 'ops.engineer',
  displayName: '运维工程师戊',
  roles: ['operations_engineer'],
  password: 'Ops-Engineer-2026!',
};
const manager = {
  username: 'ops.manager',
  displayName: '运维经理乙',
  roles: ['operations_manager'],
  password: 'Ops-Manager-2026!',
};

const CI_HEADER = ['类型', '名称', '环境', '负责人', '核心', '版本', 'attr.ip'];
const CIS = [
  ['业务服务', '网上银行', '生产', '张伟', '是', '', ''],
  ['应用系统', '网银核心应用', '生产', '李娜', '是', '2.3.1', ''],
  ['应用系统', '手机银行应用', '生产', '王强', '否', '5.0.2', ''],
  ['数据库', '网银数据库', '生产', '赵敏', '是', 'PostgreSQL 16', ''],
  ['服务器', '网银应用服务器01', '生产', '刘洋', '否', '', '10.8.1.11'],
  ['服务器', '数据库服务器01', '生产', '刘洋', '是', '', '10.8.2.21'],
];
const RELATION_HEADER = ['源类型', '源环境', '源名称', '关系', '目标类型', '目标环境', '目标名称'];
const RELATIONS = [
  ['业务服务', '生产', '网上银行', '依赖', '应用系统', '生产', '网银核心应用'],
  ['应用系统', '生产', '网银核心应用', '依赖', '数据库', '生产', '网银数据库'],
  ['应用系统', '生产', '手机银行应用', '依赖', '数据库', '生产', '网银数据库'],
  ['应用系统', '生产', '网银核心应用', '运行于', '服务器', '生产', '网银应用服务器01'],
  ['数据库', '生产', '网银数据库', '运行于', '服务器', '生产', '数据库服务器01'],
];

/** A CMDB workbook as people fill it in: one sheet of CIs, one of relations, Chinese headings. */
async function cmdbWorkbook(cis: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ciSheet = workbook.addWorksheet('配置项');
  ciSheet.addRow(CI_HEADER);
  for (const row of cis) ciSheet.addRow(row);
  const relationSheet = workbook.addWorksheet('关系');
  relationSheet.addRow(RELATION_HEADER);
  for (const row of RELATIONS) relationSheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('CMDB and definitive software library', () => {
  let server: TestServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let page: Page;
  const problems = pageProblems();

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminContext = await newContext(browser, server.url, problems);
    const setup = await adminContext.newPage();
    await setup.goto(server.setupLink);
    await setup.getByLabel('用户名').fill(admin.username);
    await setup.getByLabel('显示名称').fill(admin.displayName);
    await setup.getByLabel('密码', { exact: true }).fill(admin.password);
    await setup.getByLabel('确认密码').fill(admin.password);
    await setup.getByRole('button', { name: '创建账户并登录' }).click();
    await setup.getByTestId('profile-card').waitFor();

    // The security administrator creates the three business users through the API.
    for (const { password, ...user } of [configAdmin, engineer, manager])
      await createPerson(browser, server.url, adminContext, user, password);
    await setup.close();

    const context = await newContext(browser, server.url, problems);
    page = await context.newPage();
    await signIn(page, configAdmin.username, configAdmin.password);
    await page.getByTestId('profile-card').waitFor();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const pages = browser.contexts().flatMap((c) => c.pages());
    for (const [i, open] of pages.entries())
      await screenshot(open, `failed-cmdb-${task.name.split(':')[0].replace(/\W+/g, '-')}-${i}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('CM-5: the configuration administrator imports the CMDB from XLSX; a file with a bad row imports nothing', async () => {
    const menu = page.getByTestId('main-menu');
    await menu.getByText('配置管理').waitFor();
    await menu.getByText('最终软件库').waitFor();
    await menu.getByText('导入导出').click();
    await page.getByRole('heading', { name: '导入导出' }).waitFor();

    // 手机银行应用 is on the moon and "maybe" core: the row, and the relation that names it, are refused.
    const bad = CIS.map((row) =>
      row[1] === '手机银行应用' ? [row[0], row[1], '月球', row[3], '也许', row[5], row[6]] : row,
    );
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/cmdb/import') && r.url().includes('dryRun=true')),
      page.locator('input[type=file]').setInputFiles({
        name: '网银配置-有误.xlsx',
        mimeType: XLSX,
        buffer: await cmdbWorkbook(bad),
      }),
    ]);
    const report = page.getByTestId('import-report');
    await report
      .getByTestId('import-problems-alert')
      .getByText(/未导入任何数据/)
      .waitFor();
    const problemRows = page.getByTestId('import-problems').locator('tbody tr');
    const environmentRow = problemRows.filter({ hasText: '必须是以下之一：生产、预生产、测试、开发、灾备' });
    await environmentRow.getByText('环境', { exact: true }).waitFor();
    await environmentRow.getByRole('cell', { name: '4', exact: true }).waitFor();
    await problemRows.filter({ hasText: '应填写“是”或“否”' }).getByText('核心', { exact: true }).waitFor();
    await problemRows.filter({ hasText: '手机银行应用' }).getByText('源名称', { exact: true }).waitFor();
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);
    await screenshot(page, 'cmdb-01-import-problems');
    const none = await page.request.get('/api/cmdb/cis');
    expect((await none.json()).items).toEqual([]);

    // The corrected file passes the dry run; only then can it be imported.
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/cmdb/import') && r.url().includes('dryRun=true')),
      page.locator('input[type=file]').setInputFiles({
        name: '网银配置.xlsx',
        mimeType: XLSX,
        buffer: await cmdbWorkbook(CIS),
      }),
    ]);
    await report.getByTestId('import-clean').waitFor();
    expect(await page.getByTestId('import-problems').count()).toBe(0);
    await report.getByText('新增关系').waitFor();
    expect(await page.getByTestId('import-apply').isEnabled()).toBe(true);
    await screenshot(page, 'cmdb-02-import-dry-run');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/cmdb/import') && r.url().includes('dryRun=false')),
      page.getByTestId('import-apply').click(),
    ]);
    await page.getByTestId('import-applied').waitFor();
    await screenshot(page, 'cmdb-03-import-applied');

    await menu.getByText('配置项', { exact: true }).click();
    await page.getByRole('heading', { name: '配置项', exact: true }).waitFor();
    const table = page.getByTestId('ci-table');
    for (const [, name] of CIS) await table.getByRole('link', { name, exact: true }).waitFor();
    expect(await table.locator('tbody tr[data-row-key]').count()).toBe(CIS.length);
    await screenshot(page, 'cmdb-04-ci-list');
    // #18: the name column sorts on the server (every CI, not the rows loaded), and the link keeps it.
    const [descending] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/cmdb/cis?') && r.url().includes('sort=-name')),
      table.getByRole('columnheader', { name: '名称' }).click(),
      table.getByRole('columnheader', { name: '名称' }).click(),
    ]);
    const names = ((await descending.json()) as { items: { name: string }[] }).items.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));
    // The address follows the table's state (the answer can come first on a busy machine).
    const sortInUrl = () => new URL(page.url()).searchParams.get('sort');
    await expect.poll(sortInUrl).toBe('-name');
    await table.getByRole('columnheader', { name: '名称' }).click();
    await expect.poll(sortInUrl).toBeNull();
  });

  it('CM-2 CM-4: a CI shows what a change to it affects, as a graph and a list with paths, and its history', async () => {
    await page.getByTestId('ci-search').fill('数据库服务器');
    await page.getByTestId('ci-search-submit').click();
    const table = page.getByTestId('ci-table');
    await table.getByRole('link', { name: '数据库服务器01' }).waitFor();
    expect(await table.locator('tbody tr[data-row-key]').count()).toBe(1);
    await table.getByRole('link', { name: '数据库服务器01' }).click();
    await page.getByTestId('ci-title').getByText('数据库服务器01').waitFor();
    await page.getByTestId('ci-attributes').getByText('10.8.2.21').waitFor();
    await page.getByTestId('relation-table').getByRole('link', { name: '网银数据库' }).waitFor();

    await page.getByRole('tab', { name: '影响分析' }).click();
    await page.getByTestId('impact-graph').locator('canvas').first().waitFor();
    const impact = page.getByTestId('impact-table');
    for (const name of ['网银数据库', '网银核心应用', '手机银行应用', '网上银行'])
      await impact.getByRole('link', { name, exact: true }).waitFor();
    await impact
      .locator('tbody tr')
      .filter({ hasText: '网上银行' })
      .getByText('数据库服务器01 → 网银数据库 → 网银核心应用 → 网上银行')
      .waitFor();
    await impact
      .locator('tbody tr')
      .filter({ hasText: '网银数据库' })
      .first()
      .getByText('运行于 数据库服务器01')
      .waitFor();
    // Give the canvas a moment to paint before the picture is taken.
    await page.waitForTimeout(300);
    await screenshot(page, 'cmdb-05-impact');

    // Depth 1 reaches the database only.
    await pickOption(page, '分析深度', '1 层');
    await impact.getByRole('link', { name: '网上银行' }).waitFor({ state: 'detached' });
    expect(await impact.locator('tbody tr[data-row-key]').count()).toBe(1);

    await page.getByRole('tab', { name: '变更历史' }).click();
    const history = page.getByTestId('ci-history');
    const created = history.getByTestId('history-entry').filter({ hasText: '创建' });
    await created.getByText('导入', { exact: true }).waitFor();
    await created.getByText(`操作人：${configAdmin.displayName}`).waitFor();
    await created.getByText('原因：从文件 网银配置.xlsx 导入').waitFor();
    await history
      .getByTestId('history-entry')
      .filter({ hasText: '添加关系' })
      .getByText('网银数据库')
      .waitFor();
    await screenshot(page, 'cmdb-06-history');
  });

  it('CM-3 CM-4: a baseline, then a CI version changes (with a reason, through a conflict), and the comparison with now shows it', async () => {
    const menu = page.getByTestId('main-menu');
    await menu.getByText('配置基线').click();
    await page.getByRole('heading', { name: '配置基线' }).waitFor();
    await page.getByTestId('take-baseline').click();
    const dialog = page.getByTestId('take-baseline-modal');
    await dialog.getByLabel('基线名称').fill('网银 2.4 发布前基线');
    await dialog.getByLabel('说明').fill('网银核心应用 2.4.0 上线前的生产环境配置');
    await pickOption(page, '环境', '生产');
    await dialog.getByRole('button', { name: '创建基线' }).click();
    await page.getByTestId('baseline-title').getByText('网银 2.4 发布前基线').waitFor();
    await page.getByTestId('baseline-items').getByRole('link', { name: '网银核心应用' }).waitFor();
    expect(await page.getByTestId('baseline-items').locator('tbody tr[data-row-key]').count()).toBe(
      CIS.length,
    );

    // Open the application and raise its version; meanwhile someone else saves a change.
    await page.getByTestId('baseline-items').getByRole('link', { name: '网银核心应用' }).click();
    await page.getByTestId('ci-title').getByText('网银核心应用').waitFor();
    const ciId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByTestId('ci-edit').click();
    const drawer = page.getByTestId('ci-form-drawer');
    await drawer.getByLabel('版本', { exact: true }).fill('2.4.0');
    await drawer.getByLabel('变更原因').fill('网银核心应用 2.4.0 按发布计划上线');

    const csrf = (await page.context().cookies()).find((c) => c.name === 'rg_csrf')?.value ?? '';
    const current = await (await page.request.get(`/api/cmdb/cis/${ciId}`)).json();
    const concurrent = await page.request.patch(`/api/cmdb/cis/${ciId}`, {
      headers: { 'X-CSRF-Token': csrf },
      data: { owner: '陈静', revision: current.revision, reason: '负责人交接' },
    });
    expect(concurrent.status()).toBe(200);

    await drawer.getByTestId('ci-form-submit').click();
    const conflict = drawer.getByTestId('ci-conflict');
    await conflict.getByText('该配置项已被他人修改').waitFor();
    await screenshot(page, 'cmdb-07-edit-conflict');
    await conflict.getByRole('button', { name: '重新加载' }).click();
    await conflict.waitFor({ state: 'detached' });
    expect(await drawer.getByLabel('负责人').inputValue()).toBe('陈静');
    expect(await drawer.getByLabel('变更原因').inputValue()).toBe('网银核心应用 2.4.0 按发布计划上线');
    await drawer.getByLabel('版本', { exact: true }).fill('2.4.0');
    await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith(`/api/cmdb/cis/${ciId}`) && r.request().method() === 'PATCH',
      ),
      drawer.getByTestId('ci-form-submit').click(),
    ]);
    await drawer.waitFor({ state: 'hidden' });
    await page.getByTestId('ci-fields').getByText('2.4.0').waitFor();

    await page.getByRole('tab', { name: '变更历史' }).click();
    const changed = page
      .getByTestId('history-entry')
      .filter({ hasText: '网银核心应用 2.4.0 按发布计划上线' });
    await changed.getByText('手工', { exact: true }).waitFor();
    await changed.getByText('2.3.1', { exact: true }).waitFor();
    await changed.getByText('2.4.0', { exact: true }).waitFor();

    // Back to the baseline: compare with now.
    await menu.getByText('配置基线').click();
    await page.getByTestId('baseline-table').getByRole('link', { name: '网银 2.4 发布前基线' }).click();
    await page.getByTestId('baseline-compare').click();
    const diff = page.getByTestId('baseline-diff');
    await diff.getByText('变更 1').waitFor();
    const card = diff.getByTestId('diff-changed-ci').filter({ hasText: '网银核心应用' });
    const versionRow = card.locator('tbody tr').filter({ hasText: '版本' });
    await versionRow.getByText('2.3.1').waitFor();
    await versionRow.getByText('2.4.0').waitFor();
    await card.locator('tbody tr').filter({ hasText: '负责人' }).getByText('陈静').waitFor();
    await diff.getByText('未变 5').waitFor();
    await screenshot(page, 'cmdb-08-baseline-compare');
  });

  it("CM-1 CM-4: a CI is created with its type's attributes, a duplicate is refused at its field, a relation is added and removed with a reason", async () => {
    await page.getByTestId('main-menu').getByText('配置项', { exact: true }).click();
    await page.getByTestId('ci-create').click();
    const drawer = page.getByTestId('ci-form-drawer');
    const chooseType = async (name: string) => {
      await drawer.getByLabel('类型', { exact: true }).click();
      await page.getByTitle(name, { exact: true }).click();
    };
    await chooseType('中间件');
    const attributes = drawer.getByTestId('ci-attribute-fields');
    await attributes.getByText('中间件属性').waitFor();
    await drawer.getByLabel('名称', { exact: true }).fill('网银缓存');
    await drawer.getByLabel('版本', { exact: true }).fill('7.2');
    await drawer.getByLabel('负责人').fill('李娜');
    await attributes.getByLabel('产品').fill('Redis');
    await attributes.getByLabel('端口').fill('6379');
    await drawer.getByTestId('ci-form-submit').click();
    await page.getByTestId('ci-title').getByText('网银缓存').waitFor();
    await page.getByTestId('ci-attributes').getByText('Redis').waitFor();
    await page.getByTestId('ci-attributes').getByText('6379').waitFor();

    // The same middleware in production again: the server refuses, and says so at the name.
    await page.getByTestId('main-menu').getByText('配置项', { exact: true }).click();
    await page.getByTestId('ci-create').click();
    await chooseType('中间件');
    await drawer.getByLabel('名称', { exact: true }).fill('网银缓存');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/cmdb/cis') && r.request().method() === 'POST'),
      drawer.getByTestId('ci-form-submit').click(),
    ]);
    await drawer.getByText('该环境中已有同类型、同名称的配置项').waitFor();
    await screenshot(page, 'cmdb-09-duplicate-refused');
    // A server needs its IP address: the type's required attribute is checked before sending.
    await chooseType('服务器');
    await drawer.getByTestId('ci-form-submit').click();
    await drawer
      .getByTestId('ci-attribute-fields')
      .locator('.ant-form-item')
      .filter({ hasText: 'IP 地址' })
      .getByText('请填写此项')
      .waitFor();
    await drawer.getByRole('button', { name: '取消' }).click();
    await drawer.waitFor({ state: 'hidden' });

    // 网银核心应用 depends on the new cache: added from the cache's side, then removed with a reason.
    await page.getByTestId('ci-search').fill('网银缓存');
    await page.getByTestId('ci-search-submit').click();
    await page.getByTestId('ci-table').getByRole('link', { name: '网银缓存' }).click();
    await page.getByTestId('add-relation').click();
    const modal = page.getByTestId('add-relation-modal');
    await modal.getByLabel('对端配置项 → 本配置项').check();
    await modal.getByTestId('relation-target').click();
    await page.keyboard.type('网银核心');
    await page.getByTitle('网银核心应用 · 应用系统 · 生产', { exact: true }).click();
    await modal.getByLabel('变更原因').fill('核心应用引入缓存');
    await screenshot(page, 'cmdb-10-add-relation');
    await modal.getByRole('button', { name: '添加关系' }).click();
    const relation = page
      .getByTestId('relation-table')
      .locator('tbody tr')
      .filter({ hasText: '网银核心应用' });
    await relation.getByText('被依赖').waitFor();
    await relation.getByText('入向').waitFor();

    await relation.getByRole('button', { name: '移除' }).click();
    const remove = page.getByTestId('remove-relation-modal');
    await remove.getByText('移除关系：网银核心应用 依赖 网银缓存').waitFor();
    await remove.getByRole('button', { name: '移除' }).click();
    await remove.getByText('请填写原因').waitFor();
    await remove.getByLabel('变更原因').fill('缓存方案推迟');
    await remove.getByRole('button', { name: '移除' }).click();
    await remove.waitFor({ state: 'hidden' });
    await page.getByTestId('relation-table').getByText('还没有关系').waitFor();

    await page.getByRole('tab', { name: '变更历史' }).click();
    const removed = page.getByTestId('history-entry').filter({ hasText: '移除关系' });
    await removed.getByText('原因：缓存方案推迟').waitFor();
    await removed.getByRole('link', { name: '网银核心应用' }).waitFor();
    await screenshot(page, 'cmdb-11-relation-history');
  });

  it('DS-1: an engineer registers and uploads a version, the manager approves it, and deleting the approved version is refused', async () => {
    const content = randomBytes(300 * 1024);
    const digest = createHash('sha256').update(content).digest('hex');

    const engineerContext = await newContext(browser, server.url, problems);
    const eng = await engineerContext.newPage();
    await signIn(eng, engineer.username, engineer.password);
    const dialog = await fillNewDslVersion(eng, content);
    await dialog.getByRole('button', { name: '登记版本' }).click();
    await eng.getByTestId('dsl-title').getByText('netbank-core').waitFor();
    await eng.getByTestId('dsl-state').getByText('待审批').waitFor();
    await eng.getByTestId('dsl-digest').getByText(digest).waitFor();
    expect(await eng.getByTestId('dsl-approve').count()).toBe(0);
    await screenshot(eng, 'dsl-01-uploaded-pending');

    // The operations manager approves it.
    const managerContext = await newContext(browser, server.url, problems);
    const mgr = await managerContext.newPage();
    await signIn(mgr, manager.username, manager.password);
    await mgr.getByTestId('main-menu').getByText('软件版本').click();
    const row = mgr.getByTestId('dsl-table').locator('tbody tr').filter({ hasText: 'netbank-core' });
    await row.getByText('待审批').waitFor();
    await row.getByText(digest.slice(0, 12)).waitFor();
    await screenshot(mgr, 'dsl-02-library');
    await row.getByTestId('dsl-link').click();
    await mgr.getByTestId('dsl-approve').click();
    const approve = mgr.getByTestId('dsl-approve-modal');
    await approve.getByLabel('审批意见').fill('测试报告已通过');
    await approve.getByRole('button', { name: '批准' }).click();
    await mgr.getByTestId('dsl-state').getByText('已批准').waitFor();
    await mgr.getByTestId('dsl-decision').getByText(manager.displayName).waitFor();
    await mgr.getByTestId('dsl-decision').getByText('测试报告已通过').waitFor();
    expect(await mgr.getByTestId('dsl-delete').count()).toBe(0);
    const [download] = await Promise.all([
      mgr.waitForEvent('download'),
      mgr.getByTestId('dsl-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('netbank-core-2.4.0.tar.gz');
    await screenshot(mgr, 'dsl-03-approved');

    // The engineer's page still shows it pending; the delete attempt meets DS-1.
    await eng.getByTestId('dsl-delete').click();
    await eng.getByRole('tooltip').getByRole('button', { name: '删除' }).click();
    const refusal = eng.getByTestId('error-alert');
    await refusal
      .getByText(/DS-1 已批准的版本不可修改：不能删除 .*已批准的版本是母版，永不覆盖或删除/)
      .waitFor();
    // the Chinese screen says it in Chinese only; the server's English stays off it.
    expect(await refusal.textContent()).not.toContain('never be overwritten or deleted');
    await eng.getByTestId('dsl-state').getByText('已批准').waitFor();
    await screenshot(eng, 'dsl-04-delete-refused');
    const still = await eng.request.get('/api/dsl/versions');
    expect((await still.json()).items.map((v: { state: string }) => v.state)).toEqual(['approved']);

    await engineerContext.close();
    await managerContext.close();
  });

  it('X-4 leaves no uncaught errors and no CSP violations, and every page carried the security headers', () => {
    expectCleanPages(problems);
  });
});
