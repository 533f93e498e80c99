import { RULES, FIELDS } from '@releasegate/messages';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { notFound, refusal, type PolicyRules } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { systemContext, type RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { cancelJobs, enqueueJob, findJobByKey } from '../../jobs/job.repository';
import type { LeasedJob } from '../../jobs/job.runner';
import { notify, todoKey } from '../notifications';
import { findCisByIds, updateCiIn } from '../cmdb';
import { type ReleaseDeps, findRelease, type Release, rulesOf, runAction, type OneShot } from '../releases';
import { approvedPlan } from '../execution';
import * as repo from './postrelease.repository';
import { formatTime } from '../documents';
import { verificationState } from './verification.state';

/** What this file's functions use of the release workflow's dependencies. */
export type PostReleaseDeps = Pick<
  ReleaseDeps,
  'audit' | 'blobs' | 'changeApprovals' | 'clock' | 'db' | 'events' | 'graph'
>;

export const CMDB_DEADLINE_JOB = 'cmdb.deadline';
/** A reminder this long before the CMDB deadline, and the escalation at it. */
const CMDB_REMINDER_MINUTES = 120;
const USER_ACCEPTANCE = 'user_acceptance';

/**
 * PO-2: a successful implementation opens the CMDB update task, due the policy's hours after it
 * ended; the configuration administrators are told, reminded before the deadline and escalated at it.
 */
export async function openCmdbUpdate(
  trx: Kysely<Database>,
  deps: Pick<ReleaseDeps, 'clock'>,
  release: Release,
  rules: PolicyRules,
) {
  const now = deps.clock.now();
  const dueAt = new Date(now.getTime() + rules.deadlines.cmdbUpdateHours * 3_600_000).toISOString();
  await repo.openCmdbTask(trx, { releaseId: release.id, openedAt: now.toISOString(), dueAt });
  for (const minutesBefore of [CMDB_REMINDER_MINUTES, 0])
    await enqueueJob(trx, {
      kind: CMDB_DEADLINE_JOB,
      key: `cmdb:${release.id}:${minutesBefore}`,
      dueAt: new Date(Date.parse(dueAt) - minutesBefore * 60_000).toISOString(),
      payload: { releaseId: release.id, minutesBefore },
    });
  await notify(trx, deps.clock, {
    kind: 'task_assigned',
    releaseId: release.id,
    link: `/releases/${release.id}`,
    title: { zh: `${release.number} 待更新 CMDB`, en: `${release.number}: CMDB update due` },
    body: {
      zh: `请在北京时间 ${formatTime(dueAt)} 前按发布计划更新配置项（${rules.deadlines.cmdbUpdateHours} 小时内）。`,
      en: `Apply the plan's target configuration by ${formatTime(dueAt)} UTC+8 (within ${rules.deadlines.cmdbUpdateHours} hours).`,
    },
    audience: { roles: ['configuration_administrator'] },
    todo: { key: todoKey('release', release.id, 'complete_cmdb_update') },
  });
  return dueAt;
}

/** PO-2: the reminder before, and the escalation at, the CMDB deadline of a task still open. */
export function cmdbDeadlineHandler(deps: Pick<ReleaseDeps, 'clock' | 'audit'>) {
  return {
    inTransaction: async (trx: Kysely<Database>, job: LeasedJob) => {
      const releaseId = String(job.payload.releaseId);
      const task = await repo.findCmdbTask(trx, releaseId);
      const release = await findRelease(trx, releaseId);
      if (!task || task.doneAt || !release) return;
      const overdue = Number(job.payload.minutesBefore) === 0;
      if (overdue) await repo.markCmdbTaskOverdue(trx, releaseId);
      await notify(trx, deps.clock, {
        kind: overdue ? 'deadline_missed' : 'deadline_near',
        releaseId,
        link: `/releases/${releaseId}`,
        title: overdue
          ? { zh: `${release.number} CMDB 更新已超期`, en: `${release.number}: CMDB update overdue` }
          : { zh: `${release.number} CMDB 更新即将到期`, en: `${release.number}: CMDB update due soon` },
        body: {
          zh: `截止时间（北京时间）${formatTime(task.dueAt)}`,
          en: `Due ${formatTime(task.dueAt)} (UTC+8)`,
        },
        audience: {
          roles: overdue
            ? ['configuration_administrator', 'operations_manager']
            : ['configuration_administrator'],
        },
        // Overdue, the manager chases it: open for them too until it is done.
        todo: { key: todoKey('release', releaseId, 'complete_cmdb_update') },
      });
      await deps.audit.record(trx, systemContext(`job:${job.id}`), {
        action: overdue ? 'release.mark_cmdb_update_overdue' : 'release.remind_cmdb_update',
        entityType: 'release',
        entityId: releaseId,
        outcome: overdue ? 'failed' : 'success',
        details: { dueAt: task.dueAt, rule: RULES.cmdb_update_within_24h },
      });
    },
  };
}

export interface VerificationInput {
  result: 'passed' | 'failed';
  note?: string | null;
  link?: string | null;
  evidence?: { digest: string; filename?: string | null } | null;
}

/** PO-1: functional, performance and business verification, each with result and evidence. */
export async function recordVerification(
  deps: PostReleaseDeps,
  ctx: RequestContext,
  id: string,
  itemKey: string,
  input: VerificationInput,
) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'record_verification', async (trx, release, principal) => {
    const rules = await rulesOf(trx, release);
    const item = rules.postReleaseVerifications.find((i) => i.key === itemKey);
    if (!item || item.key === USER_ACCEPTANCE)
      throw refusal(
        'invalid_input',
        'effect_verification',
        item
          ? { code: 'acceptance_not_here', params: {} }
          : {
              code: 'unknown_verification_item',
              params: { item: itemKey, items: rules.postReleaseVerifications.map((i) => i.key) },
            },
        { fields: { item: [item ? FIELDS.business_signoff : FIELDS.unknown] } },
      );
    if (input.result === 'passed' && !input.note?.trim() && !input.link && !input.evidence)
      throw refusal(
        'policy_violation',
        'verification_evidence',
        { code: 'evidence_required', params: { label: item.label.zh, item: item.key } },
        { fields: { note: [FIELDS.give_verification_evidence] } },
      );
    if (input.evidence && !(await deps.blobs.has(input.evidence.digest)))
      throw notFound('evidence_file', input.evidence.digest);
    await repo.insertVerification(trx, release.id, {
      itemKey,
      result: input.result,
      note: input.note?.trim() || null,
      link: input.link ?? null,
      evidence: input.evidence
        ? { digest: input.evidence.digest, filename: input.evidence.filename ?? null }
        : null,
      department: null,
      actorId: principal.userId,
      actorName: principal.displayName || principal.username,
      at: deps.clock.now().toISOString(),
    });
    return { release, details: { item: itemKey, result: input.result } };
  });
}

/** PO-1: user acceptance is a formal sign-off by a named business-department representative. */
export async function signAcceptance(
  deps: PostReleaseDeps,
  ctx: RequestContext,
  id: string,
  input: { accepted: boolean; department: string; comment?: string | null },
) {
  authorize(ctx, 'acceptance.sign');
  // One acceptance per release: once the business has accepted, a second sign-off (another
  // representative's at the same moment, on another node) is refused naming the one that counts.
  // A refusal can be followed by an acceptance once what was refused is fixed.
  const accepted: OneShot = async (trx, release) => {
    const last = (await repo.verificationsOf(trx, release.id))
      .filter((v) => v.itemKey === USER_ACCEPTANCE)
      .at(-1);
    return last?.result === 'passed'
      ? {
          rule: RULES.user_acceptance,
          action: 'sign_acceptance',
          by: last.actorName,
          at: last.at,
          department: last.department,
        }
      : undefined;
  };
  return runAction(
    deps,
    ctx,
    id,
    'sign_acceptance',
    async (trx, release, principal) => {
      if (!input.accepted && !input.comment?.trim())
        throw refusal(
          'invalid_input',
          'user_acceptance',
          { code: 'refusal_needs_reason', params: {} },
          { fields: { comment: [FIELDS.not_accepted_reason] } },
        );
      await repo.insertVerification(trx, release.id, {
        itemKey: USER_ACCEPTANCE,
        result: input.accepted ? 'passed' : 'failed',
        note: input.comment?.trim() || null,
        link: null,
        evidence: null,
        department: input.department.trim(),
        actorId: principal.userId,
        actorName: principal.displayName || principal.username,
        at: deps.clock.now().toISOString(),
      });
      return {
        release,
        details: { accepted: input.accepted, department: input.department, signedBy: principal.username },
      };
    },
    accepted,
  );
}

/**
 * TY-4: the review of an emergency release after the fact: whether the emergency path was
 * justified and what was found, by a reviewer the policy names who approved none of its plans.
 * Recorded once; two reviewers at the same moment: the second is told who reviewed.
 */
export async function reviewEmergency(
  deps: PostReleaseDeps,
  ctx: RequestContext,
  id: string,
  input: { justified: boolean; findings: string },
) {
  authorize(ctx, 'release.plan');
  const reviewed: OneShot = async (trx, release) => {
    const review = await repo.findReview(trx, release.id);
    return review
      ? {
          rule: RULES.reviewed_after_the_fact,
          action: 'review_emergency',
          by: review.reviewerName,
          at: review.reviewedAt,
        }
      : undefined;
  };
  return runAction(
    deps,
    ctx,
    id,
    'review_emergency',
    async (trx, release, principal, at) => {
      const review: repo.EmergencyReview = {
        justified: input.justified,
        findings: input.findings.trim(),
        reviewerId: principal.userId,
        reviewerName: principal.displayName || principal.username,
        reviewedAt: at,
      };
      await repo.insertReview(trx, release.id, review);
      return { release, result: review, details: { justified: review.justified, findings: review.findings } };
    },
    reviewed,
  );
}

/**
 * PO-2: applies the plan's target configuration to the CIs, each change recorded with the release
 * as its reason (CM-4); done after the deadline, it is done late (the on-time rate measures it).
 */
export async function completeCmdbUpdate(
  deps: PostReleaseDeps,
  ctx: RequestContext,
  id: string,
  note: string | null,
) {
  authorize(ctx, 'cmdb.write');
  // The task is done once: a second completion is refused naming who did it and when.
  const done: OneShot = async (trx, release) => {
    const task = await repo.findCmdbTask(trx, release.id);
    return task?.doneAt
      ? {
          rule: RULES.cmdb_update_task,
          action: 'complete_cmdb_update',
          by: task.doneBy,
          at: task.doneAt,
        }
      : undefined;
  };
  return runAction(
    deps,
    ctx,
    id,
    'complete_cmdb_update',
    async (trx, release, principal) => {
      const task = (await repo.findCmdbTask(trx, release.id))!;
      const targets = (await approvedPlan(trx, release.id)).content.baseline?.targets ?? [];
      const cis = new Map(
        (
          await findCisByIds(
            trx,
            targets.map((t) => t.ciId),
          )
        ).map((c) => [c.id, c]),
      );
      const applied: NonNullable<repo.CmdbTask['applied']> = [];
      for (const target of targets) {
        const ci = cis.get(target.ciId);
        if (!ci || ci.status !== 'active')
          throw refusal('policy_violation', 'cmdb_update', { code: 'ci_gone', params: { ci: target.ciId } });
        if (ci.version !== target.targetVersion)
          await updateCiIn(
            trx,
            deps,
            ctx,
            ci.id,
            { version: target.targetVersion, revision: ci.revision },
            {
              kind: 'release',
              releaseId: release.id,
              systemReason: note
                ? { code: 'history_cmdb_update_note', params: { release: release.number, note } }
                : { code: 'history_cmdb_update', params: { release: release.number } },
            },
          );
        applied.push({ ciId: ci.id, ciName: ci.name, before: ci.version, after: target.targetVersion });
      }
      const at = deps.clock.now().toISOString();
      await repo.completeCmdbTask(trx, release.id, {
        at,
        by: principal.displayName || principal.username,
        applied,
      });
      await cancelJobs(trx, `cmdb:${release.id}:`);
      const late = at > task.dueAt;
      return { release, details: { applied, dueAt: task.dueAt, late } };
    },
    done,
  );
}

/** PO-1…PO-3, CL-1 for the screen: verifications, the CMDB task, the archive and the closure. */
export async function getPostRelease(deps: PostReleaseDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  const rules = await rulesOf(q, release);
  const results = await repo.verificationsOf(q, release.id);
  return {
    verifications: { ...verificationState(rules, results), history: results },
    cmdbUpdate: (await repo.findCmdbTask(q, release.id)) ?? null,
    archive: (await repo.findArchive(q, release.id)) ?? null,
    sealing: await sealingOf(q, release.id),
    archiveItems: await repo.archiveItemsOf(q, release.id),
    closure: (await repo.findClosure(q, release.id)) ?? null,
    review: (await repo.findReview(q, release.id)) ?? null,
    /** The server's time, so the CMDB countdown agrees with the deadline on a computer whose clock is off. */
    now: deps.clock.now().toISOString(),
  };
}

/** CL-2, PO-3: the job that generates the report and seals a closed release's archive (closing.service.ts). */
export const SEAL_ARCHIVE_JOB = 'release.seal_archive';
export const sealArchiveJobKey = (releaseId: string) => `release.seal_archive:${releaseId}`;

/** CL-2: the sealing job of a closed release, while it has not sealed the archive. */
async function sealingOf(q: Kysely<Database>, releaseId: string) {
  const job = await findJobByKey(q, sealArchiveJobKey(releaseId));
  if (!job || job.state === 'done' || job.state === 'cancelled') return null;
  return {
    state: job.state === 'failed' ? ('failed' as const) : ('pending' as const),
    attempts: job.attempts,
  };
}

/** Puts generated bytes in the content-addressed store and returns the archive entry for them. */
export async function storeFile(
  deps: Pick<ReleaseDeps, 'blobs' | 'clock'>,
  bytes: Buffer,
  entry: { kind: string; name: string; mediaType: string },
): Promise<Omit<repo.ArchiveItem, 'seq'>> {
  const stored = await deps.blobs.put(Readable.from([bytes]), Number.MAX_SAFE_INTEGER);
  return { ...entry, digest: stored.digest, size: stored.size, addedAt: deps.clock.now().toISOString() };
}
