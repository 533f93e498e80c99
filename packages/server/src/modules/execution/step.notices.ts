import type { Kysely } from 'kysely';
import { stepAtHand, type Clock, type StepPhase } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { findUserByUsername } from '../identity';
import { notify, todoKey } from '../notifications';
import { approvedPlanOf } from '../plans';
import type { Release } from '../releases';
import { stepRunsOf } from './execution.repository';

/** The to-do of one step, as todo.settle.ts reads it back: `step.<phase>.<index>`. */
export const stepTask = (phase: StepPhase, index: number) => `step.${phase}.${index}`;

const PHASE_NAMES: Record<StepPhase, { zh: string; en: string; tab: string }> = {
  implementation: { zh: '实施', en: 'implementation', tab: 'implementation' },
  rollback: { zh: '回退', en: 'rollback', tab: 'rollback' },
};

/**
 * IM-2, RO-3, X-2: the implementer a step is assigned to is told when it comes to hand — the
 * phase has started, or the step before it succeeded — as a to-do that is done once the step has
 * succeeded (or the phase is over). Not when they brought it to hand themselves. In the action's
 * transaction.
 */
export async function announceStepAtHand(
  trx: Kysely<Database>,
  clock: Clock,
  release: Pick<Release, 'id' | 'number'>,
  phase: StepPhase,
  actor: { username: string },
): Promise<void> {
  const plan = await approvedPlanOf(trx, release.id);
  const steps = (phase === 'implementation' ? plan?.content.steps : plan?.content.rollback?.steps) ?? [];
  const step = stepAtHand(phase, steps, await stepRunsOf(trx, release.id));
  if (!step?.assignee || step.assignee === actor.username) return;
  const person = await findUserByUsername(trx, step.assignee);
  if (!person) return;
  const name = PHASE_NAMES[phase];
  const n = step.index + 1;
  await notify(trx, clock, {
    kind: 'task_assigned',
    releaseId: release.id,
    link: `/releases/${release.id}?tab=${name.tab}`,
    title: {
      zh: `${release.number} 轮到您执行${name.zh}第 ${n} 步`,
      en: `${release.number}: ${name.en} step ${n} is yours now`,
    },
    body: { zh: `${n}. ${step.title}`, en: `${n}. ${step.title}` },
    audience: { userIds: [person.id] },
    todo: { key: todoKey('release', release.id, stepTask(phase, step.index)) },
  });
}
