import type { Kysely } from 'kysely';
import {
  sectionGaps,
  STEP_PHASE_STATE,
  type PlanContent,
  type PolicyDocument,
  type StepPhase,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import * as repo from './notification.repository';
import * as reads from './todo.repository';

/** Whether a to-do is open for a user, and who did it when it is not (when known). */
type Openness = { open: true } | { open: false; by: string | null };

const OPEN: Openness = { open: true };
const closed = (by: string | null = null): Openness => ({ open: false, by });

/** IM-2, RO-3: a step assigned to someone (`step.<phase>.<index>`) is done once it succeeded, or its phase is over. */
async function stepOpenness(
  q: Kysely<Database>,
  releaseId: string,
  state: string,
  task: string,
): Promise<Openness> {
  const [, phase, index] = task.split('.');
  const run = await reads.stepRun(q, releaseId, phase, Number(index));
  if (run?.status === 'succeeded') return closed(run.executor);
  return STEP_PHASE_STATE[phase as StepPhase] === state ? OPEN : closed();
}

/**
 * X-2 (decision 0018): is the thing a to-do names still to do? Asked of the object, not of the
 * recipient — an approval given by another approver, a CMDB update done by a colleague, a release
 * closed or cancelled meanwhile: the to-do is done for everyone. Only a CAB vote is personal (each
 * member votes). A key this code does not know stays open.
 */
async function openness(q: Kysely<Database>, key: string, userId: string): Promise<Openness> {
  const [object, id, task] = key.split(':');
  if (!object || !id || !task) return OPEN;
  if (object === 'release') {
    const release = await reads.releaseState(q, id);
    if (!release) return closed();
    const state = release.state;
    switch (task) {
      case 'accept':
        return state === 'requested' ? OPEN : closed();
      case 'approve_plan':
        return state === 'plan_review' ? OPEN : closed();
      case 'decide_rollback':
        return (await reads.undecidedTriggers(q, id)) > 0 && state !== 'closed' ? OPEN : closed();
      case 'complete_cmdb_update': {
        const task = await reads.cmdbTask(q, id);
        if (task?.done_at) return closed(task.done_by);
        return task && state === 'post_release' ? OPEN : closed();
      }
      case 'sign_acceptance': {
        const signed = await reads.latestAcceptance(q, id);
        if (signed) return closed(signed.actor_name);
        return state === 'post_release' ? OPEN : closed();
      }
      case 'complete_plan':
      case 'approve_completion':
        return state === 'closed' ? closed() : completionOpenness(q, id, task);
      case 'review_emergency': {
        const review = await reads.emergencyReview(q, id);
        if (review) return closed(review.reviewer_name);
        return state === 'closed' ? closed() : OPEN;
      }
      default:
        return task.startsWith('step.') ? stepOpenness(q, id, state, task) : OPEN;
    }
  }
  if (object === 'change' && task === 'vote_change') {
    const change = await reads.changeState(q, id);
    if (!change || change.state !== 'cab_review') return closed();
    return (await reads.votersOf(q, id)).has(userId) ? closed() : OPEN;
  }
  if (object === 'dsl_version' && task === 'approve_dsl_version') {
    const version = await reads.dslState(q, id);
    return version?.state === 'pending' ? OPEN : closed();
  }
  return OPEN;
}

/**
 * TY-4: completing an emergency plan is to do while the plan in hand (the completion drafted after
 * the approval, else the approved plan) lacks required sections; approving it, once a drafted
 * completion has them all.
 */
async function completionOpenness(
  q: Kysely<Database>,
  releaseId: string,
  task: 'complete_plan' | 'approve_completion',
): Promise<Openness> {
  const { approved, latest, policyDocument } = await reads.completionState(q, releaseId);
  if (!approved || !latest || !policyDocument) return closed();
  const pending = latest.version > approved.version && latest.status === 'draft';
  const required = (JSON.parse(policyDocument) as PolicyDocument).rules.requiredPlanSections;
  const inHand = JSON.parse((pending ? latest : approved).content) as PlanContent;
  const complete = sectionGaps(inHand, required).length === 0;
  if (task === 'approve_completion') return pending && complete ? OPEN : closed();
  return complete ? closed() : OPEN;
}

const ENTITY: Record<string, string> = { release: 'release', change: 'change', dsl_version: 'dsl_version' };

/**
 * Marks done the user's to-dos that are no longer open (or everyone's when no user is given),
 * naming who acted: the one the object records, else the last actor on it in the audit trail.
 * Run when the bell asks, so the count it shows is what is still to do. Returns how many were done.
 */
export async function settleTodos(q: Kysely<Database>, at: string, userId?: string): Promise<number> {
  let done = 0;
  for (const { key, since } of await repo.openTodoKeys(q, userId)) {
    const holders = userId ? [userId] : await repo.openTodoHolders(q, key);
    for (const holder of holders) {
      const o = await openness(q, key, holder);
      if (o.open) continue;
      const [object, id] = key.split(':');
      const by =
        o.by ??
        (ENTITY[object] ? ((await reads.lastActor(q, ENTITY[object], id, since))?.name ?? null) : null);
      done += await repo.markTodosDone(q, key, { at, by }, [holder]);
    }
  }
  return done;
}
