import type { Kysely } from 'kysely';
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
  for (const ciId of change.ciIds) {
    await insertHistory(trx, {
      ciId,
      at: deps.clock.now().toISOString(),
      actorId: ctx.principal?.userId ?? null,
      actorName: ctx.principal?.username ?? null,
      change: change.change,
      reasonKind: change.origin.kind,
      releaseId: change.origin.kind === 'release' ? change.origin.releaseId : null,
      reason: change.origin.reason ?? null,
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
    details: { origin: change.origin },
  });
}
