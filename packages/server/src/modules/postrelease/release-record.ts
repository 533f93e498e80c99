import type { Kysely } from 'kysely';
import type { ReleaseRecord } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { recordReleaseOutcome } from '../measures';
import { plansOf } from '../plans';
import type { Release } from '../releases';
import { triggersOf } from '../rollback';
import { actionTimes, earliestChangeApproval, findCmdbTask } from './postrelease.repository';

/**
 * KP-1, KP-2: what a closed release contributes to the measures, written once in the transaction
 * that closes it, whatever closed it (close, cancel, reject, a failed rollback).
 */
export async function writeReleaseRecord(
  q: Kysely<Database>,
  release: Release,
  closedAt: string,
): Promise<void> {
  const times = await actionTimes(q, release.id, [
    'release.start_implementation',
    'release.complete_implementation',
    'release.complete_rollback',
  ]);
  const plans = await plansOf(q, release.id);
  const submitted = plans
    .map((p) => p.submittedAt)
    .filter((t): t is string => !!t)
    .sort();
  const approved = plans.find((p) => p.status === 'approved' || p.status === 'superseded');
  const decided = (await triggersOf(q, release.id)).filter((t) => t.decision);
  const cmdb = await findCmdbTask(q, release.id);
  const started = times.get('release.start_implementation') ?? null;
  // A rollback ends the implementation too: the deployment is over when the state is restored.
  const ended =
    times.get('release.complete_implementation') ?? times.get('release.complete_rollback') ?? null;
  const leadFrom = ended ? await earliestChangeApproval(q, release.id) : null;
  const record: ReleaseRecord = {
    releaseId: release.id,
    number: release.number,
    title: release.title,
    type: release.type,
    outcome: release.outcome!,
    requestedAt: release.createdAt,
    planSubmittedAt: submitted[0] ?? null,
    planApprovedAt: approved?.decidedAt ?? null,
    implementationStartedAt: started,
    implementationEndedAt: ended,
    restoredAt: times.get('release.complete_rollback') ?? null,
    closedAt,
    rollbackDecisions: decided.length,
    rollbackDecisionMinutesTotal: decided.reduce((sum, t) => sum + (t.decisionMinutes ?? 0), 0),
    lateDecisions: decided.filter((t) => t.late).length,
    cmdbDueAt: cmdb?.dueAt ?? null,
    cmdbDoneAt: cmdb?.doneAt ?? null,
    changeLeadMinutes:
      leadFrom && ended ? Math.max(0, (Date.parse(ended) - Date.parse(leadFrom)) / 60_000) : null,
  };
  await recordReleaseOutcome(q, record);
}
