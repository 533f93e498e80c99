import type { PlanContent, Role } from '@releasegate/domain';
import { expect } from 'vitest';
import { HttpClient, type TestApp } from './test-app';

/** Signed-in clients for the policy's roles, created on a test app. */
export async function signInRoles(t: TestApp) {
  const roles: Record<string, Role[]> = {
    boss: ['operations_manager'],
    eng1: ['operations_engineer'],
    eng2: ['operations_engineer'],
    cfg: ['configuration_administrator'],
    impl: ['release_implementer'],
    cab1: ['cab_member'],
    cab2: ['cab_member'],
    biz: ['business_representative'],
    aud: ['auditor'],
  };
  const clients: Record<string, HttpClient> = {};
  for (const [name, r] of Object.entries(roles)) {
    await t.seedUser(name, r);
    clients[name] = new HttpClient(t.url);
    await clients[name].login(name);
  }
  return clients;
}

/**
 * A built-in change taken through CAB review to approved (IN-1); with `emergencyReason`, an
 * emergency change approved by the default emergency CAB (the manager alone).
 */
export async function approvedChange(
  c: Record<string, HttpClient>,
  title = '核心账务系统升级',
  ciIds: string[] = [],
  options: { emergencyReason?: string } = {},
) {
  const created = await c.eng1.post('/api/changes', {
    title,
    description: '按变更计划升级',
    risk: 'medium',
    ciIds,
    ...(options.emergencyReason && { emergency: true, emergencyReason: options.emergencyReason }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await c.eng1.post(`/api/changes/${created.body.id}/submit`)).status).toBe(200);
  for (const voter of options.emergencyReason ? [c.boss] : [c.cab1, c.cab2]) {
    const v = await voter.post(`/api/changes/${created.body.id}/votes`, {
      decision: 'approve',
      comment: '同意',
    });
    expect(v.status, JSON.stringify(v.body)).toBe(200);
  }
  const after = await c.eng1.get(`/api/changes/${created.body.id}`);
  expect(after.body.state).toBe('approved');
  return after.body as { id: string; number: string };
}

/** A release eng1 requested for one application CI and one approved change carrying it. */
export async function requestedRelease(c: Record<string, HttpClient>, title = '网银核心 2.1 发布') {
  const app = await ci(c.cfg, 'application', `app-${title}`);
  const change = await approvedChange(c, title, [app.id]);
  const r = await c.eng1.post('/api/releases', { title, changeIds: [change.id], targetCiIds: [app.id] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id as string, number: r.body.number as string, ciId: app.id, changeId: change.id };
}

export async function ci(c: HttpClient, type: string, name: string, extra: Record<string, unknown> = {}) {
  const r = await c.post('/api/cmdb/cis', { type, name, environment: 'production', ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string };
}

/** A plan with every section of PL-1 filled in. */
export function completePlan(
  ciIds: string[],
  window = { start: '2026-02-01T14:00:00Z', end: '2026-02-01T16:00:00Z' },
): PlanContent {
  return {
    purpose: '将核心账务系统升级到 2.1 版本',
    scope: { ciIds, users: '全部网银用户', downtimeMinutes: 30 },
    participants: [{ name: '张工', role: '发布实施人员', responsibility: '执行部署步骤' }],
    risks: [
      {
        category: 'technical',
        description: '数据库迁移失败',
        likelihood: 'low',
        impact: 'high',
        response: '执行回退',
      },
    ],
    baseline: {
      baselineId: null,
      targets: ciIds.map((ciId) => ({ ciId, currentVersion: '2.0', targetVersion: '2.1' })),
    },
    postDeployment: '功能验证、性能验证、更新 CMDB',
    window,
    resources: '两名工程师，两小时',
    steps: [
      { title: '停止服务', owner: '张工', expectedMinutes: 5, verification: '服务已停止' },
      { title: '部署新版本', owner: '张工', expectedMinutes: 20, verification: '版本号 2.1' },
    ],
    rollback: {
      steps: [{ title: '回滚到 2.0', owner: '张工', expectedMinutes: 15, verification: '版本号 2.0' }],
      triggers: [{ indicator: '交易失败率', threshold: '> 1% 持续 5 分钟' }],
    },
  };
}
