import { RULES, FIELDS } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  alreadyDone,
  invalidFields,
  notFound,
  refused,
  type PlanContent,
  refusal,
  ROLES,
  ROLE_PERMISSIONS,
  type PlanStatus,
  type ReleaseState,
  type ReleaseType,
} from '@releasegate/domain';
import type { RequestContext } from '../../context';
import type { Database } from '../../db/schema';
import { authorize } from '../../authorize';
import { type ReleaseDeps, findRelease, lockRelease, runAction } from '../releases';
import { enabledPeopleWithAnyRole } from '../identity';
import { releaseEventsNamedNow } from '../postrelease';
import * as repo from './plan.repository';
import { planConflicts } from './plan.conflicts';

/** What this file's functions use of the release workflow's dependencies. */
export type PlanDeps = Pick<ReleaseDeps, 'audit' | 'changeApprovals' | 'clock' | 'db' | 'events' | 'graph'>;

const now = (deps: PlanDeps) => deps.clock.now().toISOString();

/** Two people saved the same plan version at once: the second is told to reload. */
const planChangedMeanwhile = (version: number) =>
  refused('conflict', { code: 'plan_changed_meanwhile', params: { version } });

/** RO-3: the roles whose holders may carry out release steps (record them). */
const IMPLEMENTER_ROLES = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('release.implement'));

/**
 * IM-2, RO-3: every step's assignee is an enabled person who may carry out release steps, else the
 * save is refused naming each such step's field.
 */
async function checkAssignees(q: Kysely<Database>, content: PlanContent): Promise<void> {
  const named: [field: string, username: string][] = [
    ...(content.steps ?? []).map((s, i) => [`steps.${i}.assignee`, s.assignee] as const),
    ...(content.rollback?.steps ?? []).map((s, i) => [`rollback.steps.${i}.assignee`, s.assignee] as const),
  ].flatMap(([field, username]) => (username ? [[field, username]] : []));
  if (named.length === 0) return;
  const implementers = await enabledPeopleWithAnyRole(
    q,
    [...new Set(named.map(([, username]) => username))],
    IMPLEMENTER_ROLES,
  );
  const wrong = named.filter(([, username]) => !implementers.has(username));
  if (wrong.length)
    throw invalidFields(Object.fromEntries(wrong.map(([field]) => [field, [FIELDS.not_an_implementer]])));
}

/**
 * PL-1: saves the plan's sections as a draft. The first save creates version 1; a rejected
 * version is edited again as a draft. An approved version is never edited (PL-3): revise it.
 */
export async function savePlan(deps: PlanDeps, ctx: RequestContext, releaseId: string, content: PlanContent) {
  return runAction(deps, ctx, releaseId, 'edit_plan', async (trx, release, principal) => {
    await checkAssignees(trx, content);
    const current = await repo.latestPlan(trx, release.id);
    const at = now(deps);
    if (!current) {
      const plan: repo.PlanVersion = {
        id: randomUUID(),
        releaseId: release.id,
        version: 1,
        status: 'draft',
        content,
        drafterId: principal.userId,
        drafterName: principal.username,
        createdAt: at,
        updatedAt: at,
        submittedAt: null,
        decidedBy: null,
        decidedAt: null,
        decisionComment: null,
      };
      await repo.insertPlan(trx, plan);
      return { release, result: plan, details: { plan: plan.version, content } };
    }
    // RO-5: a rejected plan redrafted by another planner is theirs from now on, so the four eyes
    // look at who wrote what goes to review; the take-over is on the plan's record and audited.
    const takeOver = current.status === 'rejected' && current.drafterId !== principal.userId;
    const updated: repo.PlanVersion = {
      ...current,
      content,
      status: 'draft',
      updatedAt: at,
      ...(takeOver ? { drafterId: principal.userId, drafterName: principal.username } : {}),
    };
    if (!(await repo.updatePlan(trx, updated, current.status))) throw planChangedMeanwhile(current.version);
    if (takeOver)
      await repo.insertComment(trx, current.id, {
        kind: 'taken_over',
        text: `redrafted by ${principal.username}, taken over from ${current.drafterName}`,
        authorId: principal.userId,
        authorName: principal.username,
        at,
      });
    return {
      release,
      result: updated,
      details: {
        plan: updated.version,
        before: current.content,
        after: content,
        ...(takeOver ? { drafter: { before: current.drafterName, after: principal.username } } : {}),
      },
    };
  });
}

/** PL-1: submitting with sections missing is refused with the list of what is missing (the lifecycle guard). */
export async function submitPlan(deps: PlanDeps, ctx: RequestContext, releaseId: string) {
  return runAction(deps, ctx, releaseId, 'submit_plan', async (trx, release, principal) => {
    const plan = (await repo.latestPlan(trx, release.id))!;
    await repo.updatePlan(trx, { ...plan, status: 'submitted', submittedAt: now(deps) }, plan.status);
    await repo.insertComment(trx, plan.id, {
      kind: 'submitted',
      text: null,
      authorId: principal.userId,
      authorName: principal.username,
      at: now(deps),
    });
    return { release, details: { plan: plan.version } };
  });
}

/** PL-2, TY-2, RO-5: approval by the authority for the type, never by the drafter; the earlier approved version is superseded. */
export async function approvePlan(
  deps: PlanDeps,
  ctx: RequestContext,
  releaseId: string,
  comment: string | null,
) {
  return runAction(deps, ctx, releaseId, 'approve_plan', async (trx, release, principal) => {
    const plans = await repo.plansOf(trx, release.id);
    const plan = plans[0];
    for (const older of plans.slice(1))
      if (older.status === 'approved') await repo.setPlanStatus(trx, older.id, 'approved', 'superseded');
    await repo.updatePlan(
      trx,
      {
        ...plan,
        status: 'approved',
        decidedBy: principal.username,
        decidedAt: now(deps),
        decisionComment: comment,
      },
      plan.status,
    );
    await repo.insertComment(trx, plan.id, {
      kind: 'approved',
      text: comment,
      authorId: principal.userId,
      authorName: principal.username,
      at: now(deps),
    });
    return { release, details: { plan: plan.version, type: release.type, comment } };
  });
}

/** PL-2: a rejected plan returns to drafting; the comment is kept. */
export async function rejectPlan(deps: PlanDeps, ctx: RequestContext, releaseId: string, comment: string) {
  return runAction(deps, ctx, releaseId, 'reject_plan', async (trx, release, principal) => {
    const plan = (await repo.latestPlan(trx, release.id))!;
    await repo.updatePlan(
      trx,
      {
        ...plan,
        status: 'rejected',
        decidedBy: principal.username,
        decidedAt: now(deps),
        decisionComment: comment,
      },
      plan.status,
    );
    await repo.insertComment(trx, plan.id, {
      kind: 'rejected',
      text: comment,
      authorId: principal.userId,
      authorName: principal.username,
      at: now(deps),
    });
    return { release, details: { plan: plan.version, comment } };
  });
}

/** A new draft version copied from `from`, drafted by the principal (PL-3 revision, TY-4 completion). */
function draftFrom(
  from: repo.PlanVersion,
  version: number,
  content: PlanContent,
  principal: { userId: string; username: string },
  at: string,
): repo.PlanVersion {
  return {
    ...from,
    id: randomUUID(),
    version,
    status: 'draft',
    content,
    drafterId: principal.userId,
    drafterName: principal.username,
    createdAt: at,
    updatedAt: at,
    submittedAt: null,
    decidedBy: null,
    decidedAt: null,
    decisionComment: null,
  };
}

/** PL-3: an approved plan stays as it is; a revision is a new version (a copy to edit) that needs approval again. */
export async function revisePlan(deps: PlanDeps, ctx: RequestContext, releaseId: string, reason: string) {
  return runAction(deps, ctx, releaseId, 'revise_plan', async (trx, release, principal) => {
    const approved = (await repo.latestPlan(trx, release.id))!;
    const at = now(deps);
    const next = draftFrom(approved, approved.version + 1, approved.content, principal, at);
    await repo.insertPlan(trx, next);
    await repo.insertComment(trx, next.id, {
      kind: 'comment',
      text: `revision of v${approved.version}: ${reason}`,
      authorId: principal.userId,
      authorName: principal.username,
      at,
    });
    return { release, result: next, details: { from: approved.version, to: next.version, reason } };
  });
}

/** TY-4: what a completion keeps from the approved short form: what was (or is being) executed. */
const EXECUTED_PARTS = ['window', 'steps', 'rollback'] as const;

/**
 * TY-4: completes the plan of an emergency release after its short form was approved, in any
 * state up to close. The completion is a new version, drafted from the approved one; the window,
 * the steps and the rollback stay as approved, since they are what runs (or ran).
 */
export async function saveCompletion(
  deps: PlanDeps,
  ctx: RequestContext,
  releaseId: string,
  content: PlanContent,
) {
  return runAction(deps, ctx, releaseId, 'complete_plan', async (trx, release, principal, at) => {
    const approved = (await repo.approvedPlanOf(trx, release.id))!;
    const changed = EXECUTED_PARTS.filter(
      (part) => JSON.stringify(content[part] ?? null) !== JSON.stringify(approved.content[part] ?? null),
    );
    if (changed.length)
      throw invalidFields(
        Object.fromEntries(changed.map((f) => [f, [FIELDS.unchanged_in_short_form]])),
        { rule: RULES.completion_keeps_approved },
        'policy_violation',
      );
    const latest = (await repo.latestPlan(trx, release.id))!;
    if (latest.status === 'draft' || latest.status === 'rejected') {
      const updated: repo.PlanVersion = { ...latest, content, status: 'draft', updatedAt: at };
      if (!(await repo.updatePlan(trx, updated, latest.status))) throw planChangedMeanwhile(latest.version);
      return {
        release,
        result: updated,
        details: { plan: updated.version, completion: true, before: latest.content, after: content },
      };
    }
    const next = draftFrom(approved, latest.version + 1, content, principal, at);
    await repo.insertPlan(trx, next);
    await repo.insertComment(trx, next.id, {
      kind: 'comment',
      text: `completion of the emergency short form v${approved.version} (TY-4)`,
      authorId: principal.userId,
      authorName: principal.username,
      at,
    });
    return {
      release,
      result: next,
      details: { plan: next.version, completion: true, from: approved.version },
    };
  });
}

/** TY-4, TY-2: the emergency approval authority approves the completed plan; the short form is superseded. */
export async function approveCompletion(
  deps: PlanDeps,
  ctx: RequestContext,
  releaseId: string,
  comment: string | null,
) {
  return runAction(deps, ctx, releaseId, 'approve_completion', async (trx, release, principal, at) => {
    const approved = (await repo.approvedPlanOf(trx, release.id))!;
    const completion = (await repo.latestPlan(trx, release.id))!;
    await repo.setPlanStatus(trx, approved.id, 'approved', 'superseded');
    await repo.updatePlan(
      trx,
      {
        ...completion,
        status: 'approved',
        submittedAt: completion.submittedAt ?? at,
        decidedBy: principal.username,
        decidedAt: at,
        decisionComment: comment,
      },
      completion.status,
    );
    await repo.insertComment(trx, completion.id, {
      kind: 'approved',
      text: comment,
      authorId: principal.userId,
      authorName: principal.username,
      at,
    });
    return {
      release,
      details: { plan: completion.version, supersedes: approved.version, completion: true, comment },
    };
  });
}

export async function listPlans(deps: PlanDeps, ctx: RequestContext, releaseId: string) {
  authorize(ctx, 'release.read');
  const release = await findRelease(deps.db.kysely, releaseId);
  if (!release) throw notFound('release', releaseId);
  const plans = await repo.plansOf(deps.db.kysely, release.id);
  return Promise.all(
    plans.map(async (p) => ({ ...p, comments: await repo.commentsOf(deps.db.kysely, p.id) })),
  );
}

/**
 * PL-2: the plan as it was last put to a decision before the version now in hand, for the
 * approver to read what changed since. A rejected version is redrafted in place: its content as
 * rejected is the `before` of its first save after the rejection, in the audit trail. Otherwise
 * the newest earlier version that was submitted. Null for a first submission.
 */
export async function previousDecision(deps: PlanDeps, ctx: RequestContext, releaseId: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, releaseId);
  if (!release) throw notFound('release', releaseId);
  const [latest, ...older] = await repo.plansOf(q, release.id);
  if (!latest) return null;
  const events = (await releaseEventsNamedNow(q, release.id))
    .filter((e) => e.outcome === 'success')
    .map((e) => ({
      action: e.action,
      at: e.occurred_at,
      details: (e.details_json ? JSON.parse(e.details_json) : {}) as { plan?: number; before?: PlanContent },
    }));
  const rejected = events.findLastIndex(
    (e) => e.action === 'release.reject_plan' && e.details.plan === latest.version,
  );
  if (rejected >= 0 && latest.status !== 'rejected') {
    const redraft = events
      .slice(rejected + 1)
      .find((e) => e.action === 'release.edit_plan' && e.details.plan === latest.version);
    return {
      version: latest.version,
      status: 'rejected' as const,
      decidedAt: events[rejected].at,
      content: redraft?.details.before ?? latest.content,
    };
  }
  const earlier = older.find((p) => p.submittedAt !== null);
  return earlier
    ? {
        version: earlier.version,
        status: earlier.status,
        decidedAt: earlier.decidedAt,
        content: earlier.content,
      }
    : null;
}

export async function conflictsOf(deps: PlanDeps, ctx: RequestContext, releaseId: string) {
  authorize(ctx, 'release.read');
  const release = await findRelease(deps.db.kysely, releaseId);
  if (!release) throw notFound('release', releaseId);
  // A release closed or rolled back holds no window any more: its plan conflicts with nothing.
  if (release.state === 'closed' || release.state === 'rolled_back') return [];
  const plan = await repo.latestPlan(deps.db.kysely, release.id);
  return plan ? planConflicts(deps.db.kysely, deps, release, plan) : [];
}

/** PL-5: proceeding despite a conflict needs an explicit, recorded override with its reason. */
export async function overrideConflict(
  deps: PlanDeps,
  ctx: RequestContext,
  releaseId: string,
  key: string,
  reason: string,
) {
  const principal = authorize(ctx, 'release.plan');
  await deps.db.kysely.transaction().execute(async (trx) => {
    // Locked like every action on the release: two people overriding the same conflict at once
    // (on two nodes) record one override, and the second is told whose.
    const release = await lockRelease(trx, releaseId);
    if (!release) throw notFound('release', releaseId);
    const plan = await repo.latestPlan(trx, release.id);
    if (!plan || (plan.status !== 'draft' && plan.status !== 'rejected')) {
      throw refusal('invalid_transition', 'schedule_conflicts', {
        code: 'override_while_drafting',
        params: {},
      });
    }
    const conflict = (await planConflicts(trx, deps, release, plan)).find((c) => c.key === key);
    if (!conflict) throw notFound('schedule_conflict', key);
    if (conflict.override)
      throw alreadyDone(
        {
          code: 'conflict_already_overridden',
          params: { by: conflict.override.byName, at: conflict.override.at },
        },
        {
          rule: RULES.schedule_conflicts,
          action: 'override_conflict',
          by: conflict.override.byName,
          at: conflict.override.at,
          override: conflict.override,
        },
      );
    const at = now(deps);
    await repo.insertOverride(trx, plan.id, { conflictKey: key, reason, byName: principal.username, at });
    await repo.insertComment(trx, plan.id, {
      kind: 'override',
      text: `${conflict.description}: ${reason}`,
      authorId: principal.userId,
      authorName: principal.username,
      at,
    });
    await deps.audit.record(trx, ctx, {
      action: 'plan.override_conflict',
      entityType: 'release',
      entityId: release.id,
      details: { plan: plan.version, conflict, reason },
    });
  });
}

// Freeze windows (the admin-maintained calendar) and the release calendar

export async function listFreezes(deps: PlanDeps, ctx: RequestContext, from: string, to: string) {
  authorize(ctx, 'release.read');
  return repo.freezesOverlapping(deps.db.kysely, from, to);
}

export async function createFreeze(
  deps: PlanDeps,
  ctx: RequestContext,
  input: { name: string; startsAt: string; endsAt: string; reason?: string | null },
) {
  const principal = authorize(ctx, 'policy.manage');
  if (Date.parse(input.endsAt) <= Date.parse(input.startsAt))
    throw invalidFields({ endsAt: [FIELDS.after_start] });
  const freeze: repo.FreezeWindow = {
    id: randomUUID(),
    name: input.name,
    startsAt: new Date(input.startsAt).toISOString(),
    endsAt: new Date(input.endsAt).toISOString(),
    reason: input.reason ?? null,
    createdBy: principal.username,
    createdAt: now(deps),
  };
  await deps.db.kysely.transaction().execute(async (trx) => {
    await repo.insertFreeze(trx, freeze);
    await deps.audit.record(trx, ctx, {
      action: 'calendar.freeze_create',
      entityType: 'freeze_window',
      entityId: freeze.id,
      after: freeze,
    });
  });
  return freeze;
}

export async function deleteFreeze(deps: PlanDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'policy.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findFreeze(trx, id);
    if (!before) throw notFound('freeze_window', id);
    await repo.deleteFreeze(trx, id);
    await deps.audit.record(trx, ctx, {
      action: 'calendar.freeze_delete',
      entityType: 'freeze_window',
      entityId: id,
      before,
    });
  });
}

/** PL-5: windows of open releases' plans and the freezes in a period, for the release calendar. */
export async function calendar(deps: PlanDeps, ctx: RequestContext, from: string, to: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const plans = await repo.plansInRange(q, from, to);
  return {
    freezes: await repo.freezesOverlapping(q, from, to),
    windows: plans.map((p) => ({
      releaseId: p.release_id,
      number: p.number,
      title: p.title,
      type: p.type as ReleaseType | null,
      state: p.state as ReleaseState,
      planVersion: p.version,
      planStatus: p.status as PlanStatus,
      start: p.window_start!,
      end: p.window_end!,
    })),
  };
}
