import type { RuleCode } from '@releasegate/messages';
import { refusal } from '../errors';
import type { PlanStep } from './plan';
import type { StepAtHand } from './lifecycle';

/** IM-2 implementation steps and RB-3 rollback steps run the same way: in the plan's order. */
export type StepPhase = 'implementation' | 'rollback';
export type StepStatus = 'running' | 'succeeded' | 'failed';

export interface StepRun {
  phase: StepPhase;
  stepIndex: number;
  status: StepStatus;
  startedAt: string;
  finishedAt: string | null;
}

/** The release state each phase's steps run in: outside it the phase's clock has stopped. */
export const STEP_PHASE_STATE: Record<StepPhase, string> = {
  implementation: 'implementing',
  rollback: 'rolling_back',
};

/** The rule each phase's order is kept by. */
export const STEP_ORDER_RULE: Record<StepPhase, RuleCode> = {
  implementation: 'steps_in_plan_order',
  rollback: 'rollback_steps_in_order',
};
const RULE = STEP_ORDER_RULE;

/**
 * Refuses to start a step unless every earlier step of the phase has succeeded and no other
 * step is running. A failed step may be started again (a new attempt); a succeeded one may not.
 */
export function assertStepMayStart(
  phase: StepPhase,
  steps: readonly PlanStep[],
  runs: readonly StepRun[],
  index: number,
) {
  const mine = new Map(runs.filter((r) => r.phase === phase).map((r) => [r.stepIndex, r]));
  if (!Number.isInteger(index) || index < 0 || index >= steps.length) {
    throw refusal('policy_violation', phase === 'implementation' ? 'step_not_in_plan' : RULE[phase], {
      code: 'step_not_in_plan_index',
      params: { n: index + 1, count: steps.length, phase },
    });
  }
  const running = [...mine.values()].find((r) => r.status === 'running' && r.stepIndex !== index);
  if (running) {
    throw refusal('policy_violation', RULE[phase], {
      code: 'step_still_running',
      params: { n: running.stepIndex + 1, title: steps[running.stepIndex]?.title ?? '?' },
    });
  }
  const notDone = steps.slice(0, index).findIndex((_, i) => mine.get(i)?.status !== 'succeeded');
  if (notDone >= 0) {
    throw refusal(
      'policy_violation',
      RULE[phase],
      {
        code: 'step_before',
        params: {
          n: index + 1,
          title: steps[index].title,
          before: notDone + 1,
          beforeTitle: steps[notDone].title,
        },
      },
      { expectedStep: notDone + 1 },
    );
  }
  const current = mine.get(index);
  if (current?.status === 'succeeded') {
    throw refusal('conflict', RULE[phase], {
      code: 'step_already_succeeded',
      params: { n: index + 1, title: steps[index].title },
    });
  }
}

export interface Progress {
  total: number;
  done: number;
  failed: number;
  /** The step running now, or the next to run; null when all are done. */
  current: { index: number; title: string; status: StepStatus | 'pending' } | null;
  plannedMinutes: number;
  /** Minutes since the first step started (to `now`, or to the end of the last step when all are done). */
  elapsedMinutes: number;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * IM-2, RO-3: the step of a phase to do next — the first whose last run did not succeed — with
 * the account it is assigned to; null when every step has succeeded.
 */
export function stepAtHand(
  phase: StepPhase,
  steps: readonly PlanStep[],
  runs: readonly StepRun[],
): StepAtHand | null {
  const done = new Set(
    runs.filter((r) => r.phase === phase && r.status === 'succeeded').map((r) => r.stepIndex),
  );
  const index = steps.findIndex((_, i) => !done.has(i));
  return index < 0 ? null : { index, title: steps[index].title, assignee: steps[index].assignee || null };
}

/** IM-3: steps done and remaining, the current one, and elapsed against planned time. */
export function progressOf(
  phase: StepPhase,
  steps: readonly PlanStep[],
  runs: readonly StepRun[],
  now: Date,
  /** The phase is over (the release left it, e.g. a rollback that failed): its clock stops at its last step. */
  over = false,
): Progress {
  const mine = new Map(runs.filter((r) => r.phase === phase).map((r) => [r.stepIndex, r]));
  const done = steps.filter((_, i) => mine.get(i)?.status === 'succeeded').length;
  const failed = steps.filter((_, i) => mine.get(i)?.status === 'failed').length;
  const currentIndex = steps.findIndex((_, i) => mine.get(i)?.status !== 'succeeded');
  const starts = [...mine.values()].map((r) => r.startedAt).sort();
  const startedAt = starts[0] ?? null;
  const allDone = steps.length > 0 && done === steps.length;
  const finishedAt =
    allDone || (over && mine.size > 0)
      ? ([...mine.values()]
          .flatMap((r) => (r.finishedAt ? [r.finishedAt] : []))
          .sort()
          .at(-1) ?? null)
      : null;
  const end = finishedAt ? Date.parse(finishedAt) : now.getTime();
  return {
    total: steps.length,
    done,
    failed,
    current:
      currentIndex < 0
        ? null
        : {
            index: currentIndex,
            title: steps[currentIndex].title,
            status: mine.get(currentIndex)?.status ?? 'pending',
          },
    plannedMinutes: steps.reduce((sum, s) => sum + s.expectedMinutes, 0),
    elapsedMinutes: startedAt ? Math.max(0, Math.round((end - Date.parse(startedAt)) / 6000) / 10) : 0,
    startedAt,
    finishedAt,
  };
}
