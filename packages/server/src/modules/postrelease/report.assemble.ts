import type { Kysely } from 'kysely';
import { TRIGGER_KIND_LABELS, type PlanStep, type PolicyRules } from '@releasegate/domain';
import { evidenceOf, type PlannedStepActual, type ReleaseReportData } from '../documents';
import type { Database } from '../../db/schema';
import type { Role } from '@releasegate/domain';
import { findPolicy } from '../policy';
import { approvedPlanOf } from '../plans';
import type { Release } from '../releases';
import { checklistState } from '../verification';
import { listPeople } from '../identity';
import { stepRunsOf, type StepRunRecord } from '../execution';
import { restorationChecksOf, triggersOf } from '../rollback';
import * as repo from './postrelease.repository';
import { verificationState } from './verification.state';

const stepsActual = (
  steps: PlanStep[],
  runs: StepRunRecord[],
  phase: StepRunRecord['phase'],
): PlannedStepActual[] =>
  steps.map((s, i) => {
    const run = runs.find((r) => r.phase === phase && r.stepIndex === i);
    return {
      seq: i + 1,
      title: s.title,
      owner: s.owner,
      plannedMinutes: s.expectedMinutes,
      actualStart: run?.startedAt ?? null,
      actualEnd: run?.finishedAt ?? null,
      result: run?.status ?? null,
      executor: run?.executor ?? null,
      output: run?.result ?? null,
    };
  });

const TYPE_NAMES: Record<string, string> = { emergency: '紧急发布', major: '重大发布', normal: '一般发布' };
const RESULT_NAMES: Record<string, string> = {
  passed: '通过',
  failed: '未通过',
  succeeded: '成功',
  running: '开始',
  not_applicable: '不适用',
};

/**
 * What the event was about, from its audit details: which step and how it ended, which check or
 * verification and its result, which type the release was given.
 */
function eventDetail(action: string, details: Record<string, unknown>, labels: Map<string, string>): string {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (action) {
    case 'release.record_step':
    case 'release.record_rollback_step': {
      // A step's start has no status yet; its end has one (and a free-text result beside it).
      const status = str(details.status) ?? 'running';
      return typeof details.step === 'number'
        ? ` ${details.step} ${str(details.title) ?? ''}：${RESULT_NAMES[status] ?? status}`
        : '';
    }
    case 'release.record_check':
    case 'release.record_verification': {
      const result = str(details.result) ?? '';
      const item = str(details.item);
      return item ? `：${labels.get(item) ?? item} ${RESULT_NAMES[result] ?? result}` : '';
    }
    case 'release.classify':
      return str(details.type) ? `：${TYPE_NAMES[str(details.type)!] ?? str(details.type)}` : '';
    default:
      return '';
  }
}

/** An audit action as the timeline says it. */
const EVENT_NAMES: Record<string, string> = {
  'release.request': '提出发布申请',
  'release.accept': '受理',
  'release.classify': '定级',
  'release.submit_plan': '提交发布计划',
  'release.approve_plan': '批准发布计划',
  'release.record_check': '发布前验证',
  'release.start_implementation': '开始实施',
  'release.record_step': '实施步骤',
  'release.complete_implementation': '实施完成',
  'release.raise_trigger': '回退触发',
  'release.decide_rollback': '决定回退',
  'release.decide_continue': '决定继续',
  'release.record_rollback_step': '回退步骤',
  'release.complete_rollback': '回退完成',
  'release.record_verification': '效果验证',
  'release.sign_acceptance': '用户验收',
  'release.complete_cmdb_update': '更新 CMDB',
  'release.archive': '归档',
  'release.close_successful': '关闭（成功）',
  'release.close_failed': '关闭（失败）',
  'release.close_rolled_back': '关闭（已回退）',
};

/**
 * CL-2: everything 《发布变更报告》 says, read in the caller's transaction: summary, timeline, plan
 * against actual, verifications and acceptance, incidents, rollback, analysis, lessons, CMDB update.
 */
export async function assembleReport(
  q: Kysely<Database>,
  release: Release,
  rules: PolicyRules,
  closing: {
    outcome: Release['outcome'];
    closedBy: string | null;
    closedAt: string | null;
    analysis: string | null;
    lessons: string | null;
  },
): Promise<ReleaseReportData> {
  const policy = (await findPolicy(q, release.policyVersionId))?.document;
  const plan = await approvedPlanOf(q, release.id);
  const runs = await stepRunsOf(q, release.id);
  const events = await repo.releaseEventsNamedNow(q, release.id);
  const at = (action: string) =>
    events.filter((e) => e.action === action && e.outcome === 'success').at(-1)?.occurred_at ?? null;
  const checks = await checklistState(q, release, rules);
  const verifications = verificationState(rules, await repo.verificationsOf(q, release.id));
  const acceptance = verifications.items.find((i) => i.key === 'user_acceptance')?.latest;
  // Audit events name people by username; the report names them as colleagues know them.
  const names = new Map((await listPeople(q)).map((p) => [p.username, p.displayName]));
  const labels = new Map([...checks.items, ...verifications.items].map((i) => [i.key, i.label.zh]));
  const triggers = await triggersOf(q, release.id);
  const restoration = (await restorationChecksOf(q, release.id)).at(-1);
  const cmdb = await repo.findCmdbTask(q, release.id);
  const person = (username: string | null | undefined) =>
    username ? (names.get(username) ?? username) : null;
  const evidenceParts = await evidenceOf(q, release, rules, { plan, cmdb, events, person });
  const closingNote = [closing.outcome ? OUTCOME_NAMES[closing.outcome] : null, closing.analysis]
    .filter(Boolean)
    .join('：');
  const evidence = (v: {
    note: string | null;
    link: string | null;
    evidence: { filename: string | null; digest: string } | null;
  }) =>
    [v.note, v.link, v.evidence ? (v.evidence.filename ?? v.evidence.digest.slice(0, 12)) : null]
      .filter(Boolean)
      .join('；') || null;
  return {
    summary: {
      number: release.number,
      title: release.title,
      type: release.type,
      state: closing.closedAt ? 'closed' : release.state,
      outcome: closing.outcome,
      policy: policy ? { number: policy.number, title: policy.title, version: policy.version } : null,
      planVersion: plan?.version ?? null,
      requestedBy: names.get(release.requestedBy) ?? release.requestedBy,
      requestedAt: release.createdAt,
      implementationStartedAt: at('release.start_implementation'),
      implementationEndedAt: at('release.complete_implementation'),
      closedBy: closing.closedBy,
      closedAt: closing.closedAt,
    },
    timeline: events
      .filter((e) => EVENT_NAMES[e.action] && e.outcome === 'success')
      .map((e) => ({
        at: e.occurred_at,
        actor: e.actor_name ? (names.get(e.actor_name) ?? e.actor_name) : 'ReleaseGate',
        event:
          EVENT_NAMES[e.action] +
          eventDetail(
            e.action,
            e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : {},
            labels,
          ),
      })),
    planVsActual: plan ? stepsActual(plan.content.steps ?? [], runs, 'implementation') : [],
    preReleaseChecks: checks.items.map((i) => ({
      label: i.label.zh,
      result: i.latest?.result ?? null,
      actor: i.latest?.actorName ?? null,
      at: i.latest?.at ?? null,
      evidence: i.latest ? evidence(i.latest) : null,
    })),
    postReleaseVerifications: verifications.items
      .filter((i) => i.key !== 'user_acceptance')
      .map((i) => ({
        label: i.label.zh,
        result: i.latest?.result ?? null,
        actor: i.latest?.actorName ?? null,
        at: i.latest?.at ?? null,
        evidence: i.latest ? evidence(i.latest) : null,
      })),
    userAcceptance: acceptance
      ? {
          signedBy: acceptance.actorName,
          department: acceptance.department,
          at: acceptance.at,
          accepted: acceptance.result === 'passed',
          comment: acceptance.note,
        }
      : null,
    incidents: triggers.map((t) => ({
      kind: t.kind,
      source: t.source,
      description: `${TRIGGER_KIND_LABELS[t.kind].zh}：${t.summary}`,
      discoveredAt: t.discoveredAt,
      decision: t.decision,
      decidedBy: t.decidedBy,
      decidedAt: t.decidedAt,
      reason: t.decisionReason,
      late: t.late || (!t.decision && t.overdue),
    })),
    rollback:
      runs.some((r) => r.phase === 'rollback') || restoration
        ? {
            steps: plan ? stepsActual(plan.content.rollback?.steps ?? [], runs, 'rollback') : [],
            restoration: restoration
              ? {
                  verified: restoration.ok,
                  details: restoration.items
                    .map((i) => `${i.ciName}: ${i.ok ? '已恢复' : i.differences.join('；')}`)
                    .join('\n'),
                  verifiedBy: restoration.actor,
                  at: restoration.at,
                }
              : null,
          }
        : null,
    analysis: closing.analysis,
    lessons: {
      text: closing.lessons,
      articles: (await repo.articlesOf(q, release.id)).map((a) => ({
        number: a.number,
        title: a.title,
        link: `/knowledge/${a.id}`,
      })),
    },
    cmdbUpdate: cmdb ? { dueAt: cmdb.dueAt, doneAt: cmdb.doneAt, doneBy: cmdb.doneBy } : null,
    ...evidenceParts,
    signOff: [
      ...evidenceParts.signOff,
      {
        duty: 'close',
        roles: closeRoles,
        name: closing.closedBy,
        opinion: closing.closedAt ? closingNote || null : null,
        at: closing.closedAt,
      },
      {
        duty: 'acceptance',
        roles: acceptanceRoles,
        name: acceptance?.actorName ?? null,
        opinion: acceptance
          ? [acceptance.result === 'passed' ? '验收通过' : '验收不通过', acceptance.note]
              .filter(Boolean)
              .join('：')
          : null,
        at: acceptance?.at ?? null,
      },
    ],
  };
}

const OUTCOME_NAMES: Record<string, string> = {
  successful: '成功关闭',
  failed: '失败关闭',
  rolled_back: '已回退关闭',
  cancelled: '已取消',
  rejected: '已拒绝',
};

/** CL-1: who closes; PO-1: who signs the user acceptance (as the lifecycle's guards name them). */
const closeRoles: Role[] = ['operations_manager'];
const acceptanceRoles: Role[] = ['business_representative'];
