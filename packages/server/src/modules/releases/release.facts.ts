import type { Kysely } from 'kysely';
import { sectionGaps, type PolicyRules, type ReleaseFacts } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { findPolicy } from '../policy/policy.repository';
import { latestPlan } from '../plans/plan.repository';
import { planConflicts } from '../plans/plan.conflicts';
import type { ReleaseDeps } from './release.deps';
import { changeIdsOf, type Release } from './release.repository';

/** The rules of the policy version the release runs under (PC-1: it keeps the one it started with). */
export async function rulesOf(q: Kysely<Database>, release: Release): Promise<PolicyRules> {
  const policy = await findPolicy(q, release.policyVersionId);
  if (!policy) throw new Error(`policy version ${release.policyVersionId} of ${release.number} is missing`);
  return policy.document.rules;
}

/** Everything the lifecycle's guards need, read from the database in the caller's transaction. */
export async function factsOf(
  q: Kysely<Database>,
  deps: ReleaseDeps,
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
      unresolvedConflicts: conflicts.filter((c) => !c.override).map((c) => c.description),
    };
  }
  return {
    state: release.state,
    type: release.type,
    unapprovedChanges: approvals.filter((a) => !a.approved).map((a) => a.label),
    plan: planFacts,
  };
}
