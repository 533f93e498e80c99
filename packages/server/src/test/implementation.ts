import { createHash } from 'node:crypto';
import type { PlanContent } from '@releasegate/domain';
import { expect } from 'vitest';
import type { HttpClient, TestApp } from './test-app';
import { approvedChange, ci, completePlan, type signInRoles } from './releases';

type Clients = Awaited<ReturnType<typeof signInRoles>>;

/** Test app settings for tests whose clock moves hours: sessions stay signed in. */
export const SESSIONS_FOR_A_DAY = { SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '48' };

/** Inside the window of `completePlan`. */
export const IN_WINDOW = '2026-02-01T15:00:00.000Z';

/** IM-4, IM-5: what the plan watches while the release runs. */
export const MONITORING: NonNullable<PlanContent['monitoring']> = {
  indicators: [
    { key: 'error_ratio', name: '交易失败率', comparator: 'gt', threshold: 0.05, unit: 'ratio' },
    { key: 'p95_ms', name: '交易 P95 响应时间', comparator: 'gt', threshold: 800, unit: 'ms' },
  ],
  errorPatterns: ['ORA-', '/connection (refused|reset)/i'],
};

/**
 * A major release of one approved DSL version onto one production CI, with an approved plan
 * (two steps, one rollback step, monitoring) and, unless told otherwise, every pre-release check
 * passed: the release is ready. The clock stands inside the window.
 */
/** TY-4's short form of a full plan: purpose, scope, target configuration, window, steps, rollback. */
export const shortForm = (full: PlanContent): PlanContent => ({
  purpose: full.purpose,
  scope: full.scope,
  baseline: full.baseline,
  window: full.window,
  steps: full.steps,
  rollback: full.rollback,
  monitoring: full.monitoring,
});

export async function readyRelease(
  t: TestApp,
  c: Clients,
  options: {
    checks?: boolean;
    plan?: (content: PlanContent) => PlanContent;
    /** TY-4: an emergency release takes its short form; the manager may draft (and approve) it. */
    type?: 'major' | 'emergency';
    drafter?: 'eng1' | 'boss';
    /** TY-3: another type than the proposed major, with the reason. */
    classify?: { type: 'major' | 'normal'; reason: string };
    /** IN-1, TY-4: the change it carries is an emergency change, approved by the emergency CAB. */
    emergencyChange?: boolean;
  } = {},
) {
  const drafter = c[options.drafter ?? 'eng1'];
  const artifact = Buffer.from(`billing-2.1.0 ${Math.random()}`);
  const digest = createHash('sha256').update(artifact).digest('hex');
  const app = await ci(c.cfg, 'application', `billing-${digest.slice(0, 6)}`, {
    critical: true,
    version: '2.0',
  });
  const v = (
    await c.eng1.post('/api/dsl/versions', { name: 'billing', version: `2.1.0-${digest.slice(0, 6)}` })
  ).body;
  expect((await c.eng1.upload('PUT', `/api/dsl/versions/${v.id}/content`, artifact)).status).toBe(200);
  expect((await c.boss.post(`/api/dsl/versions/${v.id}/approve`, {})).status).toBe(200);
  const change = await approvedChange(
    c,
    '计费升级',
    [app.id],
    options.emergencyChange ? { emergencyReason: '计费故障，须立即修复' } : {},
  );
  const r = await c.eng1.post('/api/releases', {
    title: '计费 2.1',
    changeIds: [change.id],
    items: [{ kind: 'software', title: 'billing 2.1.0', dslVersionId: v.id, ciIds: [app.id] }],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const id = r.body.id as string;
  await c.eng2.post(`/api/releases/${id}/accept`, {});
  const classified = await c.eng1.post(
    `/api/releases/${id}/classify`,
    options.classify ?? {
      type: options.type ?? 'major',
      ...(options.type === 'emergency' && { reason: '核心交易故障，必须立即修复' }),
    },
  );
  expect(classified.status, JSON.stringify(classified.body)).toBe(200);
  const content = { ...completePlan([app.id]), monitoring: MONITORING };
  const put = await drafter.request(
    'PUT',
    `/api/releases/${id}/plan`,
    options.plan ? options.plan(content) : content,
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const submitted = await drafter.post(`/api/releases/${id}/plan/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  expect((await c.boss.post(`/api/releases/${id}/plan/approve`, {})).body.state).toBe('approved');
  if (options.checks !== false) await passChecks(c.impl, id);
  t.clock.set(IN_WINDOW);
  return { id, ciId: app.id, changeId: change.id, digest, artifact, dslVersion: v.version as string };
}

export async function passChecks(who: HttpClient, releaseId: string) {
  for (const key of ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan']) {
    const r = await who.post(`/api/releases/${releaseId}/checks/${key}`, {
      result: 'passed',
      note: `${key} 通过`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
}

/** Runs a step from start to finish (IM-2 / RB-3). */
export async function runStep(
  who: HttpClient,
  releaseId: string,
  phase: 'implementation' | 'rollback',
  index: number,
  status: 'succeeded' | 'failed' = 'succeeded',
) {
  const s = await who.post(`/api/releases/${releaseId}/steps/${phase}/${index}/start`, {});
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  const f = await who.post(`/api/releases/${releaseId}/steps/${phase}/${index}/finish`, {
    status,
    result: 'ok',
  });
  expect(f.status, JSON.stringify(f.body)).toBe(200);
  return f.body;
}

/** Implementation from start to complete, both steps run, ended at 15:10: post-release begins. */
export async function implementRelease(t: TestApp, c: Clients, releaseId: string) {
  const started = await c.impl.post(`/api/releases/${releaseId}/implementation/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  await runStep(c.impl, releaseId, 'implementation', 0);
  await runStep(c.impl, releaseId, 'implementation', 1);
  t.clock.set('2026-02-01T15:10:00Z');
  const done = await c.impl.post(`/api/releases/${releaseId}/implementation/complete`);
  expect(done.body.state).toBe('post_release');
}

/** RB-2: a release implementing, its first step run, with a trigger awaiting the rollback decision. */
export async function triggerAwaitingDecision(t: TestApp, c: Clients) {
  const r = await readyRelease(t, c);
  expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
  await runStep(c.impl, r.id, 'implementation', 0);
  const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
    kind: 'function_unusable',
    summary: '网银转账功能不可用',
  });
  expect(raised.status).toBe(200);
  return { releaseId: r.id, triggerId: raised.body.id as string };
}
