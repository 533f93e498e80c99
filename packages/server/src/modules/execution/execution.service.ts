import { RULES } from '@releasegate/messages';
import type { Kysely } from 'kysely';
import {
  alreadyDone,
  assertStepMayStart,
  notFound,
  progressOf,
  type PlanStep,
  type StepPhase,
  refusal,
  STEP_ORDER_RULE,
  STEP_PHASE_STATE,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { enqueueJob } from '../../jobs/job.repository';
import { type ReleaseDeps, findRelease, runAction, rulesOf } from '../releases';
import { approvedPlanOf } from '../plans';
import * as repo from './execution.repository';
import { openCmdbUpdate } from '../postrelease';
import { announceStepAtHand } from './step.notices';

/** What this file's functions use of the release workflow's dependencies. */
export type ExecutionDeps = Pick<
  ReleaseDeps,
  'audit' | 'changeApprovals' | 'clock' | 'db' | 'events' | 'graph' | 'prometheusUrl'
>;

/** The approved plan version a release runs (the one verified and started). */
export async function approvedPlan(q: Kysely<Database>, releaseId: string) {
  const plan = await approvedPlanOf(q, releaseId);
  if (!plan)
    throw refusal('invalid_transition', 'approved_plan_verified', { code: 'no_approved_plan', params: {} });
  return plan;
}

const stepsOf = (phase: StepPhase, content: { steps?: PlanStep[]; rollback?: { steps: PlanStep[] } }) =>
  (phase === 'implementation' ? content.steps : content.rollback?.steps) ?? [];

export const MONITORING_POLL_JOB = 'monitoring.poll';

/**
 * IM-2, PR-1: implementation starts only through the gate: the lifecycle's guard refuses while
 * the window is closed, a freeze is on, a change is no longer approved (IN-2), a pre-release
 * check has not passed or a planned artifact is not an approved DSL version.
 */
export async function startImplementation(deps: ExecutionDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'start_implementation', async (trx, release, principal) => {
    const plan = await approvedPlan(trx, release.id);
    await announceStepAtHand(trx, deps.clock, release, 'implementation', principal);
    const watched = (plan.content.monitoring?.indicators ?? []).filter((i) => i.query);
    if (deps.prometheusUrl && watched.length)
      await enqueueJob(trx, {
        kind: MONITORING_POLL_JOB,
        key: `monitoring:${release.id}`,
        dueAt: deps.clock.now().toISOString(),
        payload: { releaseId: release.id },
      });
    return {
      release,
      details: {
        planVersion: plan.version,
        steps: plan.content.steps?.length ?? 0,
        indicators: watched.length,
      },
    };
  });
}

/** Raised inside the transaction when a report id was seen before: nothing is written. */
class DuplicateReport extends Error {}

export interface StepReport {
  /** IM-7: a pipeline's idempotency key; the same report delivered twice counts once. */
  reportId?: string | null;
  executor?: string | null;
}

async function recordStep<T>(
  deps: ExecutionDeps,
  ctx: RequestContext,
  id: string,
  phase: StepPhase,
  reportId: string | null | undefined,
  apply: Parameters<typeof runAction<T>>[4],
): Promise<{ duplicate: boolean }> {
  authorize(ctx, 'release.implement');
  const release = await findRelease(deps.db.kysely, id);
  if (!release) throw notFound('release', id);
  if (reportId && (await repo.reportSeen(deps.db.kysely, release.id, reportId))) return { duplicate: true };
  const action = phase === 'implementation' ? 'record_step' : 'record_rollback_step';
  try {
    await runAction(deps, ctx, release.id, action, async (trx, r, principal, at) => {
      if (reportId && !(await repo.rememberReport(trx, r.id, reportId, deps.clock.now().toISOString())))
        throw new DuplicateReport();
      return apply(trx, r, principal, at);
    });
    return { duplicate: false };
  } catch (error) {
    if (error instanceof DuplicateReport) return { duplicate: true };
    throw error;
  }
}

/** IM-2 / RB-3: a step starts, in the plan's order; the executor is recorded. */
export async function startStep(
  deps: ExecutionDeps,
  ctx: RequestContext,
  id: string,
  phase: StepPhase,
  index: number,
  input: StepReport,
) {
  return recordStep(deps, ctx, id, phase, input.reportId, async (trx, release, principal) => {
    const plan = await approvedPlan(trx, release.id);
    const steps = stepsOf(phase, plan.content);
    const runs = await repo.stepRunsOf(trx, release.id);
    assertStepMayStart(phase, steps, runs, index);
    const previous = runs.find((r) => r.phase === phase && r.stepIndex === index);
    const executor = input.executor?.trim() || principal.displayName || principal.username;
    await repo.saveStepRun(trx, release.id, {
      phase,
      stepIndex: index,
      planVersion: plan.version,
      title: steps[index].title,
      status: 'running',
      attempt: (previous?.attempt ?? 0) + 1,
      executor,
      startedAt: deps.clock.now().toISOString(),
      finishedAt: null,
      result: null,
      output: null,
    });
    return {
      release,
      details: {
        phase,
        step: index + 1,
        title: steps[index].title,
        executor,
        attempt: (previous?.attempt ?? 0) + 1,
      },
    };
  });
}

/** IM-2 / RB-3: a running step ends with its result and output. */
export async function finishStep(
  deps: ExecutionDeps,
  ctx: RequestContext,
  id: string,
  phase: StepPhase,
  index: number,
  input: StepReport & { status: 'succeeded' | 'failed'; result?: string | null; output?: string | null },
) {
  return recordStep(deps, ctx, id, phase, input.reportId, async (trx, release, principal) => {
    const runs = await repo.stepRunsOf(trx, release.id);
    const run = runs.find((r) => r.phase === phase && r.stepIndex === index);
    // A run ends once: a second report of its end (two implementers at once, or a pipeline and a
    // person) is told who ended it and when. A report id makes a pipeline's own retry a no-op.
    if (run?.finishedAt)
      throw alreadyDone(
        {
          code: 'step_already_ended',
          params: { n: index + 1, title: run.title, status: run.status, at: run.finishedAt },
        },
        {
          rule: phase === 'implementation' ? RULES.steps_in_plan_order : RULES.rollback_steps_in_order,
          action: 'finish_step',
          by: run.executor,
          at: run.finishedAt,
          status: run.status,
        },
      );
    if (run?.status !== 'running') {
      throw refusal('policy_violation', STEP_ORDER_RULE[phase], {
        code: 'step_not_running',
        params: { n: index + 1, status: run ? run.status : 'not_started' },
      });
    }
    await repo.saveStepRun(trx, release.id, {
      ...run,
      status: input.status,
      finishedAt: deps.clock.now().toISOString(),
      result: input.result ?? null,
      output: input.output ?? null,
      executor: input.executor?.trim() || run.executor,
    });
    if (input.status === 'succeeded') await announceStepAtHand(trx, deps.clock, release, phase, principal);
    return {
      release,
      details: {
        phase,
        step: index + 1,
        title: run.title,
        status: input.status,
        result: input.result ?? null,
      },
    };
  });
}

/** IM-2: every step has succeeded and no trigger awaits a decision: post-release management begins. */
export async function completeImplementation(deps: ExecutionDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'complete_implementation', async (trx, release) => {
    // PO-2: a successful implementation opens the CMDB update task, due 24 hours (policy) from now.
    const dueAt = await openCmdbUpdate(trx, deps, release, await rulesOf(trx, release));
    return { release, details: { cmdbUpdateDueAt: dueAt } };
  });
}

/** IM-3: the plan's steps with how each ran, and the progress of both phases. */
export async function getProgress(deps: ExecutionDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  const plan = (await approvedPlanOf(q, release.id)) ?? null;
  const runs = await repo.stepRunsOf(q, release.id);
  const now = deps.clock.now();
  const phase = (p: StepPhase) => {
    const steps = plan ? stepsOf(p, plan.content) : [];
    return {
      progress: progressOf(p, steps, runs, now, STEP_PHASE_STATE[p] !== release.state),
      steps: steps.map((s, i) => ({
        index: i,
        ...s,
        run: runs.find((r) => r.phase === p && r.stepIndex === i) ?? null,
      })),
    };
  };
  return {
    releaseId: release.id,
    number: release.number,
    state: release.state,
    planVersion: plan?.version ?? null,
    window: plan?.content.window ?? null,
    now: now.toISOString(),
    implementation: phase('implementation'),
    rollback: phase('rollback'),
  };
}
