import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seedUsers, signedInApi } from './harness/api';
import {
  expectCleanPages,
  expectNoHorizontalScroll,
  launchBrowser,
  newContext,
  pageProblems,
  screenshot,
} from './harness/browser';
import { startServer, type TestServer } from './harness/server';
import { pickOption, signIn } from './harness/ui';

// 通知与 Webhook（issue 17）：系统管理员添加能在卡片上决定的飞书应用、企业微信应用端点；
// 缺少应用标识时原因显示在字段旁，什么也不保存。
const admin = { username: 'sec.admin', displayName: '安全管理员甲', password: 'Correct-Horse-42!' };
const PASSWORD = 'Release-Gate-2026!';
const users = { sys: { displayName: '系统管理员乙', roles: ['system_administrator'] } } as const;

describe('通知渠道：飞书应用与企业微信应用（卡片上决定）', () => {
  let server: TestServer;
  let browser: Browser;
  const problems = pageProblems();
  let sys: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await seedUsers(browser, server, admin, users, PASSWORD);
    const context = await newContext(browser, server.url, problems);
    sys = await context.newPage();
    await signIn(sys, 'sys', PASSWORD);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await screenshot(sys, 'failed-channels').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('X-2：添加飞书应用端点，填写 App ID、群聊 chat_id 与应用密钥；企业微信应用缺少 AgentId 时原因显示在字段旁，不保存', async () => {
    await sys.goto(`${server.url}/admin/notifications`);
    await sys.getByRole('button', { name: '新增端点' }).click();
    const modal = sys.getByRole('dialog');
    await modal.getByLabel('名称', { exact: true }).fill('发布群（飞书应用）');
    await pickOption(sys, '格式', '飞书应用（可在卡片上决定）');
    await modal.getByLabel('开放平台地址').fill('https://open.feishu.cn');
    await modal.getByLabel('App ID').fill('cli_a1b2c3');
    await modal.getByLabel('群聊 chat_id').fill('oc_release_group');
    await modal.getByLabel('应用密钥').fill('feishu-app-secret');
    await screenshot(sys, 'channels-01-feishu-app', { fullPage: false });
    await modal.getByRole('button', { name: '新建', exact: true }).click();
    await modal.waitFor({ state: 'hidden' });
    await sys.getByRole('cell', { name: '飞书应用（可在卡片上决定）' }).waitFor();

    await sys.getByRole('button', { name: '新增端点' }).click();
    await modal.getByLabel('名称', { exact: true }).fill('企业微信应用');
    await pickOption(sys, '格式', '企业微信应用（可在卡片上决定）');
    await modal.getByLabel('开放平台地址').fill('https://qyapi.weixin.qq.com');
    await modal.getByLabel('企业 ID（CorpID）').fill('ww1234567890');
    await modal.getByLabel('应用密钥').fill('wecom-app-secret');
    await modal.getByRole('button', { name: '新建', exact: true }).click();
    // The server names the missing AgentId beside its field; nothing is saved.
    await modal.locator('.ant-form-item-explain-error').first().waitFor();
    await screenshot(sys, 'channels-02-wecom-app-missing-agent', { fullPage: false });
    const api = await signedInApi(browser, server.url, 'sys', PASSWORD);
    const list = await api.get('/api/notifications/webhooks');
    expect(list.endpoints.map((e: { name: string }) => e.name)).toEqual(['发布群（飞书应用）']);
    expect(list.endpoints[0]).toMatchObject({
      format: 'feishu_app',
      app: { appId: 'cli_a1b2c3', chatId: 'oc_release_group' },
      hasSecret: true,
    });
    expectCleanPages(problems);
  });

  it('X-2：通知渠道页面在 390 px 宽的手机上不横向滚动', async () => {
    const context = await newContext(browser, server.url, problems, { phone: true });
    const phone = await context.newPage();
    await signIn(phone, 'sys', PASSWORD);
    await phone.goto(`${server.url}/admin/notifications`);
    await phone.getByRole('cell', { name: '发布群（飞书应用）' }).waitFor();
    await expectNoHorizontalScroll(phone, 'the notification channels page');
    await screenshot(phone, 'channels-03-phone');
    expectCleanPages(problems);
  });
});
