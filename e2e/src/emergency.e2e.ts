import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  implementRelease,
  passPreReleaseChecks,
  seedUsers,
  signedInApi,
  type ApiSession,
} from './harness/api';
import { expectCleanPages, launchBrowser, newContext, pageProblems, screenshot } from './harness/browser';
import { screenshotFailure } from './harness/failures';
import { startServer, type TestServer } from './harness/server';
import { calm, signIn } from './harness/ui';

// 紧急发布（XDYJ-06-01 表4-1、TY-4）：运维管理部经理深夜起草简化计划（含目标配置），按制度本人批准；
// 实施完成后，运维工程师在浏览器中补全计划，经理批准补全计划；未批准过计划的工程师进行事后评审；
// 配置管理员按简化计划的目标配置更新 CMDB；补全与评审完成前关闭被拒绝，完成后经理关闭发布。
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

describe('紧急发布：经理起草并批准简化计划，实施后补全计划、事后评审、按目标配置更新 CMDB，然后关闭', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  const sessions: ApiSession[] = [];
  const pages: Partial<Record<keyof typeof users, Page>> = {};
  const api: Partial<Record<keyof typeof users, ApiSession>> = {};
  let release: { id: string; number: string };
  let ciId = '';
  let releaseUrl = '';

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

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);
    for (const u of Object.keys(users) as (keyof typeof users)[]) {
      const s = await signedInApi(browser, server.url, u, PASSWORD);
      sessions.push(s);
      api[u] = s;
    }
    const ci = await api.cfg!.post('/api/cmdb/cis', {
      type: 'application',
      name: '核心支付网关',
      environment: 'production',
      critical: true,
      version: '5.0.1',
      owner: '李娜',
    });
    ciId = ci.id;
  });

  /** The release carrying the emergency change, requested, accepted and classified emergency. */
  async function requestEmergencyRelease(changeId: string) {
    release = await api.eng!.post('/api/releases', {
      title: '支付网关证书紧急更换',
      changeIds: [changeId],
      urgency: 'immediate',
      items: [{ kind: 'service', title: '更换网关证书', ciIds: [ciId] }],
    });
    // RO-4: accepted by someone other than its requester (four eyes at intake).
    await api.boss!.post(`/api/releases/${release.id}/accept`, { note: null });
    await api.eng!.post(`/api/releases/${release.id}/classify`, {
      type: 'emergency',
      reason: '证书过期将中断全部支付交易',
    });
    releaseUrl = `/releases/${release.id}`;
  }

  afterEach(({ task }) => screenshotFailure(browser, task, 'emergency'));

  afterAll(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('IN-1 TY-4：工程师在浏览器中登记紧急变更并说明原因，经理作为紧急 CAB 一票批准，变更页记为加急批准', async () => {
    const eng = await as('eng');
    await eng.goto('/changes');
    await eng.getByTestId('change-create').click();
    const drawer = eng.getByTestId('change-form-drawer');
    await drawer.getByLabel('标题').fill('支付网关证书过期紧急修复');
    await drawer.getByLabel('描述').fill('证书今晚 0 点过期，必须立即更换');
    await drawer.getByText('高', { exact: true }).click();
    await drawer.getByTestId('change-emergency').check();
    // The reason is required, next to its field.
    await drawer.getByTestId('change-form-submit').click();
    await drawer.getByText('请说明为什么不能等待 CAB 全体表决').waitFor();
    await drawer.getByTestId('change-emergency-reason').fill('证书今晚过期，等不及周三 CAB 例会');
    await drawer.getByTestId('change-form-submit').click();
    await eng.getByTestId('change-state').getByText('草稿').waitFor();
    await eng.getByTestId('change-emergency-tag').waitFor();
    const changeId = new URL(eng.url()).pathname.split('/').pop()!;
    await eng.getByTestId('change-submit').click();
    await eng.getByRole('tooltip').getByRole('button', { name: '提交 CAB 审议' }).click();
    await eng.getByTestId('change-state').getByText('CAB 审议中').waitFor();
    await eng.getByTestId('change-expedited-quorum').getByText('紧急 CAB：赞成 0 / 1 票').waitFor();

    const boss = await as('boss');
    await boss.goto(`/changes/${changeId}`);
    await boss.getByTestId('change-approve').click();
    const vote = boss.getByTestId('change-vote-modal');
    await vote.getByLabel('表决意见').fill('紧急 CAB 同意立即更换');
    await vote.getByRole('button', { name: '赞成' }).click();
    await vote.waitFor({ state: 'hidden' });
    await boss.getByTestId('change-state').getByText('已批准').waitFor();
    await boss.getByTestId('change-approved-via').getByText('紧急 CAB 加急批准').waitFor();
    await boss.getByTestId('vote-emergency-cab').waitFor();
    await calm(boss);
    await screenshot(boss, 'emergency-00-emergency-cab-approved', { fullPage: false });
    await requestEmergencyRelease(changeId);
  });

  it('TY-4 RO-5：经理起草紧急简化计划时，页面说明按制度可由本人批准、事后由他人评审；经理本人批准', async () => {
    const boss = await as('boss');
    await boss.goto(`${releaseUrl}?tab=plan`);
    const shortForm = boss.getByTestId('plan-emergency-short-form');
    await shortForm.getByText('紧急发布：可先按简化计划审批（TY-4）').waitFor();
    await shortForm.getByTestId('plan-approver-note').getByText('可由您本人批准，事后须由他人评审').waitFor();
    await calm(boss);
    await screenshot(boss, 'emergency-01-short-form-approver', { fullPage: false });

    const now = Date.now();
    await api.boss!.put(`/api/releases/${release.id}/plan`, {
      purpose: '更换即将过期的支付网关证书',
      scope: { ciIds: [ciId], users: '全部支付用户', downtimeMinutes: 5 },
      baseline: { baselineId: null, targets: [{ ciId, currentVersion: '5.0.1', targetVersion: '5.0.2' }] },
      window: {
        start: new Date(now - 3600_000).toISOString(),
        end: new Date(now + 3 * 3600_000).toISOString(),
      },
      steps: [
        { title: '部署新证书', owner: '王芳', expectedMinutes: 10, verification: '握手使用新证书' },
        { title: '验证支付交易', owner: '刘洋', expectedMinutes: 10, verification: '测试交易成功' },
      ],
      rollback: {
        steps: [{ title: '恢复旧证书', owner: '王芳', expectedMinutes: 5, verification: '握手使用旧证书' }],
        triggers: [{ indicator: '支付失败率', threshold: '高于 5%' }],
      },
    });
    await api.boss!.post(`/api/releases/${release.id}/plan/submit`);
    await boss.goto(releaseUrl);
    await boss.getByTestId('release-actions').getByTestId('action-approve_plan').click();
    const modal = boss.getByTestId('plan-approve-modal');
    await modal.getByRole('button', { name: '批准计划' }).click();
    await modal.waitFor({ state: 'hidden' });
    await boss.getByTestId('release-state').getByText('计划已批准').waitFor();
  });

  it('TY-4：实施完成后，运维工程师在浏览器中补全计划（窗口、步骤、回退保持不变），经理批准补全计划', async () => {
    await passPreReleaseChecks(api.impl!, release.id);
    await implementRelease(api.impl!, release.id, 2);
    // Participants and risks are entered first (the long tables); the browser completes the rest.
    const approved = (await api.eng!.get(`/api/releases/${release.id}/plans`)).plans[0].content;
    await api.eng!.put(`/api/releases/${release.id}/plan/completion`, {
      ...approved,
      participants: [{ name: '王芳', role: '运维管理部经理', responsibility: '部署与回退决策' }],
      risks: [
        {
          category: 'technical',
          description: '新证书链不完整',
          likelihood: 'low',
          impact: 'high',
          response: '恢复旧证书',
        },
      ],
    });

    const eng = await as('eng');
    await eng.goto(`${releaseUrl}?tab=plan`);
    await eng.getByTestId('plan-completion-help').getByText('补全紧急发布计划（TY-4）').waitFor();
    await eng.getByLabel('部署后工作计划').fill('验证支付交易；更新 CMDB；观察 2 小时');
    await eng.getByLabel('资源分配').fill('两名工程师，值班经理');
    await eng.getByTestId('plan-save').click();
    await eng.getByText('计划草稿已保存').waitFor();
    expect(await eng.getByTestId('plan-submit').count()).toBe(0);
    await calm(eng);
    await screenshot(eng, 'emergency-02-completion');

    const boss = await as('boss');
    await boss.goto(`${releaseUrl}?tab=plan`);
    await boss.getByTestId('action-approve_completion').first().click();
    const modal = boss.getByTestId('completion-approve-modal');
    await modal.getByText('批准后补全计划取代紧急简化计划').waitFor();
    await modal.getByRole('button', { name: '批准补全计划' }).click();
    await modal.waitFor({ state: 'hidden' });
    const history = boss.getByTestId('plan-history');
    await history.locator('tbody tr').filter({ hasText: '第 2 版' }).getByText('已批准').waitFor();
    await history.locator('tbody tr').filter({ hasText: '第 1 版' }).getByText('已被取代').waitFor();
  });

  it('TY-4：批准过计划的经理不能评审；运维工程师记录事后评审；按目标配置更新 CMDB 后经理关闭发布', async () => {
    for (const key of ['functional', 'performance', 'business'])
      await api.eng!.post(`/api/releases/${release.id}/verifications/${key}`, {
        result: 'passed',
        note: '正常',
      });
    await api.biz!.post(`/api/releases/${release.id}/acceptance`, {
      accepted: true,
      department: '支付业务部',
    });

    const boss = await as('boss');
    await boss.goto(`${releaseUrl}?tab=postrelease`);
    const pending = boss.getByTestId('review-card').getByTestId('review-pending');
    await pending.getByText('批准过本发布计划的人不能进行事后评审').waitFor();

    const eng = await as('eng');
    await eng.goto(`${releaseUrl}?tab=postrelease`);
    const form = eng.getByTestId('review-form');
    await form.getByTestId('review-submit').click();
    await form.locator('.ant-form-item-explain-error').getByText('请填写评审意见').waitFor();
    await form
      .getByTestId('review-findings')
      .fill('证书过期将中断支付，紧急发布合理；补全计划已批准；建议证书到期前 30 天提醒');
    await form.getByTestId('review-submit').click();
    const record = eng.getByTestId('review-record');
    await record.getByText('合理', { exact: true }).waitFor();
    await record.getByText('运维工程师张伟').waitFor();
    await calm(eng);
    await screenshot(eng, 'emergency-03-review');
    // On a phone (390 px) the review reads in one column, nothing cut off.
    await eng.setViewportSize({ width: 390, height: 844 });
    await eng.getByTestId('review-card').scrollIntoViewIfNeeded();
    const card = await eng.getByTestId('review-card').boundingBox();
    expect(card!.width).toBeLessThanOrEqual(390);
    await calm(eng);
    await screenshot(eng, 'emergency-03b-review-phone', { fullPage: false });
    await eng.setViewportSize({ width: 1440, height: 900 });

    await api.cfg!.post(`/api/releases/${release.id}/cmdb-update/complete`, {});
    const ci = await api.cfg!.get(`/api/cmdb/cis/${ciId}`);
    expect(ci.version).toBe('5.0.2');
    await api.eng!.post(`/api/releases/${release.id}/archive`);
    const closed = await api.boss!.post(`/api/releases/${release.id}/close`, {
      outcome: 'successful',
      analysis: '证书按时更换，交易无中断',
    });
    expect(closed.state).toBe('closed');
    await boss.goto(`${releaseUrl}?tab=close`);
    await boss.getByTestId('closure-outcome').getByText('成功').waitFor();
    expectCleanPages(problems);
  });
});
