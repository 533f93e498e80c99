import type { Kysely } from 'kysely';
import type { GateFacts, PolicyRules } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { findCisByIds } from '../cmdb';
import { findDslVersion } from '../dsl';
import { type ReleaseDeps, changeIdsOf, itemsOf, type Release } from '../releases';
import { approvedPlanOf, freezesOverlapping } from '../plans';
import { checklistState } from '../verification';

/** What this file's functions use of the release workflow's dependencies. */
export type GateFactDeps = Pick<ReleaseDeps, 'changeApprovals'>;

/**
 * What the gate decides on, read in the caller's transaction. Without an environment and
 * digests (starting implementation) it checks every artifact the plan delivers instead.
 */
export async function gateFactsOf(
  q: Kysely<Database>,
  deps: Pick<ReleaseDeps, 'changeApprovals'>,
  release: Release,
  rules: PolicyRules,
  request: { environment: string | null; digests: string[] | null; at: string },
): Promise<GateFacts> {
  const plan = await approvedPlanOf(q, release.id);
  const window = plan?.content.window
    ? {
        start: new Date(plan.content.window.start).toISOString(),
        end: new Date(plan.content.window.end).toISOString(),
      }
    : null;
  const at = request.at;
  const freezes = await freezesOverlapping(q, at, new Date(Date.parse(at) + 1).toISOString());
  const artifacts = new Map<string, { label: string; state: string; environments: string[] }>();
  for (const item of await itemsOf(q, release.id)) {
    if (item.kind !== 'software' || !item.dslVersionId) continue;
    const v = await findDslVersion(q, item.dslVersionId);
    if (!v?.digest) continue;
    const environments = [...new Set((await findCisByIds(q, item.ciIds)).map((c) => c.environment))];
    artifacts.set(v.digest, { label: `${v.name} ${v.version}`, state: v.state, environments });
  }
  const approvals = await deps.changeApprovals(q, await changeIdsOf(q, release.id));
  const { pending } = await checklistState(q, release, rules);
  return {
    releaseNumber: release.number,
    state: release.state,
    environment: request.environment,
    at,
    window,
    activeFreezes: freezes.map((f) => f.name),
    approvedArtifacts: artifacts,
    digests: request.digests?.map((d) => d.toLowerCase()) ?? null,
    unapprovedChanges: approvals.filter((a) => !a.approved).map((a) => a.label),
    pendingChecks: pending,
  };
}
