import { gateDecision, notFound, type GateAnswer } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { recordStandalone } from '../audit';
import { type ReleaseDeps, findRelease, rulesOf } from '../releases';
import { gateFactsOf } from './gate.facts';

/** What this file's functions use of the release workflow's dependencies. */
export type GateDeps = Pick<ReleaseDeps, 'audit' | 'changeApprovals' | 'clock' | 'db'>;

export interface GateRequest {
  release: string;
  environment: string;
  digests: string[];
  /** "May I deploy at this time?": a preview, never an allow. */
  at?: string;
}

export type GateResult = GateAnswer & {
  release: string;
  environment: string;
  /** The time the answer is about: the server's now, or the previewed time. */
  at: string;
  /** The server's time when it answered. */
  decidedAt: string;
  /** Set on a preview: `allowed` is false, and this says whether the checks would pass at `at`. */
  preview?: true;
  wouldBeAllowed?: boolean;
};

/**
 * PR-1, PR-5, IM-7: may these artifacts be deployed to this environment now? "Now" is the
 * server's clock, never the caller's: a caller asking about another time gets a preview, which
 * never allows anything and is audited as a preview. Every answer, yes or no, is recorded on the
 * audit trail with all its reasons.
 */
export async function checkGate(
  deps: GateDeps,
  ctx: RequestContext,
  input: GateRequest,
): Promise<GateResult> {
  authorize(ctx, 'gate.check');
  const q = deps.db.kysely;
  const release = await findRelease(q, input.release);
  if (!release) throw notFound('release', input.release);
  const decidedAt = deps.clock.now().toISOString();
  const preview = input.at !== undefined;
  const at = preview ? new Date(input.at!).toISOString() : decidedAt;
  const rules = await rulesOf(q, release);
  const answer = gateDecision(
    await gateFactsOf(q, deps, release, rules, {
      environment: input.environment,
      digests: input.digests,
      at,
    }),
  );
  const allowed = !preview && answer.allowed;
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: preview ? 'gate.preview' : 'gate.check',
    entityType: 'release',
    entityId: release.id,
    outcome: allowed ? 'success' : 'denied',
    details: {
      environment: input.environment,
      digests: input.digests,
      at,
      decidedAt,
      allowed,
      ...(preview && { preview: true, wouldBeAllowed: answer.allowed }),
      checks: answer.checks,
    },
  });
  return {
    allowed,
    checks: answer.checks,
    release: release.number,
    environment: input.environment,
    at,
    decidedAt,
    ...(preview && { preview: true as const, wouldBeAllowed: answer.allowed }),
  };
}
