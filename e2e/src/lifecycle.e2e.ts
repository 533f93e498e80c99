import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  approvedRelease,
  implementRelease,
  passPreReleaseChecks,
  rolledBack,
  seedUsers,
  signedInApi,
  type ApiSession,
  type ApprovedRelease,
  type ReleaseCrew,
} from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { startServer, type TestServer } from './harness/server';
import { calm, setLanguage, signIn } from './harness/ui';

// 一次发布从变更到关闭（XDYJ-06-01 §4.4、§4.6、§5）：变更经 CAB 批准 → 提交发布申请 → 受理、定级
// → 起草并批准发布计划（四眼原则）→ 发布前验证通过 → 实施并完成全部步骤（这些前期步骤由
// release.e2e.ts 与 implementation.e2e.ts 在浏览器中覆盖，这里经 API 以各角色完成）；随后在浏览器中：
// 运维工程师记录效果验证，业务部门代表签署用户验收，配置管理员更新 CMDB，运维工程师归档，
// 运维管理部经理以“成功”关闭、下载《发布变更报告》，并在度量页看到本季度发布成功率。
// 服务器使用真实时钟：发布窗口覆盖现在（前 1 小时至后 3 小时）。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng: { displayName: '运维工程师张伟', roles: ['operations_engineer'] },
  impl: { displayName: '发布实施人员刘洋', roles: ['release_implementer'] },
  boss: { displayName: '运维管理部经理王芳', roles: ['operations_manager'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员赵敏', roles: ['configuration_administrator'] },
  biz: { displayName: '业务代表陈静', roles: ['business_representative'] },
} as const;

const CI = { name: '手机银行网关', version: '3.1.0' };
const TARGET = `${CI.version}-next`;

describe('一次发布从变更到关闭：效果验证、用户验收、更新 CMDB、归档、经理关闭、《发布变更报告》与发布成功率', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const sessions: ApiSession[] = [];
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-lifecycle-'));
  let release: ApprovedRelease;
  let crew: ReleaseCrew;
  let impl: ApiSession;
  let releaseUrl = '';
  const pages: Partial<Record<keyof typeof users, Page>> = {};

  /** The browser of one of the policy's roles, signed in (one profile each, kept across the tests). */
  async function as(username: keyof typeof users): Promise<Page> {
    const open = pages[username];
    if (open) return open;
    const context = await newContext(browser, server.url, problems);
    const page = await context.newPage();
    await signIn(page, username, PASSWORD);
    await page.getByTestId('profile-card').waitFor();
    pages[username] = page;
    return page;
  }

  /** Opens one tab of the release and waits for it. */
  async function openTab(page: Page, tab: 'postrelease' | 'close', name: string): Promise<void> {
    await page.goto(`${releaseUrl}?tab=${tab}`);
    await page.getByRole('tab', { name, selected: true }).waitFor();
    await page.getByTestId(`${tab}-tab`).waitFor();
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);
    const api = async (u: keyof typeof users) => {
      const s = await signedInApi(browser, server.url, u, PASSWORD);
      sessions.push(s);
      return s;
    };
    const now = Date.now();
    // The change voted through by the CAB, the release requested, accepted and classified by the
    // engineer, its plan drafted by the engineer and approved by the manager (four eyes).
    crew = {
      cfg: await api('cfg'),
      engineer: await api('eng'),
      manager: await api('boss'),
      cab: [await api('cab1'), await api('cab2')],
    };
    release = await approvedRelease(crew, {
      ci: CI,
      title: '手机银行网关 3.2 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
    });
    // The implementation team: pre-release checks passed, implemented step by step, completed.
    impl = await api('impl');
    await passPreReleaseChecks(impl, release.id);
    await implementRelease(impl, release.id, 2);
    releaseUrl = `/releases/${release.id}`;
  });

  afterEach(({ task }) => screenshotFailure(browser, task, 'lifecycle'));

  afterAll(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    fs.rmSync(downloads, { recursive: true, force: true });
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('PO-1：运维工程师逐项记录功能、性能、业务验证；“通过”却没有证据时拒绝，原因显示在字段旁；用户验收只能由业务部门代表签署', async () => {
    const eng = await as('eng');
    await openTab(eng, 'postrelease', '发布后管理');
    await eng.getByTestId('release-state').getByText('发布后管理').waitFor();
    const table = eng.getByTestId('verifications-table');
    for (const item of ['功能验证', '性能验证', '业务验证']) await table.getByText(item).waitFor();
    await eng.getByTestId('verifications-progress').getByText('已通过 0 / 4 项').waitFor();
    // 用户验收：工程师看得到状态，但没有签署表单。
    await eng.getByTestId('acceptance-unsigned').getByText('须由业务部门代表签署').waitFor();
    expect(await eng.getByTestId('acceptance-form').count()).toBe(0);

    await eng.getByTestId('verification-record-functional').click();
    const modal = eng.getByTestId('verification-modal');
    await modal.getByText('记录功能验证结果').waitFor();
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal
      .locator('.ant-form-item-explain-error')
      .getByText('请提供证据：说明、链接或文件（PO-1）')
      .waitFor();
    await screenshot(eng, 'lifecycle-01-verification-needs-evidence', { fullPage: false });
    await modal.getByLabel('说明').fill('登录、转账、查询三条核心链路验证正常');
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });
    await eng.getByTestId('verification-row-functional').getByText('运维工程师张伟').waitFor();

    // 性能验证附上压测报告文件；业务验证给出链接。
    await eng.getByTestId('verification-record-performance').click();
    await modal.locator('input[type=file]').setInputFiles({
      name: '压测报告.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('P95 320 ms，TPS 1200，错误率 0.02%\n'),
    });
    await modal.getByTestId('verification-file').getByText('压测报告.txt').waitFor();
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });
    const file = eng.getByTestId('verification-row-performance').getByRole('link', { name: '压测报告.txt' });
    const [evidence] = await Promise.all([eng.waitForEvent('download'), file.click()]);
    expect(evidence.suggestedFilename()).toBe('压测报告.txt');

    await eng.getByTestId('verification-record-business').click();
    await modal.getByLabel('证据链接').fill('https://bi.example.com/dashboards/mobile-gateway');
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });
    await eng.getByTestId('verifications-progress').getByText('已通过 3 / 4 项').waitFor();
    await calm(eng);
    await screenshot(eng, 'lifecycle-02-verifications');
  });

  it('PO-1：业务部门代表签署用户验收（须填写业务部门）；验证全部通过', async () => {
    const biz = await as('biz');
    // the representative's home page lists the acceptance waiting for them, a link to it.
    await biz.goto('/');
    const task = biz.getByTestId('my-tasks').getByTestId('my-task').filter({ hasText: release.number });
    await task.getByText('签署用户验收').waitFor();
    await calm(biz);
    await screenshot(biz, 'lifecycle-03a-home-my-tasks');
    await task.getByText('签署用户验收').click();
    await biz.getByTestId('postrelease-tab').waitFor();
    await openTab(biz, 'postrelease', '发布后管理');
    // The representative records no technical verification.
    await biz.getByTestId('action-wrap-record_verification').first().waitFor();
    const form = biz.getByTestId('acceptance-form');
    await form.getByText('以 业务代表陈静 的名义签署').waitFor();
    await form.getByTestId('acceptance-submit').click();
    await form.locator('.ant-form-item-explain-error').getByText('请填写业务部门').waitFor();
    await form.getByLabel('业务部门').fill('个人金融部');
    await form.getByLabel('验收意见').fill('手机银行转账与理财功能符合需求，同意上线');
    await form.getByTestId('acceptance-submit').click();
    const signed = biz.getByTestId('acceptance-signed');
    await signed.getByTestId('acceptance-decision').getByText('验收通过').waitFor();
    await signed.getByText('业务代表陈静').waitFor();
    await signed.getByText('个人金融部').waitFor();
    await biz.getByTestId('verifications-all-passed').waitFor();
    await biz.getByTestId('verifications-progress').getByText('已通过 4 / 4 项').waitFor();
    await calm(biz);
    await screenshot(biz, 'lifecycle-03-acceptance-signed');
  });

  it('PR-6 X-4：业务部门代表没有 CMDB 权限，概况里仍看到配置项名称与申请人姓名，而不是编号与用户名', async () => {
    const biz = await as('biz');
    await biz.goto(`${releaseUrl}?tab=overview`);
    const fields = biz.getByTestId('release-fields');
    await fields.getByText('运维工程师张伟', { exact: true }).waitFor();
    const items = biz.getByTestId('release-items-table');
    await items.getByText(CI.name, { exact: true }).waitFor();
    // A name, not a link into the CMDB the representative may not open.
    expect(await items.getByRole('link', { name: CI.name }).count()).toBe(0);
    await calm(biz);
    await screenshot(biz, 'lifecycle-03b-overview-as-business-representative');
  });

  it('PO-2：配置管理员看到 24 小时倒计时和目标版本，完成 CMDB 更新；配置项版本随之更新', async () => {
    const cfg = await as('cfg');
    await openTab(cfg, 'postrelease', '发布后管理');
    const card = cfg.getByTestId('cmdb-card');
    await card.getByText('24 小时内').waitFor();
    // Due 24 hours after the implementation ended: a moment ago, so 23:5x:xx left.
    await card
      .getByTestId('cmdb-countdown')
      .getByText(/^23:5\d:\d\d$/)
      .waitFor();
    const targets = card.getByTestId('cmdb-targets');
    await targets.getByText(CI.name).waitFor();
    await targets.getByText(CI.version, { exact: true }).waitFor();
    await targets.getByText(TARGET, { exact: true }).waitFor();
    await targets.getByText('待更新').waitFor();
    await screenshot(cfg, 'lifecycle-04-cmdb-task');

    // A computer whose clock runs a day and an hour ahead: the countdown follows the server's
    // time, so it still shows 23:5x:xx left, not 已超期.
    const skewed = await cfg.context().newPage();
    await skewed.clock.setFixedTime(new Date(Date.now() + 25 * 3600_000));
    await skewed.goto(`${releaseUrl}?tab=postrelease`);
    await skewed
      .getByTestId('cmdb-card')
      .getByTestId('cmdb-countdown')
      .getByText(/^23:5\d:\d\d$/)
      .waitFor();
    expect(await skewed.getByTestId('cmdb-overdue').count()).toBe(0);
    await skewed.close();

    await card.getByTestId('cmdb-complete').click();
    const confirm = cfg.getByTestId('cmdb-complete-modal');
    await confirm.getByLabel('说明（可选）').fill('已与生产环境部署版本核对');
    await confirm.getByRole('button', { name: '完成 CMDB 更新' }).click();
    await confirm.waitFor({ state: 'hidden' });
    const applied = card.getByTestId('cmdb-applied');
    await applied.getByText(TARGET, { exact: true }).waitFor();
    await card.getByTestId('cmdb-done').getByText('按时完成').waitFor();
    await card.getByText(/配置管理员赵敏 于 .* 完成/).waitFor();
    await calm(cfg);
    await screenshot(cfg, 'lifecycle-05-cmdb-done');

    // CM-4: the CI now carries the target version.
    await applied.getByRole('link', { name: CI.name }).click();
    await cfg.getByText(TARGET, { exact: true }).first().waitFor();
  });

  it('CL-1 KP-1：归档前“关闭发布”不可用并说明原因；以“失败”关闭须另点按钮、不预选、须写原因并输入发布编号确认；运维工程师归档全部文档与证据', async () => {
    const boss = await as('boss');
    await openTab(boss, 'close', '关闭');
    const checks = boss.getByTestId('close-prerequisites');
    expect(await checks.getByTestId('close-check-verification').getAttribute('data-met')).toBe('true');
    expect(await checks.getByTestId('close-check-cmdb').getAttribute('data-met')).toBe('true');
    expect(await checks.getByTestId('close-check-archive').getAttribute('data-met')).toBe('false');
    await checks.getByTestId('close-check-archive').getByText('文档尚未归档').waitFor();
    await boss.getByTestId('report-draft').waitFor();
    // No one-click trap: the close the prerequisites are about is disabled, saying why.
    expect(await boss.getByTestId('close-open').isDisabled()).toBe(true);
    await boss.getByTestId('action-wrap-close_successful').hover();
    await boss.getByRole('tooltip').getByText('CL-1 文档已归档：文档尚未归档').waitFor();
    // Closing as failed is its own button; the dialog preselects nothing.
    await boss.getByTestId('close-failed-open').click();
    const modal = boss.getByTestId('close-modal');
    await modal
      .getByTestId('close-success-blocked')
      .getByText('以“成功”关闭须先满足：CL-1 文档已归档：文档尚未归档')
      .waitFor();
    const failed = modal.getByRole('radio', { name: '失败' });
    await failed.waitFor({ state: 'attached' });
    expect(await modal.getByRole('radio').count()).toBe(1);
    expect(await failed.isChecked()).toBe(false);
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.getByText('请选择关闭结果（关闭后不可更改）').waitFor();
    // Choosing 失败 asks for the analysis and the release number before anything is recorded.
    await modal.getByText('失败', { exact: true }).click();
    await modal.getByTestId('close-unsuccessful-warning').waitFor();
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.getByText('以“失败”或“已回退”关闭时，须写明原因分析').waitFor();
    await modal.getByText(`请输入发布编号 ${release.number}`).waitFor();
    await screenshot(boss, 'lifecycle-06-close-before-archive', { fullPage: false });
    await modal.getByRole('button', { name: '取消' }).click();
    await modal.waitFor({ state: 'hidden' });
    await boss.getByTestId('release-state').getByText('发布后管理').waitFor();

    // The engineer archives; the close is not theirs.
    const eng = await as('eng');
    await openTab(eng, 'close', '关闭');
    await eng
      .getByTestId('close-role-blocker')
      .getByText('CL-1 只有运维管理部经理可以关闭发布：需要运维管理部经理执行')
      .waitFor();
    await eng.getByTestId('archive-run').click();
    const archived = eng.getByTestId('archive-table');
    await archived.getByText(`发布计划-${release.number}-v1.pdf`).waitFor();
    await archived.getByText(/^evidence\/[0-9a-f]{12}-压测报告\.txt$/).waitFor();
    await archived.getByText('checklists.json').waitFor();
    await eng
      .getByTestId('archive-status')
      .getByText(/运维工程师张伟 于 .* 归档/)
      .waitFor();
    await eng.getByTestId('close-check-archive').and(eng.locator('[data-met="true"]')).waitFor();
    await calm(eng);
    await screenshot(eng, 'lifecycle-07-archived');
  });

  it('CL-1 CL-2：运维管理部经理以“成功”关闭，填写分析与经验教训；归档封存，《发布变更报告》正式版生成', async () => {
    const boss = await as('boss');
    await openTab(boss, 'close', '关闭');
    await boss.getByTestId('close-check-archive').and(boss.locator('[data-met="true"]')).waitFor();
    await boss.getByTestId('close-open').click();
    const modal = boss.getByTestId('close-modal');
    await modal.getByText(`关闭发布 ${release.number}`).waitFor();
    expect(await modal.getByTestId('close-success-blocked').count()).toBe(0);
    await modal.getByText('成功', { exact: true }).click();
    await modal.getByLabel('分析').fill('按计划在窗口内完成，验证全部通过，无回退触发');
    await modal.getByLabel('经验教训').fill('网关配置变更应提前在预生产环境演练');
    await screenshot(boss, 'lifecycle-08-close-dialog', { fullPage: false });
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.waitFor({ state: 'hidden' });

    await boss.getByTestId('release-state').getByText('已关闭').waitFor();
    await boss.getByTestId('release-state').getByText('成功').waitFor();
    const closure = boss.getByTestId('closure-card');
    await closure.getByTestId('closure-outcome').getByText('成功').waitFor();
    await closure.getByText(/^运维管理部经理王芳 于 .* 关闭$/).waitFor();
    await closure.getByText('网关配置变更应提前在预生产环境演练').waitFor();
    await boss.getByTestId('archive-sealed').getByText('已封存 · 不可修改').waitFor();
    await boss.getByTestId('archive-table').getByText(`发布变更报告-${release.number}.pdf`).waitFor();
    await boss.getByTestId('report-final').waitFor();
    await calm(boss);
    await screenshot(boss, 'lifecycle-09-closed');
  });

  it('CL-2：经理下载《发布变更报告》DOCX 与 PDF，文件名与内容都是这次发布的', async () => {
    const boss = await as('boss');
    const card = boss.getByTestId('report-card');
    const [docx] = await Promise.all([
      boss.waitForEvent('download'),
      card.getByTestId('report-docx').click(),
    ]);
    expect(docx.suggestedFilename()).toBe(`发布变更报告-${release.number}.docx`);
    const docxPath = path.join(downloads, 'report.docx');
    await docx.saveAs(docxPath);
    const documentXml = execFileSync('unzip', ['-p', docxPath, 'word/document.xml'], { encoding: 'utf8' });
    expect(documentXml).toContain(release.number);
    expect(documentXml).toContain('发布变更报告');
    expect(documentXml).toContain('网关配置变更应提前在预生产环境演练');

    const [pdf] = await Promise.all([boss.waitForEvent('download'), card.getByTestId('report-pdf').click()]);
    expect(pdf.suggestedFilename()).toBe(`发布变更报告-${release.number}.pdf`);
    const pdfPath = path.join(downloads, 'report.pdf');
    await pdf.saveAs(pdfPath);
    expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
    expect(text).toContain(release.number);
    expect(text).toContain('发布变更报告');

    // PO-3: the evidence package, with its manifest.
    const [zip] = await Promise.all([
      boss.waitForEvent('download'),
      boss.getByTestId('evidence-package').click(),
    ]);
    expect(zip.suggestedFilename()).toBe(`证据包-${release.number}.zip`);
    const zipPath = path.join(downloads, 'evidence.zip');
    await zip.saveAs(zipPath);
    const manifest = JSON.parse(
      execFileSync('unzip', ['-p', zipPath, 'manifest.json'], { encoding: 'utf8' }),
    );
    expect(manifest.release).toBe(release.number);
    expect(manifest.outcome).toBe('successful');
  });

  it('KP-1：发布列表显示结果；度量页显示本季度发布成功率 100%，目标 95%', async () => {
    const boss = await as('boss');
    await boss.goto('/releases');
    await boss.getByTestId('release-open-only').click();
    const row = boss.getByTestId('release-table').locator('tr', { hasText: release.number });
    await row.getByText('已关闭').waitFor();
    await row.getByText('成功').waitFor();

    await boss.getByRole('menuitem', { name: '度量' }).click();
    await boss.waitForURL('**/measures');
    const rate = boss.getByTestId('kpi-success-rate');
    await rate.getByText('100%').waitFor();
    await rate.getByText('达标').waitFor();
    await rate.getByText(/1 \/ 1 · 目标 95%/).waitFor();
    await boss.getByTestId('measures-releases').getByText(release.number).waitFor();
    await screenshot(boss, 'lifecycle-10-measures');
  });

  it('RB-6 CL-1 KP-1：已回退的发布由经理归档后以“已回退”关闭（只提供这一结果）；不显示发布后管理；本季度成功率随之为 50%，未达标', async () => {
    const now = Date.now();
    const second = await approvedRelease(crew, {
      ci: { name: '短信通知服务', version: '1.4.2' },
      title: '短信通知服务 1.5 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
    });
    await passPreReleaseChecks(impl, second.id);
    await rolledBack(impl, crew.manager, second, 1);

    const boss = await as('boss');
    await boss.goto(`/releases/${second.id}?tab=close`);
    await boss.getByTestId('release-state').getByText('已回退').waitFor();
    await boss.getByTestId('close-tab').waitFor();
    expect(await boss.getByRole('tab', { name: '发布后管理' }).count()).toBe(0);
    const checks = boss.getByTestId('close-prerequisites');
    await checks.getByText('已回退的发布在文档归档后').waitFor();
    expect(await checks.locator('[data-testid^="close-check-"]').count()).toBe(1);
    await checks.getByTestId('close-check-archive').getByText('文档尚未归档').waitFor();
    await boss.getByTestId('action-wrap-close_rolled_back').waitFor();

    await boss.getByTestId('archive-run').click();
    await boss.getByTestId('archive-table').getByText('rollback.json').waitFor();
    await boss.getByTestId('close-open').click();
    const modal = boss.getByTestId('close-modal');
    const rolledBackOutcome = modal.getByRole('radio', { name: '已回退' });
    await rolledBackOutcome.waitFor({ state: 'attached' });
    expect(await modal.getByRole('radio').count()).toBe(1);
    // KP-1: an outcome that lowers the success rate is never preselected, and is confirmed.
    expect(await rolledBackOutcome.isChecked()).toBe(false);
    await modal.getByText('已回退', { exact: true }).click();
    await modal.getByLabel('分析').fill('新版本登录失败，按计划回退，状态已恢复到配置基线');
    await modal.getByLabel(`输入发布编号 ${second.number} 以确认`).fill(second.number);
    await modal.getByRole('button', { name: '关闭发布' }).click();
    await modal.waitFor({ state: 'hidden' });
    await boss.getByTestId('release-state').getByText('已关闭').waitFor();
    await boss.getByTestId('closure-card').getByTestId('closure-outcome').getByText('已回退').waitFor();
    await calm(boss);
    await screenshot(boss, 'lifecycle-11-rolled-back-closed');

    await boss.getByRole('menuitem', { name: '度量' }).click();
    const rate = boss.getByTestId('kpi-success-rate');
    await rate.getByText('50%').waitFor();
    await rate.getByText('未达标').waitFor();
    await rate.getByText(/1 \/ 2 · 目标 95%/).waitFor();
  });

  it('界面也以英文呈现发布后管理与关闭（截图）', async () => {
    const boss = await as('boss');
    await setLanguage(boss, 'en');
    await boss.goto(`${releaseUrl}?tab=postrelease`);
    await boss.getByRole('tab', { name: 'Post-release', selected: true }).waitFor();
    await boss.getByTestId('acceptance-decision').getByText('Accepted').waitFor();
    await screenshot(boss, 'lifecycle-en-postrelease');
    await boss.goto(`${releaseUrl}?tab=close`);
    await boss.getByRole('tab', { name: 'Close', selected: true }).waitFor();
    await boss.getByTestId('closure-card').getByText('Successful').waitFor();
    await screenshot(boss, 'lifecycle-en-close');
    await setLanguage(boss, 'zh');
  });

  it('X-4 leaves no uncaught errors and no CSP violations, and every page carried the security headers', () => {
    expectCleanPages(problems);
  });
});
