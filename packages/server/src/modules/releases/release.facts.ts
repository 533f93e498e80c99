import type { Kysely } from 'kysely';
import { sectionGaps, stepAtHand, type PolicyRules, type ReleaseFacts } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { findPolicy } from '../policy';
import { gateDecision } from '@releasegate/domain';
import { approvedPlanOf, approverIdsOf, latestPlan, planConflicts } from '../plans';
import { stepRunsOf } from '../execution';
import { gateFactsOf } from '../gate';
import { countOpenTriggers, restorationChecksOf } from '../rollback';
import { findArchive, findCmdbTask, findReview, verificationsOf, verificationState } from '../postrelease';
import type { ReleaseDeps } from './release.deps';
import { findUserByUsername } from '../identity';
import { changeIdsOf, itemsOf, type Release } from './release.repository';

/** What this file's functions use of the release workflow's dependencies. */
export type ReleaseFactDeps = Pick<ReleaseDeps, 'changeApprovals' | 'clock' | 'graph'>;

/** The rules of the policy version the release runs under (PC-1: it keeps the one it started with). */
export async function rulesOf(q: Kysely<Database>, release: Release): Promise<PolicyRules> {
  const policy = await findPolicy(q, release.policyVersionId);
  if (!policy) throw new Error(`policy version ${release.policyVersionId} of ${release.number} is missing`);
  return policy.document.rules;
}

/** Everything the lifecycle's guards need, read from the database in the caller's transaction. */
export async function factsOf(
  q: Kysely<Database>,
  deps: ReleaseFactDeps,
  release: Release,
  rules: PolicyRules,
): Promise<ReleaseFacts> {
  const approvals = await deps.changeApprovals(q, await changeIdsOf(q, release.id));
  const plan = await latestPlan(q, release.id);
  let planFacts: ReleaseFacts['plan'] = null;
  if (plan) {
    const conflicts =
      plan.status === 'draft' || plan.status === 'rejected'
        ? await planConflicts(q, deps, release, plan)
        : [];
    planFacts = {
      version: plan.version,
      status: plan.status,
      drafterId: plan.drafterId,
      gaps: sectionGaps(plan.content, rules.requiredPlanSections),
      shortFormGaps: sectionGaps(plan.content, rules.emergencyShortForm),
      unresolvedConflicts: conflicts.filter((c) => !c.override).map((c) => c.reason),
    };
  }
  return {
    state: release.state,
    type: release.type,
    unapprovedChanges: approvals.filter((a) => !a.approved).map((a) => a.label),
    expeditedChanges: approvals.filter((a) => a.expedited).map((a) => a.label),
    plan: planFacts,
    ...(await emergencyFacts(q, release, rules, plan?.status === 'draft' || plan?.status === 'rejected')),
    ...(await executionFacts(q, deps, release, rules)),
    ...(await intakeFacts(q, release)),
    planWindowEnd: plan?.content.window?.end ?? null,
    now: deps.clock.now().toISOString(),
  };
}

/** RO-4, PR-6: who asked for the release, and whether it names anything to release. */
async function intakeFacts(q: Kysely<Database>, release: Release): Promise<Partial<ReleaseFacts>> {
  if (release.state !== 'requested') return {};
  return {
    requesterId: (await findUserByUsername(q, release.requestedBy))?.id ?? null,
    scope: { items: (await itemsOf(q, release.id)).length, targetCis: release.targetCiIds.length },
  };
}

/**
 * TY-4: for an emergency release whose short form was approved, what the full plan still lacks,
 * whether a completion waits for approval, who approved, and the review after the fact.
 */
async function emergencyFacts(
  q: Kysely<Database>,
  release: Release,
  rules: PolicyRules,
  draftAfterApproval: boolean,
): Promise<Partial<ReleaseFacts>> {
  if (release.type !== 'emergency') return {};
  const approved = await approvedPlanOf(q, release.id);
  if (!approved) return {};
  const review = await findReview(q, release.id);
  return {
    emergency: {
      approvedPlanGaps: sectionGaps(approved.content, rules.requiredPlanSections),
      completionPending: draftAfterApproval,
      approverIds: await approverIdsOf(q, release.id),
      reviewedBy: review?.reviewerName ?? null,
    },
  };
}

const EXECUTING = ['ready', 'implementing', 'post_release', 'rolling_back', 'rolled_back'];

/** From verification on: steps done, triggers open, restoration verified, what the gate refuses. */
async function executionFacts(
  q: Kysely<Database>,
  deps: ReleaseFactDeps,
  release: Release,
  rules: PolicyRules,
): Promise<Partial<ReleaseFacts>> {
  if (!EXECUTING.includes(release.state)) return {};
  const approved = await approvedPlanOf(q, release.id);
  const runs = await stepRunsOf(q, release.id);
  const succeeded = (phase: string) =>
    runs.filter((r) => r.phase === phase && r.status === 'succeeded').length;
  const restoration = (await restorationChecksOf(q, release.id)).at(-1);
  const gate =
    release.state === 'ready'
      ? gateDecision(
          await gateFactsOf(q, deps, release, rules, {
            environment: null,
            digests: null,
            at: deps.clock.now().toISOString(),
          }),
        )
      : null;
  return {
    steps: {
      total: approved?.content.steps?.length ?? 0,
      succeeded: succeeded('implementation'),
      atHand: stepAtHand('implementation', approved?.content.steps ?? [], runs),
    },
    rollbackSteps: {
      total: approved?.content.rollback?.steps.length ?? 0,
      succeeded: succeeded('rollback'),
      atHand: stepAtHand('rollback', approved?.content.rollback?.steps ?? [], runs),
      failed: runs.filter((r) => r.phase === 'rollback' && r.status === 'failed').length,
    },
    openTriggers: await countOpenTriggers(q, release.id),
    restorationVerified: restoration?.ok ?? false,
    gateFailures: gate?.checks.filter((c) => !c.ok),
    ...(await postReleaseFacts(q, release, rules)),
  };
}

/** PO-1…PO-3: what closing a release needs. */
async function postReleaseFacts(
  q: Kysely<Database>,
  release: Release,
  rules: PolicyRules,
): Promise<Partial<ReleaseFacts>> {
  if (release.state !== 'post_release' && release.state !== 'rolled_back') return {};
  const task = await findCmdbTask(q, release.id);
  const baseline = (await approvedPlanOf(q, release.id))?.content.baseline;
  return {
    cmdbTargets: {
      count: baseline?.targets.length ?? 0,
      noChangeReason: (baseline?.noChangeReason ?? '').trim().length > 0,
    },
    pendingVerifications: verificationState(rules, await verificationsOf(q, release.id)).pending,
    cmdbUpdate: !task ? 'none' : task.doneAt ? 'done' : 'open',
    archived: !!(await findArchive(q, release.id)),
  };
}
