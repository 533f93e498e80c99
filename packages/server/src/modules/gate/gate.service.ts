import { gateDecision, notFound, type GateAnswer } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../identity/authorize';
import { recordStandalone } from '../audit/audit.service';
import { findCisByIds } from '../cmdb/cmdb.repository';
import { findVersion } from '../dsl/dsl.repository';
import type { ReleaseDeps } from '../releases/release.deps';
import { changeIdsOf, findRelease, itemsOf } from '../releases/release.repository';
import { rulesOf } from '../releases/release.facts';
import { freezesOverlapping, plansOf } from '../plans/plan.repository';
import { checklistState } from '../verification/checklist.service';

export interface GateRequest {
  release: string;
  environment: string;
  digests: string[];
  at?: string;
}

/**
 * PR-1, PR-5, IM-7: may these artifacts be deployed to this environment now? Every answer,
 * yes or no, is recorded on the audit trail with all its reasons.
 */
export async function checkGate(
  deps: ReleaseDeps,
  ctx: RequestContext,
  input: GateRequest,
): Promise<GateAnswer & { release: string; environment: string; at: string }> {
  authorize(ctx, 'gate.check');
  const q = deps.db.kysely;
  const release = await findRelease(q, input.release);
  if (!release) throw notFound('Release', input.release);
  const at = input.at ? new Date(input.at).toISOString() : deps.clock.now().toISOString();
  const rules = await rulesOf(q, release);
  const plan = (await plansOf(q, release.id)).find((p) => p.status === 'approved');
  const window = plan?.content.window
    ? {
        start: new Date(plan.content.window.start).toISOString(),
        end: new Date(plan.content.window.end).toISOString(),
      }
    : null;
  const freezes = await freezesOverlapping(q, at, new Date(Date.parse(at) + 1).toISOString());
  const artifacts = new Map<string, { label: string; state: string; environments: string[] }>();
  for (const item of await itemsOf(q, release.id)) {
    if (item.kind !== 'software' || !item.dslVersionId) continue;
    const v = await findVersion(q, item.dslVersionId);
    if (!v?.digest) continue;
    const environments = [...new Set((await findCisByIds(q, item.ciIds)).map((c) => c.environment))];
    artifacts.set(v.digest, { label: `${v.name} ${v.version}`, state: v.state, environments });
  }
  const approvals = await deps.changeApprovals(q, await changeIdsOf(q, release.id));
  const { pending } = await checklistState(q, release, rules);
  const answer = gateDecision({
    releaseNumber: release.number,
    state: release.state,
    environment: input.environment,
    at,
    window,
    activeFreezes: freezes.map((f) => f.name),
    approvedArtifacts: artifacts,
    digests: input.digests.map((d) => d.toLowerCase()),
    unapprovedChanges: approvals.filter((a) => !a.approved).map((a) => a.label),
    pendingChecks: pending,
  });
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'gate.checked',
    entityType: 'release',
    entityId: release.id,
    outcome: answer.allowed ? 'success' : 'denied',
    details: {
      environment: input.environment,
      digests: input.digests,
      at,
      allowed: answer.allowed,
      checks: answer.checks,
    },
  });
  return { ...answer, release: release.number, environment: input.environment, at };
}
