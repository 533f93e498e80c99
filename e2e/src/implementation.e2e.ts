import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  approvedRelease,
  seedUsers,
  signedInApi,
  type ApiSession,
  type ApprovedRelease,
  type ReleaseCrew,
} from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { startServer, type TestServer } from './harness/server';
import { signIn } from './harness/ui';

// 发布实施与回退（XDYJ-06-01 §4.3、§4.5）：计划已批准的发布，在浏览器里完成发布前验证、开始实施、
// 执行步骤（另一个浏览器实时看到进度）、监控读数超出阈值自动提出回退触发（显示决策倒计时）、
// 运维管理部经理决定回退、工程师执行回退步骤、验证状态恢复并完成回退，生成问题记录。
// 服务器使用真实时钟：发布窗口覆盖现在（前 1 小时至后 3 小时）。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = {
  eng: { displayName: '运维工程师张伟', roles: ['operations_engineer'] },
  boss: { displayName: '运维管理部经理王芳', roles: ['operations_manager'] },
  cab1: { displayName: 'CAB 委员一', roles: ['cab_member'] },
  cab2: { displayName: 'CAB 委员二', roles: ['cab_member'] },
  cfg: { displayName: '配置管理员', roles: ['configuration_administrator'] },
} as const;

const CI = { name: '网银转账服务', version: '2.3.1' };
const MONITORING = {
  indicators: [
    { key: 'error_ratio', name: '转账失败率', comparator: 'gt', threshold: 5, unit: '%' },
    { key: 'p95_ms', name: '转账 P95 响应时间', comparator: 'gt', threshold: 800, unit: 'ms' },
  ],
  errorPatterns: ['ORA-', '/connection (refused|reset)/i'],
};

/** Waits until the success toasts are gone, so the picture shows the page. */
async function calm(page: Page): Promise<void> {
  await page
    .locator('.ant-message-notice')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

/** The language the web app starts in (it reads it from local storage on load). */
async function setLanguage(page: Page, language: 'zh' | 'en'): Promise<void> {
  await page.evaluate((l) => {
    const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } })
      .localStorage;
    storage.setItem('releasegate.language', l);
  }, language);
}

describe('发布实施与回退：发布前验证、实施、实时进度、回退触发与倒计时、回退决策、回退与问题记录', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const sessions: ApiSession[] = [];
  let crew: ReleaseCrew;
  let release: ApprovedRelease;
  let releaseUrl = '';
  let eng: Page;
  let boss: Page;

  async function signedIn(username: keyof typeof users): Promise<Page> {
    const context = await newContext(browser, server.url, problems);
    const page = await context.newPage();
    await signIn(page, username, PASSWORD);
    await page.getByTestId('profile-card').waitFor();
    return page;
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
    crew = {
      cfg: await api('cfg'),
      engineer: await api('eng'),
      manager: await api('boss'),
      cab: [await api('cab1'), await api('cab2')],
    };
    release = await approvedRelease(crew, {
      ci: { ...CI, critical: true },
      title: '网银转账服务 2.4.0 发布',
      window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
      plan: { monitoring: MONITORING },
    });
    releaseUrl = `/releases/${release.id}`;
    eng = await signedIn('eng');
    boss = await signedIn('boss');
  });

  afterEach(({ task }) => screenshotFailure(browser, task, 'impl'));

  afterAll(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    if (problems.console.length > 0) console.warn(`Browser console:\n${problems.console.join('\n')}`);
  });

  it('IM-1：工程师逐项记录发布前验证；“通过”却没有证据时服务器拒绝，原因显示在字段旁；全部通过后发布待实施', async () => {
    await eng.goto(`${releaseUrl}?tab=verification`);
    await eng.getByTestId('release-state').getByText('计划已批准').waitFor();
    const table = eng.getByTestId('checks-table');
    for (const item of ['环境检查', '备份验证', '回退测试', '应急预案'])
      await table.getByText(item).waitFor();
    await eng.getByTestId('checks-progress').getByText('已通过 0 / 4 项').waitFor();

    // 记为“通过”却不给证据：服务器拒绝（IM-1），原因显示在“说明”字段下。
    await eng.getByTestId('check-record-environment_check').click();
    const modal = eng.getByTestId('check-modal');
    await modal.getByText('记录验证结果：环境检查').waitFor();
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal
      .locator('.ant-form-item-explain-error')
      .getByText('请提供证据：说明、链接或文件（IM-1）')
      .waitFor();
    await screenshot(eng, 'impl-01-check-needs-evidence', { fullPage: false });
    await modal.getByLabel('说明').fill('预生产环境检查通过：磁盘余量 62%，端口与证书有效');
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });
    await eng
      .getByTestId('check-row-environment_check')
      .getByText('运维工程师张伟', { exact: true })
      .waitFor();

    // 备份验证附上文件；回退测试附上链接；应急预案写明说明。
    await eng.getByTestId('check-record-backup_verification').click();
    await modal.locator('input[type=file]').setInputFiles({
      name: '备份校验报告.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('系统备份与数据备份已完成，校验和一致\n'),
    });
    await modal.getByTestId('check-file').getByText('备份校验报告.txt').waitFor();
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });
    await eng.getByTestId('check-row-backup_verification').getByText('备份校验报告.txt').waitFor();

    await eng.getByTestId('check-record-rollback_test').click();
    await modal.getByLabel('证据链接').fill('https://wiki.example.com/rehearsal/2026-11');
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });

    await eng.getByTestId('check-record-emergency_plan').click();
    await modal.getByLabel('说明').fill('应急预案已评审，值班表已发布');
    await modal.getByRole('button', { name: '记录结果' }).click();
    await modal.waitFor({ state: 'hidden' });

    await eng.getByTestId('checks-all-passed').waitFor();
    await eng.getByTestId('release-state').getByText('待实施').waitFor();
    await eng.getByTestId('checks-progress').getByText('已通过 4 / 4 项').waitFor();
    await calm(eng);
    await screenshot(eng, 'impl-02-checks-passed');
  });

  it('IM-2 IM-3：工程师开始实施并执行步骤；经理的浏览器停在“实施”页，不刷新即看到进度变化', async () => {
    await boss.goto(`${releaseUrl}?tab=implementation`);
    await boss.getByTestId('live-indicator').and(boss.locator('[data-status="live"]')).first().waitFor();
    await boss.getByTestId('implementation-progress').getByText('尚未开始').waitFor();
    // A mark in the page: still there at the end means the page was never reloaded.
    await boss.evaluate(() => ((globalThis as { rgMark?: string }).rgMark = 'kept'));

    await eng.getByRole('tab', { name: '实施' }).click();
    await eng.getByTestId('implementation-start').getByTestId('action-start_implementation').click();
    const confirm = eng.getByRole('dialog').filter({ hasText: '开始实施' });
    await confirm.getByText(/按已批准的发布计划第 1 版/).waitFor();
    await confirm.getByRole('button', { name: '开始实施' }).click();
    await eng.getByTestId('release-state').getByText('实施中').waitFor();
    await boss.getByTestId('release-state').getByText('实施中').waitFor();

    await eng.getByTestId('impl-steps-start-0').click();
    await boss.getByTestId('impl-steps-row-0').and(boss.locator('[data-status="running"]')).waitFor();
    await boss.getByTestId('implementation-progress-current').getByText('1. 部署新版本').waitFor();
    await boss.getByTestId('impl-steps-row-0').getByText('运维工程师张伟').waitFor();

    await eng.getByTestId('impl-steps-finish-0').click();
    const finish = eng.getByTestId('impl-steps-finish-modal');
    await finish.getByLabel('结果说明').fill('版本接口返回 2.4.0');
    await finish.getByLabel('输出').fill('$ deploy.sh 2.4.0\nrolling update 3/3 ready\nOK');
    await finish.getByRole('button', { name: '结束' }).click();
    await finish.waitFor({ state: 'hidden' });

    // 经理的页面：第 1 步的结果与进度随工程师的操作出现。
    await boss.getByTestId('impl-steps-row-0').getByText('版本接口返回 2.4.0').waitFor();
    await boss.getByTestId('implementation-progress').getByText('已完成 1 / 2 步').waitFor();
    await boss.getByTestId('implementation-progress-current').getByText('2. 验证转账功能').waitFor();
    expect(await boss.evaluate(() => (globalThis as { rgMark?: string }).rgMark)).toBe('kept');
    await eng.getByTestId('impl-steps-start-1').click();
    await boss.getByTestId('impl-steps-row-1').and(boss.locator('[data-status="running"]')).waitFor();
    await calm(eng);
    await screenshot(eng, 'impl-03-implementing');
    await boss
      .getByTestId('impl-steps-row-0')
      .getByRole('button', { name: /展开|Expand/ })
      .click();
    await boss
      .getByTestId('impl-steps-output-0')
      .getByText(/rolling update 3\/3 ready/)
      .waitFor();
    await screenshot(boss, 'impl-04-manager-sees-progress');
  });

  it('IM-4 IM-5 IM-6 RB-1 RB-2：读数超出阈值自动提出回退触发，经理页面显示决策倒计时；日志按错误模式标记；记录用户反馈', async () => {
    await eng.getByRole('tab', { name: '监控' }).click();
    await eng.getByTestId('indicator-error_ratio').getByText('阈值 > 5 %').waitFor();
    const reading = eng.getByTestId('reading-form');
    await reading.getByLabel('数值').fill('7.5');
    await reading.getByTestId('reading-submit').click();
    await reading
      .getByTestId('reading-trigger-raised')
      .getByText(/\[error_ratio\] 转账失败率 = 7.5/)
      .waitFor();
    await eng.getByTestId('indicator-error_ratio-latest').getByText('7.5').waitFor();
    expect(await eng.getByTestId('indicator-error_ratio').getAttribute('data-breached')).toBe('true');

    // 经理仍在“实施”页：回退触发与倒计时实时出现（决策时限为发现后 30 分钟）。
    const pending = boss.getByTestId('pending-triggers');
    await pending.getByText('1 个回退触发等待回退决策').waitFor();
    await pending.getByText('性能超出阈值').waitFor();
    await pending.getByText(/29:5\d/).waitFor();
    expect(await boss.evaluate(() => (globalThis as { rgMark?: string }).rgMark)).toBe('kept');
    await screenshot(boss, 'impl-05-manager-countdown', { fullPage: false });

    // 附加日志：命中计划中错误模式的行被标记，可只看这些行。
    await eng.getByTestId('logs-attach').click();
    const attach = eng.getByTestId('logs-attach-modal');
    await attach
      .getByLabel('日志内容')
      .fill(
        [
          'INFO 开始部署 2.4.0',
          'ERROR ORA-00060: deadlock detected while waiting for resource',
          'WARN 连接池使用率 85%',
          'ERROR upstream Connection refused by 10.0.3.7:8443',
        ].join('\n'),
      );
    await attach.getByLabel('来源').fill('部署脚本');
    await attach.getByRole('button', { name: '附加日志' }).click();
    await attach.waitFor({ state: 'hidden' });
    const logs = eng.getByTestId('logs-table');
    await logs.getByText('开始部署 2.4.0', { exact: false }).waitFor();
    await eng.getByTestId('logs-flagged').click();
    await logs.locator('tbody tr[data-flagged="true"]').nth(1).waitFor();
    // The flagged rows were on the page before the filter too: wait for the filtered answer.
    await expect.poll(() => logs.locator('tbody tr.ant-table-row').count()).toBe(2);
    await logs.locator('mark').getByText('ORA-', { exact: true }).waitFor();
    await logs.locator('mark').getByText('Connection refused', { exact: true }).waitFor();

    // 用户反馈，写明投诉阈值。
    await eng.getByTestId('complaint-threshold').getByText('10 分钟内 5 次投诉将自动触发回退').waitFor();
    await eng.getByTestId('feedback-add').click();
    const feedback = eng.getByTestId('feedback-modal');
    await feedback.getByLabel('渠道').fill('客服热线');
    await feedback.getByLabel('反馈人').fill('客户 138****0021');
    await feedback.getByLabel('内容').fill('转账提示“系统繁忙”，重试两次后成功');
    await feedback.getByRole('button', { name: '提交' }).click();
    await feedback.waitFor({ state: 'hidden' });
    await eng.getByTestId('feedback-card').getByText('转账提示“系统繁忙”，重试两次后成功').waitFor();
    await calm(eng);
    await screenshot(eng, 'impl-06-monitoring');
  });

  it('RB-2：运维管理部经理看到倒计时并决定回退（说明理由）；发布进入回退中', async () => {
    // 工程师无权作出回退决策：看不到决策按钮，并被告知原因。
    await eng.getByRole('tab', { name: '回退' }).click();
    await eng
      .getByTestId('triggers-table')
      .locator('[data-testid^="trigger-countdown-"]')
      .getByText(/29:[0-5]\d/)
      .waitFor();
    expect(await eng.locator('[data-testid^="trigger-rollback-"]').count()).toBe(0);
    await eng
      .getByTestId('inline-blockers-decide_rollback')
      .getByText(/RB-2 由有权人员作出回退决策/)
      .waitFor();

    await boss.getByTestId('pending-triggers').getByRole('button', { name: '查看回退' }).click();
    const triggers = boss.getByTestId('triggers-table');
    await triggers.getByText('[error_ratio] 转账失败率 = 7.5 (> 5 %)').waitFor();
    await triggers.getByText('监控指标 · ReleaseGate').waitFor();
    await triggers
      .locator('[data-testid^="trigger-countdown-"]')
      .getByText(/29:[0-5]\d/)
      .waitFor();
    await screenshot(boss, 'impl-07-trigger-countdown');
    await boss.locator('[data-testid^="trigger-rollback-"]').click();
    const decide = boss.getByTestId('decide-rollback-modal');
    await decide.getByLabel('决策理由').fill('转账失败率 7.5% 超过阈值，按计划回退到 2.3.1');
    await decide.getByRole('button', { name: '决定回退' }).click();
    await decide.waitFor({ state: 'hidden' });
    await boss.getByTestId('release-state').getByText('回退中').waitFor();
    await triggers.getByText('转账失败率 7.5% 超过阈值，按计划回退到 2.3.1').waitFor();
    expect(await triggers.getByText('迟决策').count()).toBe(0);
    await eng.getByTestId('release-state').getByText('回退中').waitFor();
  });

  it('RB-3 RB-4 RB-5：工程师执行回退步骤，验证状态已恢复到配置基线，完成回退；发布为“已回退”，问题记录可见', async () => {
    await eng.getByTestId('rollback-steps-start-0').click();
    await eng.getByTestId('rollback-steps-finish-0').click();
    const finish = eng.getByTestId('rollback-steps-finish-modal');
    await finish.getByLabel('结果说明').fill(`版本接口返回 ${CI.version}`);
    await finish.getByRole('button', { name: '结束' }).click();
    await finish.waitFor({ state: 'hidden' });
    await eng.getByTestId('rollback-progress').getByText('已完成 1 / 1 步').waitFor();

    // 完成回退须先验证状态恢复（RB-4）。
    await eng
      .getByTestId('inline-blockers-complete_rollback')
      .getByText(/RB-4 状态恢复已验证/)
      .waitFor();
    const restoration = eng.getByTestId('restoration-card');
    await restoration.getByLabel(`实际部署版本 ${CI.name}`).fill(CI.version);
    await restoration.getByTestId('restoration-submit').click();
    await restoration
      .getByTestId('restoration-status')
      .getByText('状态已恢复：全部配置项与发布前一致')
      .waitFor();
    await restoration.getByTestId('restoration-result').getByText('一致').waitFor();

    await eng.getByTestId('rollback-progress').getByTestId('action-complete_rollback').click();
    const confirm = eng.getByRole('dialog').filter({ hasText: '完成回退' });
    await confirm.getByRole('button', { name: '完成回退' }).click();
    await eng.getByTestId('release-state').getByText('已回退').waitFor();

    const problem = eng.getByTestId('problem-card');
    await problem.getByText(/^PRB-\d{4}-0001$/).waitFor();
    await problem.getByText('性能超出阈值：[error_ratio] 转账失败率 = 7.5 (> 5 %)').waitFor();
    await problem.getByText(/回退决策：决定回退：转账失败率 7.5% 超过阈值/).waitFor();
    await problem.getByText('状态恢复验证：配置已恢复到基线').waitFor();
    await problem.getByText('回退完成', { exact: true }).waitFor();
    await calm(eng);
    await screenshot(eng, 'impl-08-rolled-back');

    // 经理的页面同样显示结果，无需刷新。
    await boss.getByTestId('release-state').getByText('已回退').waitFor();
    await boss
      .getByTestId('problem-card')
      .getByText(/^PRB-\d{4}-0001$/)
      .waitFor();
    await boss.getByTestId('release-steps').getByText('已回退').waitFor();
    expect(await boss.evaluate(() => (globalThis as { rgMark?: string }).rgMark)).toBe('kept');
  });

  it('界面也以英文呈现各页签（截图）', async () => {
    await setLanguage(eng, 'en');
    for (const [tab, name] of [
      ['verification', 'Pre-release checks'],
      ['implementation', 'Implementation'],
      ['monitoring', 'Monitoring'],
      ['rollback', 'Rollback'],
    ] as const) {
      await eng.goto(`${releaseUrl}?tab=${tab}`);
      await eng.getByRole('tab', { name, selected: true }).waitFor();
      await eng.getByTestId(`${tab}-tab`).waitFor();
      await screenshot(eng, `impl-en-${tab}`);
    }
    await eng.getByTestId('problem-card').getByText('rollback completed', { exact: true }).waitFor();
    await setLanguage(eng, 'zh');
  });

  it('PR-1：发布窗口未到时，“开始实施”不可用，页面写明被哪条规则拒绝', async () => {
    const now = Date.now();
    const later = await approvedRelease(crew, {
      ci: { name: '短信通知服务', version: '1.4.0' },
      title: '短信通知服务 1.5.0 发布',
      window: { start: new Date(now + 24 * 3600_000), end: new Date(now + 26 * 3600_000) },
    });
    for (const key of ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan'])
      await crew.engineer.post(`/api/releases/${later.id}/checks/${key}`, { result: 'passed', note: '通过' });
    await eng.goto(`/releases/${later.id}?tab=implementation`);
    await eng.getByTestId('release-state').getByText('待实施').waitFor();
    const start = eng.getByTestId('implementation-start');
    expect(await start.getByTestId('action-start_implementation').isDisabled()).toBe(true);
    await start
      .getByTestId('inline-blockers-start_implementation')
      .getByText(/PR-1 在发布窗口内：当前不在发布窗口内（\d{4}-\d{2}-\d{2} \d{2}:\d{2} – /)
      .waitFor();
    // Steps cannot be started before implementation: no step buttons at all.
    expect(await eng.getByTestId('impl-steps-start-0').count()).toBe(0);
    await screenshot(eng, 'impl-09-start-blocked-window');
  });

  it('X-4 leaves no uncaught errors and no CSP violations, and every page carried the security headers', () => {
    expectCleanPages(problems);
  });
});
