import type { Kysely } from 'kysely';
import { renderReason } from '@releasegate/messages';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import type { AuditAction } from '../audit';
import type { CmdbDeps, ChangeOrigin } from './cmdb.deps';
import { insertHistory } from './cmdb.repository';

/**
 * Records one change of one or more CIs (a relation touches both ends) twice, in the caller's transaction: in the CI's own history (who,
 * when, why, before/after — what people browse) and on the tamper-evident audit trail.
 */
export async function recordCiChange(
  trx: Kysely<Database>,
  deps: Pick<CmdbDeps, 'audit' | 'clock'>,
  ctx: RequestContext,
  change: {
    ciIds: string[];
    change: string;
    origin: ChangeOrigin;
    before: unknown;
    after: unknown;
    auditAction: AuditAction;
    entityType?: string;
    entityId?: string;
  },
): Promise<void> {
  const { origin } = change;
  const systemReason = origin.kind === 'manual' ? null : origin.systemReason;
  const reason = systemReason
    ? renderReason('en', systemReason)
    : origin.kind === 'manual'
      ? (origin.reason ?? null)
      : null;
  for (const ciId of change.ciIds) {
    await insertHistory(trx, {
      ciId,
      at: deps.clock.now().toISOString(),
      actorId: ctx.principal?.userId ?? null,
      actorName: ctx.principal?.username ?? null,
      change: change.change,
      reasonKind: origin.kind,
      releaseId: origin.kind === 'release' ? origin.releaseId : null,
      reason,
      systemReason,
      before: change.before,
      after: change.after,
    });
  }
  await deps.audit.record(trx, ctx, {
    action: change.auditAction,
    entityType: change.entityType ?? 'ci',
    entityId: change.entityId ?? change.ciIds[0],
    before: change.before,
    after: change.after,
    // The English as before (audit readers and scripts), the code beside it.
    details: { origin: systemReason ? { ...origin, reason } : origin },
  });
}
