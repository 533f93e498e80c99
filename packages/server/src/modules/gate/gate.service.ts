import { gateDecision, notFound, type GateAnswer } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../identity/authorize';
import { recordStandalone } from '../audit/audit.service';
import type { ReleaseDeps } from '../releases/release.deps';
import { findRelease } from '../releases/release.repository';
import { rulesOf } from '../releases/release.facts';
import { gateFactsOf } from './gate.facts';

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
  const answer = gateDecision(
    await gateFactsOf(q, deps, release, rules, {
      environment: input.environment,
      digests: input.digests,
      at,
    }),
  );
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
