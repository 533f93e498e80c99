import type { Browser, BrowserContext } from 'playwright-core';
import type { TestServer } from './server';

/**
 * Setting things up through the HTTP API, as a given user, for the steps a test is not about:
 * the first-run administrator, users, CIs, an approved change, a release with an approved plan.
 */

export interface ApiSession {
  get<T = any>(path: string): Promise<T>;
  post<T = any>(path: string, data?: unknown): Promise<T>;
  put<T = any>(path: string, data?: unknown): Promise<T>;
  close(): Promise<void>;
}

async function answer(path: string, response: Awaited<ReturnType<BrowserContext['request']['get']>>) {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${path}: HTTP ${response.status()} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A signed-in API session (cookie and CSRF token) in a browser context of its own. */
export async function signedInApi(
  browser: Browser,
  baseURL: string,
  username: string,
  password: string,
): Promise<ApiSession> {
  const context = await browser.newContext({ baseURL });
  await answer(
    '/api/auth/login',
    await context.request.post('/api/auth/login', { data: { username, password } }),
  );
  const csrf = (await context.cookies()).find((c) => c.name === 'rg_csrf')?.value ?? '';
  const headers = { 'X-CSRF-Token': csrf };
  return {
    get: async (path) => answer(path, await context.request.get(path)),
    post: async (path, data) => answer(path, await context.request.post(path, { headers, data })),
    put: async (path, data) => answer(path, await context.request.put(path, { headers, data })),
    close: () => context.close(),
  };
}

export interface SeedUser {
  displayName: string;
  roles: readonly string[];
}

/**
 * the security administrator gives a new person an initial password, which its owner must
 * replace at the first sign-in; the person does so at once and from then on uses `password`.
 */
export async function createPerson(
  browser: Browser,
  baseURL: string,
  admin: BrowserContext,
  user: SeedUser & { username: string },
  password: string,
): Promise<void> {
  const csrf = (await admin.cookies()).find((c) => c.name === 'rg_csrf')?.value ?? '';
  const initial = `${password}-initial`;
  await answer(
    '/api/users',
    await admin.request.post('/api/users', {
      headers: { 'X-CSRF-Token': csrf },
      data: { ...user, email: null, password: initial },
    }),
  );
  const own = await browser.newContext({ baseURL });
  try {
    await answer(
      '/api/auth/login',
      await own.request.post('/api/auth/login', { data: { username: user.username, password: initial } }),
    );
    const ownCsrf = (await own.cookies()).find((c) => c.name === 'rg_csrf')?.value ?? '';
    await answer(
      '/api/auth/password',
      await own.request.post('/api/auth/password', {
        headers: { 'X-CSRF-Token': ownCsrf },
        data: { currentPassword: initial, newPassword: password },
      }),
    );
  } finally {
    await own.close();
  }
}

/**
 * The first-run link creates the security administrator (in a browser, as a person would);
 * that administrator then creates the business users through the API.
 */
export async function seedUsers(
  browser: Browser,
  server: TestServer,
  admin: { username: string; displayName: string; password: string },
  users: Record<string, SeedUser>,
  password: string,
): Promise<void> {
  const context = await browser.newContext({
    baseURL: server.url,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const setup = await context.newPage();
  await setup.goto(server.setupLink);
  await setup.getByLabel('用户名').fill(admin.username);
  await setup.getByLabel('显示名称').fill(admin.displayName);
  await setup.getByLabel('密码', { exact: true }).fill(admin.password);
  await setup.getByLabel('确认密码').fill(admin.password);
  await setup.getByRole('button', { name: '创建账户并登录' }).click();
  await setup.getByTestId('profile-card').waitFor();
  for (const [username, user] of Object.entries(users))
    await createPerson(browser, server.url, context, { username, ...user }, password);
  await context.close();
}

/** Sessions of the people who take a release to an approved plan (roles in comments). */
export interface ReleaseCrew {
  /** configuration_administrator */
  cfg: ApiSession;
  /** operations_engineer: requests, plans */
  engineer: ApiSession;
  /** operations_manager: approves the plan */
  manager: ApiSession;
  /** two cab_members */
  cab: [ApiSession, ApiSession];
}

export interface ApprovedRelease {
  id: string;
  number: string;
  ciId: string;
  ciName: string;
  baselineVersion: string;
}

/**
 * A release of one production CI whose plan (all sections, with monitoring and baseline targets
 * carrying the current version) is approved: the change is voted through by the CAB, the
 * release requested, accepted, classified as the system proposes, planned by the engineer and
 * approved by the manager. `plan` overrides parts of the plan content (the window, the steps…).
 */
export async function approvedRelease(
  crew: ReleaseCrew,
  options: Parameters<typeof plannedRelease>[1],
): Promise<ApprovedRelease> {
  const release = await plannedRelease(crew, options);
  const approved = await crew.manager.post(`/api/releases/${release.id}/plan/approve`, { comment: '同意' });
  if (approved.state !== 'approved') throw new Error(`plan not approved: ${JSON.stringify(approved)}`);
  return release;
}

/** As approvedRelease, up to the plan submitted for approval: the release waits in plan review. */
export async function plannedRelease(
  crew: ReleaseCrew,
  options: {
    ci: { name: string; version: string; critical?: boolean };
    title: string;
    window: { start: Date; end: Date };
    plan?: Record<string, unknown>;
  },
): Promise<ApprovedRelease> {
  const ci = await crew.cfg.post('/api/cmdb/cis', {
    type: 'application',
    name: options.ci.name,
    environment: 'production',
    critical: options.ci.critical ?? false,
    version: options.ci.version,
    owner: '李娜',
  });
  const change = await crew.engineer.post('/api/changes', {
    title: `${options.title}（变更）`,
    description: '按变更计划实施',
    risk: 'medium',
    ciIds: [ci.id],
  });
  await crew.engineer.post(`/api/changes/${change.id}/submit`);
  for (const member of crew.cab)
    await member.post(`/api/changes/${change.id}/votes`, { decision: 'approve', comment: '同意' });
  const release = await crew.engineer.post('/api/releases', {
    title: options.title,
    changeIds: [change.id],
    items: [{ kind: 'service', title: options.title, ciIds: [ci.id] }],
  });
  // RO-4: accepted by someone other than its requester (four eyes at intake).
  await crew.manager.post(`/api/releases/${release.id}/accept`, { note: null });
  await crew.engineer.post(`/api/releases/${release.id}/classify`, {
    type: release.proposal.type,
    reason: null,
  });
  await crew.engineer.put(`/api/releases/${release.id}/plan`, {
    purpose: `${options.title}`,
    scope: { ciIds: [ci.id], users: '全部网银用户', downtimeMinutes: 10 },
    participants: [{ name: '张伟', role: '运维工程师', responsibility: '执行部署与回退' }],
    risks: [
      {
        category: 'technical',
        description: '新版本不兼容',
        likelihood: 'low',
        impact: 'high',
        response: '执行回退',
      },
    ],
    baseline: {
      baselineId: null,
      targets: [
        { ciId: ci.id, currentVersion: options.ci.version, targetVersion: `${options.ci.version}-next` },
      ],
    },
    postDeployment: '功能与性能验证；更新配置管理数据库；监控 2 小时',
    window: { start: options.window.start.toISOString(), end: options.window.end.toISOString() },
    resources: '两名工程师，窗口内全程',
    steps: [
      { title: '部署新版本', owner: '张伟', expectedMinutes: 20, verification: '版本接口返回新版本' },
      { title: '验证转账功能', owner: '李娜', expectedMinutes: 10, verification: '测试账户完成一笔转账' },
    ],
    rollback: {
      steps: [
        { title: '重新部署原版本', owner: '张伟', expectedMinutes: 15, verification: '版本接口返回原版本' },
      ],
      triggers: [{ indicator: '转账失败率', threshold: '高于 5%' }],
    },
    ...options.plan,
  });
  const submitted = await crew.engineer.post(`/api/releases/${release.id}/plan/submit`);
  if (submitted.state !== 'plan_review') throw new Error(`plan not submitted: ${JSON.stringify(submitted)}`);
  return {
    id: release.id,
    number: release.number,
    ciId: ci.id,
    ciName: options.ci.name,
    baselineVersion: options.ci.version,
  };
}

const PRE_RELEASE_CHECKS = ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan'];

/** IM-1: every pre-release check of the policy passed, each with a note as its evidence. */
export async function passPreReleaseChecks(session: ApiSession, releaseId: string): Promise<void> {
  for (const key of PRE_RELEASE_CHECKS)
    await session.post(`/api/releases/${releaseId}/checks/${key}`, { result: 'passed', note: '检查通过' });
}

/**
 * IM-2: implementation started through the gate (inside the plan's window), each of the plan's
 * `steps` run in order and succeeded, and the implementation completed: post-release begins.
 */
export async function implementRelease(session: ApiSession, releaseId: string, steps: number): Promise<void> {
  await session.post(`/api/releases/${releaseId}/implementation/start`);
  for (let i = 0; i < steps; i++) {
    await session.post(`/api/releases/${releaseId}/steps/implementation/${i}/start`, {});
    await session.post(`/api/releases/${releaseId}/steps/implementation/${i}/finish`, {
      status: 'succeeded',
      result: '按计划完成',
    });
  }
  const done = await session.post(`/api/releases/${releaseId}/implementation/complete`);
  if (done.state !== 'post_release') throw new Error(`implementation not complete: ${JSON.stringify(done)}`);
}

/**
 * RB-1…RB-4: implementation started, a trigger raised by the implementer, the rollback decided by
 * the manager, every rollback step run, the restoration to the baseline verified and the rollback
 * completed: the release is rolled back.
 */
export async function rolledBack(
  implementer: ApiSession,
  manager: ApiSession,
  release: Pick<ApprovedRelease, 'id' | 'ciId' | 'baselineVersion'>,
  rollbackSteps: number,
): Promise<void> {
  const url = `/api/releases/${release.id}`;
  await implementer.post(`${url}/implementation/start`);
  const trigger = await implementer.post(`${url}/triggers`, {
    kind: 'function_unusable',
    summary: '新版本登录失败',
  });
  await manager.post(`${url}/triggers/${trigger.id}/decision`, {
    decision: 'rollback',
    reason: '按计划回退',
  });
  for (let i = 0; i < rollbackSteps; i++) {
    await implementer.post(`${url}/steps/rollback/${i}/start`, {});
    await implementer.post(`${url}/steps/rollback/${i}/finish`, { status: 'succeeded', result: '已回退' });
  }
  await implementer.post(`${url}/restoration`, {
    observed: [{ ciId: release.ciId, version: release.baselineVersion }],
  });
  const done = await implementer.post(`${url}/rollback/complete`);
  if (done.state !== 'rolled_back') throw new Error(`rollback not complete: ${JSON.stringify(done)}`);
}
