import { RULES, renderReason, type Reason, FIELDS } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  invalidFields,
  TRIGGER_KIND_LABELS,
  decisionDueAt,
  decisionTiming,
  diffSnapshots,
  escalationTimes,
  notFound,
  type PolicyRules,
  type Role,
  type TriggerKind,
  type TriggerSource,
  refusal,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { systemContext, type RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { cancelJobs, enqueueJob } from '../../jobs/job.repository';
import type { LeasedJob } from '../../jobs/job.runner';
import { notify, todoKey } from '../notifications';
import { baselineSnapshots, ciIdsChangedByRelease, findCisByIds, snapshotCis } from '../cmdb';
import {
  type ReleaseDeps,
  findRelease,
  itemsOf,
  type Release,
  rulesOf,
  runAction,
  type OneShot,
} from '../releases';
import { announceStepAtHand, stepRunsOf, approvedPlan } from '../execution';
import * as repo from './rollback.repository';
import { formatTime } from '../documents';
import { recordClosure, type ClosingDeps } from '../postrelease';

/**
 * What this file's functions use of the release workflow's dependencies: all that closing a
 * release uses (a failed rollback closes it, `recordClosure`); everything else here uses less.
 */
export type RollbackDeps = ClosingDeps;

export const ESCALATE_JOB = 'rollback.escalate';

export interface TriggerInput {
  kind: TriggerKind;
  summary: string;
  evidence?: string | null;
  /** The evidence as a catalog reason, when the system raises the trigger (its English is `evidence`). */
  evidenceReason?: Reason;
  /** The plan indicator whose reading raised it (monitoring only). */
  indicator?: string;
  /** When the problem was found; the 30-minute decision clock runs from here (RB-2). */
  discoveredAt?: string | null;
}

const deciders = (rules: PolicyRules): Role[] => rules.rollbackDeciders ?? ['operations_manager'];

/**
 * RB-1, RB-2: records a trigger in the caller's transaction, opens its decision due the policy's
 * minutes after discovery, schedules the escalations before and at the deadline, and tells the
 * people who decide. Used by people (raiseTrigger) and by monitoring (thresholds, complaints).
 */
export async function raiseTriggerIn(
  trx: Kysely<Database>,
  deps: Pick<ReleaseDeps, 'clock' | 'audit'>,
  ctx: RequestContext,
  release: Release,
  rules: PolicyRules,
  input: TriggerInput & { source: TriggerSource; raisedBy: string },
): Promise<repo.Trigger> {
  const now = deps.clock.now().toISOString();
  const discoveredAt = input.discoveredAt ? new Date(input.discoveredAt).toISOString() : now;
  if (discoveredAt > now) throw invalidFields({ discoveredAt: [FIELDS.not_after_now] });
  const trigger: repo.Trigger = {
    id: randomUUID(),
    releaseId: release.id,
    kind: input.kind,
    source: input.source,
    summary: input.summary,
    evidence: input.evidenceReason ? renderReason('en', input.evidenceReason) : (input.evidence ?? null),
    evidenceReason: input.evidenceReason ?? null,
    indicator: input.indicator ?? null,
    discoveredAt,
    raisedAt: now,
    raisedBy: input.raisedBy,
    decisionDueAt: decisionDueAt(discoveredAt, rules),
    decision: null,
    decisionReason: null,
    decidedBy: null,
    decidedAt: null,
    decisionMinutes: null,
    late: false,
    escalations: 0,
    overdue: false,
  };
  await repo.insertTrigger(trx, trigger);
  for (const e of escalationTimes(trigger.decisionDueAt, rules))
    await enqueueJob(trx, {
      kind: ESCALATE_JOB,
      key: `rollback:${trigger.id}:${e.minutesBefore}`,
      dueAt: e.at,
      payload: { triggerId: trigger.id, minutesBefore: e.minutesBefore },
    });
  const label = TRIGGER_KIND_LABELS[input.kind];
  await notify(trx, deps.clock, {
    kind: 'trigger_raised',
    releaseId: release.id,
    link: `/releases/${release.id}`,
    title: {
      zh: `${release.number} 回退触发：${label.zh}`,
      en: `${release.number} rollback trigger: ${label.en}`,
    },
    body: {
      zh: `${input.summary}。请在北京时间 ${formatTime(trigger.decisionDueAt)} 前作出回退决策。`,
      en: `${input.summary}. Decide by ${formatTime(trigger.decisionDueAt)} (UTC+8).`,
    },
    audience: { roles: [...deciders(rules), 'operations_engineer'] },
    // The deciders have it to do; the engineers are informed.
    todo: { key: todoKey('release', release.id, 'decide_rollback'), roles: deciders(rules) },
    card: { op: 'rollback', releaseId: release.id, triggerId: trigger.id },
  });
  await deps.audit.record(trx, ctx, {
    action: 'release.raise_trigger',
    entityType: 'release',
    entityId: release.id,
    after: trigger,
  });
  return trigger;
}

/** RB-1: a person raises a trigger with its kind, discovery time and evidence. */
export async function raiseTrigger(deps: RollbackDeps, ctx: RequestContext, id: string, input: TriggerInput) {
  return runAction(deps, ctx, id, 'raise_trigger', async (trx, release, principal) => {
    const trigger = await raiseTriggerIn(trx, deps, ctx, release, await rulesOf(trx, release), {
      ...input,
      source: 'person',
      raisedBy: principal.displayName || principal.username,
    });
    return { release, result: trigger, details: { trigger: trigger.id, kind: trigger.kind } };
  });
}

/**
 * RB-2: roll back, or continue with a reason, by an authorised person. Rolling back answers every
 * open trigger; continuing answers the one. A decision after the deadline is kept as a breach.
 */
export async function decide(
  deps: RollbackDeps,
  ctx: RequestContext,
  id: string,
  triggerId: string,
  input: { decision: 'rollback' | 'continue'; reason?: string | null },
) {
  const reason = input.reason?.trim() || null;
  if (input.decision === 'continue' && !reason)
    throw refusal(
      'policy_violation',
      'continue_with_reason',
      { code: 'continue_needs_reason', params: {} },
      { fields: { reason: [FIELDS.continue_reason] } },
    );
  const action = input.decision === 'rollback' ? 'decide_rollback' : 'decide_continue';
  // One decision per trigger: whoever decides second (at the same moment, on another node) is told
  // who decided what, and when — also when a roll-back answered this trigger with the others.
  const decided: OneShot = async (trx, release) => {
    const trigger = await repo.findTrigger(trx, triggerId);
    return trigger?.releaseId === release.id && trigger.decision
      ? {
          rule: RULES.one_decision_per_trigger,
          action: trigger.decision === 'rollback' ? 'decide_rollback' : 'decide_continue',
          by: trigger.decidedBy,
          at: trigger.decidedAt!,
          decision: trigger.decision,
          trigger: trigger.id,
          decidedBy: trigger.decidedBy,
          decidedAt: trigger.decidedAt,
        }
      : undefined;
  };
  return runAction(
    deps,
    ctx,
    id,
    action,
    async (trx, release, principal) => {
      const trigger = await repo.findTrigger(trx, triggerId);
      if (trigger?.releaseId !== release.id) throw notFound('rollback_trigger', triggerId);
      const answered =
        input.decision === 'rollback'
          ? (await repo.triggersOf(trx, release.id)).filter((t) => !t.decision)
          : [trigger];
      const at = deps.clock.now().toISOString();
      const by = principal.displayName || principal.username;
      const timings = [];
      for (const t of answered) {
        const timing = decisionTiming(t.discoveredAt, t.decisionDueAt, at);
        // Under the release lock nobody decides meanwhile; the conditional update still makes sure.
        if (!(await repo.decideTrigger(trx, t.id, { decision: input.decision, reason, by, at, ...timing })))
          throw refusal('conflict', 'one_decision_per_trigger', {
            code: 'trigger_decided_meanwhile',
            params: { trigger: t.id },
          });
        await cancelJobs(trx, `rollback:${t.id}:`);
        timings.push({ trigger: t.id, ...timing });
      }
      const late = timings.filter((t) => t.late);
      if (late.length)
        await deps.audit.record(trx, ctx, {
          action: 'release.mark_rollback_decision_late',
          entityType: 'release',
          entityId: release.id,
          outcome: 'failed',
          details: { rule: RULES.decision_due, late },
        });
      const rules = await rulesOf(trx, release);
      await notify(trx, deps.clock, {
        kind: 'state_changed',
        releaseId: release.id,
        link: `/releases/${release.id}`,
        title:
          input.decision === 'rollback'
            ? { zh: `${release.number} 决定回退`, en: `${release.number}: roll back` }
            : { zh: `${release.number} 决定继续`, en: `${release.number}: continue` },
        body: { zh: `${by}：${reason ?? '—'}`, en: `${by}: ${reason ?? '—'}` },
        audience: { roles: ['operations_engineer', 'release_implementer', ...deciders(rules)] },
      });
      if (input.decision === 'rollback')
        await announceStepAtHand(trx, deps.clock, release, 'rollback', principal);
      return { release, details: { decision: input.decision, reason, triggers: timings } };
    },
    decided,
  );
}

/**
 * RB-2: the escalation job. Before the deadline it reminds the deciders; at the deadline an
 * undecided trigger is overdue, which is escalated and recorded. A decided trigger is left alone.
 */
export function escalationHandler(deps: Pick<ReleaseDeps, 'clock' | 'audit'>) {
  return {
    inTransaction: async (trx: Kysely<Database>, job: LeasedJob) => {
      const trigger = await repo.findTrigger(trx, String(job.payload.triggerId));
      if (!trigger || trigger.decision) return;
      const release = await findRelease(trx, trigger.releaseId);
      if (!release) return;
      const rules = await rulesOf(trx, release);
      const minutesBefore = Number(job.payload.minutesBefore);
      const overdue = minutesBefore === 0;
      await repo.markEscalated(trx, trigger.id, overdue);
      await notify(trx, deps.clock, {
        kind: overdue ? 'deadline_missed' : 'deadline_near',
        releaseId: release.id,
        link: `/releases/${release.id}`,
        title: overdue
          ? { zh: `${release.number} 回退决策已超时`, en: `${release.number}: rollback decision overdue` }
          : {
              zh: `${release.number} 回退决策还剩 ${minutesBefore} 分钟`,
              en: `${release.number}: ${minutesBefore} minutes left to decide on rollback`,
            },
        body: { zh: trigger.summary, en: trigger.summary },
        audience: { roles: overdue ? ['operations_manager', ...deciders(rules)] : deciders(rules) },
        todo: { key: todoKey('release', release.id, 'decide_rollback') },
        // RB-2: the escalation carries the decision again, so the one in line can take it there.
        card: { op: 'rollback', releaseId: release.id, triggerId: trigger.id },
      });
      await deps.audit.record(trx, systemContext(`job:${job.id}`), {
        action: overdue ? 'release.mark_rollback_decision_overdue' : 'release.escalate_rollback_decision',
        entityType: 'release',
        entityId: release.id,
        outcome: overdue ? 'failed' : 'success',
        details: { trigger: trigger.id, dueAt: trigger.decisionDueAt, minutesBefore, rule: 'RB-2' },
      });
    },
  };
}

/**
 * RB-4: compares the configuration with its pre-release values: the plan's baseline snapshot
 * (or the targets' current versions) against the CMDB now and against the versions the
 * implementers observe deployed. Restoration is verified only when every CI matches.
 */
export async function verifyRestoration(
  deps: RollbackDeps,
  ctx: RequestContext,
  id: string,
  input: { observed: { ciId: string; version: string | null }[] },
) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'verify_restoration', async (trx, release, principal) => {
    const plan = await approvedPlan(trx, release.id);
    const baselineId = plan.content.baseline?.baselineId;
    const targets = plan.content.baseline?.targets ?? [];
    const expected = new Map<string, { version: string | null }>();
    const baseline = baselineId ? await baselineSnapshots(trx, baselineId) : [];
    for (const s of baseline) expected.set(s.ciId, { version: s.version });
    for (const t of targets)
      if (!expected.has(t.ciId)) expected.set(t.ciId, { version: t.currentVersion ?? null });
    if (expected.size === 0)
      throw refusal('policy_violation', 'restoration_against_baseline', {
        code: 'no_baseline_recorded',
        params: {},
      });
    const ids = [...expected.keys()];
    const cis = new Map((await findCisByIds(trx, ids)).map((c) => [c.id, c]));
    const now = baseline.length
      ? await snapshotCis(
          trx,
          baseline.map((s) => s.ciId),
        )
      : [];
    const diff = diffSnapshots(baseline, now);
    const observed = new Map(input.observed.map((o) => [o.ciId, o.version]));
    const changedByRelease = new Set(targets.map((t) => t.ciId));
    // What this release answers for: the CIs it targets, scopes or carries in its items, and any
    // CI whose recorded change names it. The rest of the baseline may have been changed since by
    // other releases or by hand; that is shown, but it is not this rollback's to undo.
    const own = new Set([
      ...changedByRelease,
      ...(plan.content.scope?.ciIds ?? []),
      ...(await itemsOf(trx, release.id)).flatMap((i) => i.ciIds),
      ...(await ciIdsChangedByRelease(trx, release.id)),
    ]);
    const items: repo.RestorationItem[] = ids.map((ciId) => {
      const want = expected.get(ciId)!.version;
      const ci = cis.get(ciId);
      const differences: Reason[] = [];
      const changed = diff.changed.find((c) => c.ciId === ciId);
      const cmdb: Reason[] = [];
      if (changed)
        cmdb.push(
          ...changed.fields.map((c): Reason => ({
            code: 'difference_cmdb_field',
            params: { field: c.field, before: JSON.stringify(c.before), after: JSON.stringify(c.after) },
          })),
          ...changed.relationsAdded.map((r): Reason => ({
            code: 'difference_relation_added',
            params: { relation: `${r.type} → ${r.targetName}` },
          })),
          ...changed.relationsRemoved.map((r): Reason => ({
            code: 'difference_relation_removed',
            params: { relation: `${r.type} → ${r.targetName}` },
          })),
        );
      else if (!baseline.length && (ci?.version ?? null) !== want)
        cmdb.push({
          code: 'difference_cmdb_version',
          params: { actual: ci?.version ?? '—', expected: want ?? '—' },
        });
      const changedElsewhere = own.has(ciId) ? [] : cmdb;
      if (own.has(ciId)) differences.push(...cmdb);
      // The deployed version is observed on the CIs the release changed; the rest of the baseline
      // is compared in the CMDB only.
      if (!observed.has(ciId)) {
        if (changedByRelease.has(ciId)) differences.push({ code: 'difference_not_observed', params: {} });
      } else if ((observed.get(ciId) ?? null) !== want)
        differences.push({
          code: 'difference_deployed',
          params: { observed: observed.get(ciId) ?? '—', expected: want ?? '—' },
        });
      const english = (reasons: Reason[]) => reasons.map((r) => renderReason('en', r));
      return {
        ciId,
        ciName: ci?.name ?? ciId,
        expectedVersion: want,
        cmdbVersion: ci?.version ?? null,
        observedVersion: observed.get(ciId) ?? null,
        differences: english(differences),
        differenceReasons: differences,
        changedElsewhere: english(changedElsewhere),
        changedElsewhereReasons: changedElsewhere,
        ok: differences.length === 0,
      };
    });
    const ok = items.every((i) => i.ok);
    await repo.insertRestorationCheck(trx, release.id, {
      ok,
      items,
      actor: principal.displayName || principal.username,
      at: deps.clock.now().toISOString(),
    });
    return { release, result: { ok, items }, details: { ok, differences: items.filter((i) => !i.ok) } };
  });
}

/** RB-5: the reason (the triggers and the decision) and the course, step by step. */
async function problemRecord(
  trx: Kysely<Database>,
  deps: RollbackDeps,
  release: Release,
  by: string,
  outcome: { failure?: string },
) {
  const triggers = await repo.triggersOf(trx, release.id);
  const runs = (await stepRunsOf(trx, release.id)).filter((r) => r.phase === 'rollback');
  const checks = await repo.restorationChecksOf(trx, release.id);
  /** One event of the course: its reason as codes, and in English. */
  const entry = (at: string, reason: Reason, actor: string | null) => ({
    at,
    event: renderReason('en', reason),
    reason,
    actor,
  });
  const decision = (t: (typeof triggers)[number]): Reason => {
    const params = { decision: t.decision ?? '', minutes: t.decisionMinutes ?? 0 };
    if (t.decisionReason)
      return {
        code: t.late ? 'course_decision_reason_late' : 'course_decision_reason',
        params: { ...params, reason: t.decisionReason },
      };
    return { code: t.late ? 'course_decision_late' : 'course_decision', params };
  };
  const course: repo.ProblemRecord['course'] = [
    ...triggers.flatMap((t) => [
      entry(
        t.discoveredAt,
        { code: 'course_trigger', params: { kind: t.kind, source: t.source, summary: t.summary } },
        t.raisedBy,
      ),
      ...(t.decidedAt ? [entry(t.decidedAt, decision(t), t.decidedBy)] : []),
    ]),
    ...runs.map((r) => {
      const params = { n: r.stepIndex + 1, title: r.title, status: r.status };
      return entry(
        r.finishedAt ?? r.startedAt,
        r.result
          ? { code: 'course_step_result', params: { ...params, result: r.result } }
          : { code: 'course_step', params },
        r.executor,
      );
    }),
    ...checks.map((c) =>
      entry(
        c.at,
        c.ok
          ? { code: 'course_restored', params: {} }
          : {
              code: 'course_differences',
              params: { cis: c.items.filter((i) => !i.ok).map((i) => i.ciName) },
            },
        c.actor,
      ),
    ),
    entry(
      deps.clock.now().toISOString(),
      outcome.failure === undefined
        ? { code: 'course_completed', params: {} }
        : { code: 'course_failed', params: { reason: outcome.failure } },
      by,
    ),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const now = deps.clock.now();
  const problem: repo.ProblemRecord = {
    id: randomUUID(),
    number: await repo.nextProblemNumber(trx, now.getUTCFullYear()),
    releaseId: release.id,
    title: `${release.number} ${release.title}: rollback ${outcome.failure === undefined ? 'completed' : `failed: ${outcome.failure}`}`,
    reason: triggers.map((t) => `${TRIGGER_KIND_LABELS[t.kind].zh}：${t.summary}`).join('；') || '—',
    course,
    createdAt: now.toISOString(),
    createdBy: by,
  };
  await repo.insertProblem(trx, problem);
  return problem;
}

/** RB-3, RB-4, RB-5: every rollback step done and the state restored: the release is rolled back. */
export async function completeRollback(deps: RollbackDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'complete_rollback', async (trx, release, principal) => {
    const problem = await problemRecord(trx, deps, release, principal.displayName || principal.username, {});
    return { release, result: problem, details: { problem: problem.number } };
  });
}

/** A rollback that could not restore the service closes the release as failed, with its problem record. */
export async function failRollback(deps: RollbackDeps, ctx: RequestContext, id: string, reason: string) {
  return runAction(deps, ctx, id, 'fail_rollback', async (trx, release, principal, at) => {
    const by = principal.displayName || principal.username;
    const problem = await problemRecord(trx, deps, release, by, { failure: reason });
    // CL-1, PO-3: the release closes as failed: its record is archived and sealed with the report.
    await recordClosure(trx, deps, release, {
      outcome: 'failed',
      analysis: `回退失败：${reason}`,
      lessons: null,
      closedBy: by,
      closedAt: at,
    });
    return {
      release: {
        ...release,
        decidedBy: by,
        decidedAt: at,
        decisionReason: reason,
      },
      result: problem,
      details: { problem: problem.number, reason },
    };
  });
}

/** RB-1…RB-5 for the screen: triggers with their clocks, restoration checks, problem records. */
export async function getRollback(deps: RollbackDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  return {
    now: deps.clock.now().toISOString(),
    triggers: await repo.triggersOf(q, release.id),
    restorationChecks: await repo.restorationChecksOf(q, release.id),
    problems: await repo.problemsOf(q, release.id),
  };
}
