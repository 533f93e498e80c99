import { RULES, FIELDS, fieldProblem, type FieldProblem } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  invalidFields,
  refused,
  alreadyDone,
  availableActions,
  checkReleaseItems,
  impactOf,
  nextState,
  notFound,
  preemptedBy,
  proposeType,
  roleBlockers,
  type PolicyRules,
  type ReleaseAction,
  type ReleaseFacts,
  type ReleaseItem,
  type PlanContent,
  type ReleaseState,
  type ReleaseType,
  type Winner,
  refusal,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { Principal, RequestContext } from '../../context';
import { authorize, requirePrincipal } from '../../authorize';
import { openPage, withTotal, type Page, type PageRequest } from '../../db/keyset';
import { findCisByIds } from '../cmdb';
import { findDslVersion } from '../dsl';
import { policyInForce } from '../policy';
import { latestPlan } from '../plans';
import type { ReleaseDeps } from './release.deps';
import * as repo from './release.repository';
import { factsOf, rulesOf } from './release.facts';
import { assertAllowed } from './release.guard';
import { writeReleaseRecord } from '../postrelease';
import { announceEmergencyTodos, announceRequest, announceStateChange } from './release.notices';
import { rollbackDecided } from '../rollback';

/** What this file's functions use of the release workflow's dependencies. */
export type ReleaseServiceDeps = Pick<
  ReleaseDeps,
  'audit' | 'changeApprovals' | 'clock' | 'db' | 'events' | 'graph'
>;

const IMPACT_DEPTH_FOR_CLASSIFICATION = 5;

export interface RequestRelease {
  title: string;
  description?: string | null;
  changeIds: string[];
  items: ReleaseItem[];
  targetCiIds?: string[];
  urgency: repo.Release['urgency'];
  rollbackDifficulty: repo.Release['rollbackDifficulty'];
  newTechnology: boolean;
}

/** IN-1: refuses, naming each one, when any change is not formally approved by change management. */
async function assertChangesApproved(q: Kysely<Database>, deps: ReleaseServiceDeps, changeIds: string[]) {
  const approvals = await deps.changeApprovals(q, changeIds);
  const bad = approvals.filter((a) => !a.approved);
  if (bad.length > 0) {
    throw refusal(
      'policy_violation',
      'approved_changes_only',
      { code: 'unapproved_changes', params: { changes: bad.map((b) => b.label) } },
      { changes: bad },
    );
  }
  return approvals;
}

/** TY-3 input: how far the targets reach in the CMDB and how many core CIs that touches. */
async function classificationScope(q: Kysely<Database>, deps: ReleaseServiceDeps, ciIds: string[]) {
  const graph = await deps.graph.current(q);
  const result = impactOf(
    graph.graph,
    ciIds.map((id) => graph.index.get(id) ?? -1),
    IMPACT_DEPTH_FOR_CLASSIFICATION,
  );
  const all = [...new Set([...ciIds, ...Array.from(result.affected, (i) => graph.ids[i])])];
  const cis = await findCisByIds(q, all);
  return { affectedCis: all.length, coreCisTouched: cis.filter((c) => c.critical).length };
}

/** A release request (IN-1…IN-6): carries approved changes, its items and target CIs. */
export async function requestRelease(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  input: RequestRelease,
): Promise<repo.Release> {
  const principal = authorize(ctx, 'release.request');
  if (input.changeIds.length === 0) {
    throw invalidFields({ changeIds: [FIELDS.choose_change] });
  }
  if (input.items.length === 0 && (input.targetCiIds ?? []).length === 0) {
    throw refusal(
      'invalid_input',
      'release_scope',
      { code: 'no_release_scope', params: {} },
      { fields: { items: [FIELDS.release_scope_needed], targetCiIds: [FIELDS.release_scope_needed] } },
    );
  }
  return deps.db.kysely.transaction().execute(async (trx) => {
    await assertChangesApproved(trx, deps, input.changeIds);
    const itemCis = input.items.flatMap((i) => i.ciIds);
    const targets = [...new Set([...(input.targetCiIds ?? []), ...itemCis])];
    const cis = new Map((await findCisByIds(trx, targets)).map((c) => [c.id, c]));
    const dsl = new Map<string, string>();
    for (const item of input.items) {
      if (item.dslVersionId && !dsl.has(item.dslVersionId)) {
        const v = await findDslVersion(trx, item.dslVersionId);
        if (v) dsl.set(v.id, v.state);
      }
    }
    const problems = checkReleaseItems(
      input.items,
      (id) => dsl.get(id),
      (id) => cis.get(id)?.status === 'active',
    );
    const unknownTargets = (input.targetCiIds ?? []).filter((id) => cis.get(id)?.status !== 'active');
    if (problems.length || unknownTargets.length) {
      const fields: Record<string, FieldProblem[]> = {};
      for (const p of problems) (fields[`items.${p.index}.${p.field}`] ??= []).push(p.problem);
      if (unknownTargets.length)
        fields.targetCiIds = unknownTargets.map((id) => fieldProblem('ci_missing', { id }));
      throw invalidFields(
        fields,
        {
          rule: problems.some((p) => p.problem.code === 'dsl_version_not_approved')
            ? RULES.dsl_approved_only
            : RULES.release_items,
        },
        'policy_violation',
      );
    }
    const policy = await policyInForce(trx, deps.clock);
    const scope = await classificationScope(trx, deps, targets);
    const proposal = proposeType({
      urgency: input.urgency,
      rollbackDifficulty: input.rollbackDifficulty,
      newTechnology: input.newTechnology,
      ...scope,
    });
    const now = deps.clock.now();
    const release: repo.Release = {
      id: randomUUID(),
      number: await repo.nextNumber(trx, now.getUTCFullYear()),
      title: input.title,
      description: input.description ?? null,
      state: 'requested',
      outcome: null,
      type: null,
      proposal,
      typeReason: null,
      urgency: input.urgency,
      rollbackDifficulty: input.rollbackDifficulty,
      newTechnology: input.newTechnology,
      targetCiIds: targets,
      policyVersionId: policy.id,
      requestedBy: principal.username,
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      lastTransition: null,
    };
    await repo.insertRelease(
      trx,
      release,
      [...new Set(input.changeIds)],
      input.items.map((i) => ({ ...i, id: randomUUID() })),
    );
    await deps.audit.record(trx, ctx, {
      action: 'release.request',
      entityType: 'release',
      entityId: release.id,
      after: { ...release, changeIds: input.changeIds, items: input.items },
    });
    await announceRequest(trx, deps.clock, policy.document.rules, release, principal);
    return release;
  });
}

async function load(q: Kysely<Database>, id: string) {
  const release = await repo.findRelease(q, id);
  if (!release) throw notFound('release', id);
  return release;
}

/**
 * Who already took a one-shot action the lifecycle table cannot tell from the state (a decision on
 * a trigger, the CMDB update, a sign-off), read in the action's transaction after the release lock.
 */
export type OneShot = (trx: Kysely<Database>, release: repo.Release) => Promise<Winner | undefined>;

/**
 * Refuses with 409 naming the winner when the action was already taken: by the action's own check,
 * or, for a state-changing action, when the transition that brought the release where it is
 * pre-empted this one (two managers closing at once, on two nodes). Only a caller whose roles
 * allow the action is told; anyone else gets the lifecycle's own refusal.
 */
async function assertNotTakenYet(
  trx: Kysely<Database>,
  action: ReleaseAction,
  release: repo.Release,
  facts: ReleaseFacts,
  principal: Principal,
  rules: PolicyRules,
  oneShot: OneShot | undefined,
): Promise<void> {
  if (roleBlockers(action, facts, principal, rules).length > 0) return;
  const last = release.lastTransition;
  const winner =
    (await oneShot?.(trx, release)) ??
    (last && preemptedBy(action, release.state, last)
      ? { rule: RULES.release_lifecycle, action: last.action, by: last.by, at: last.at, state: release.state }
      : undefined);
  if (winner)
    throw alreadyDone(
      {
        code: 'release_already_done',
        params: { release: release.number, by: winner.by ?? '—', done: winner.action, at: winner.at },
      },
      winner,
    );
}

/**
 * Runs one lifecycle action in one transaction: the table decides if the caller may, the change
 * is applied and audited, or nothing happens and the refusal names its rules. The release is
 * locked first, so concurrent actions on it (on any node) run one after the other and each sees
 * what the previous one did: of several callers racing for a one-shot action exactly one wins,
 * and the others are told who did and when (409).
 */
export async function runAction<T>(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  id: string,
  action: ReleaseAction,
  apply: (
    trx: Kysely<Database>,
    release: repo.Release,
    principal: Principal,
    /** The moment of the action: the release's update time, and its transition's when it moves. */
    at: string,
    // `state` when the effect decides where the release goes (a passed checklist makes it ready).
  ) => Promise<{ release: repo.Release; result?: T; details?: unknown; state?: ReleaseState }>,
  oneShot?: OneShot,
): Promise<{ release: repo.Release; result?: T }> {
  const principal = requirePrincipal(ctx);
  const done = await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.lockRelease(trx, id);
    if (!before) throw notFound('release', id);
    const rules = await rulesOf(trx, before);
    const facts = await factsOf(trx, deps, before, rules);
    await assertNotTakenYet(trx, action, before, facts, principal, rules, oneShot);
    assertAllowed(action, facts, principal, rules, before.number);
    const { state, outcome } = nextState(action, before.state);
    const at = deps.clock.now().toISOString();
    const applied = await apply(trx, before, principal, at);
    const to = applied.state ?? state;
    const after: repo.Release = {
      ...applied.release,
      state: to,
      outcome: outcome ?? applied.release.outcome,
      updatedAt: at,
      lastTransition:
        to === before.state
          ? applied.release.lastTransition
          : { action, from: before.state, to, by: principal.username, at },
    };
    if (!(await repo.updateRelease(trx, after, before.state))) {
      throw refused('conflict', { code: 'changed_meanwhile_reload', params: { name: before.number } });
    }
    if (after.state === 'closed') await writeReleaseRecord(trx, after, after.updatedAt);
    await announceStateChange(trx, deps.clock, rules, before, after, principal.userId);
    await announceEmergencyTodos(trx, deps.clock, rules, {
      action,
      before,
      after,
      actorId: principal.userId,
      facts,
      // complete_plan's result is the completion as saved (plan.service.ts saveCompletion).
      plan: action === 'complete_plan' ? (applied.result as { content: PlanContent }) : undefined,
    });
    await deps.audit.record(trx, ctx, {
      action: `release.${action}`,
      entityType: 'release',
      entityId: before.id,
      before: { state: before.state, type: before.type, outcome: before.outcome },
      after: { state: after.state, type: after.type, outcome: after.outcome },
      details: applied.details,
    });
    return { release: after, result: applied.result };
  });
  // After the commit, never before: a watcher must not hear of what may still roll back.
  await publishChange(deps, done.release, action);
  return done;
}

/** IM-3: tells every page watching the release that it changed, and how. */
export async function publishChange(
  deps: Pick<ReleaseDeps, 'events' | 'clock'>,
  release: Pick<repo.Release, 'id' | 'state'>,
  what: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await deps.events
    .publish({
      type: what,
      releaseId: release.id,
      state: release.state,
      at: deps.clock.now().toISOString(),
      ...extra,
    })
    .catch(() => {
      // A lost live note only delays a page's refresh; the action itself has committed.
    });
}

/** IN-6: accepted, with the actor and an optional note; the changes are checked again here. */
export async function acceptRelease(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  id: string,
  note: string | null,
) {
  return runAction(deps, ctx, id, 'accept', async (_trx, r, p) => ({
    release: { ...r, decidedBy: p.username, decidedAt: deps.clock.now().toISOString(), decisionReason: note },
  }));
}

/** IN-6: rejected, with the reason; the release closes as rejected. */
export async function rejectRelease(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  id: string,
  reason: string,
) {
  return runAction(deps, ctx, id, 'reject', async (_trx, r, p) => ({
    release: {
      ...r,
      decidedBy: p.username,
      decidedAt: deps.clock.now().toISOString(),
      decisionReason: reason,
    },
  }));
}

/** TY-1, TY-3: the type is set; choosing other than the proposal needs a reason. */
export async function classifyRelease(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  id: string,
  type: ReleaseType,
  reason: string | null,
) {
  return runAction(deps, ctx, id, 'classify', async (_trx, r) => {
    if (type !== r.proposal.type && !reason?.trim()) {
      throw refusal(
        'policy_violation',
        'override_needs_reason',
        {
          code: 'override_type_reason',
          params: { proposed: r.proposal.type, criteria: r.proposal.criteria, chosen: type },
        },
        { fields: { reason: [FIELDS.proposal_reason] } },
      );
    }
    return {
      release: { ...r, type, typeReason: reason?.trim() || null },
      details: { type, proposed: r.proposal.type, reason },
    };
  });
}

export async function cancelRelease(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  id: string,
  reason: string,
) {
  return runAction(deps, ctx, id, 'cancel', async (_trx, r, p) => ({
    release: {
      ...r,
      decidedBy: p.username,
      decidedAt: deps.clock.now().toISOString(),
      decisionReason: reason,
    },
    details: { reason },
  }));
}

/** A page of the releases (keyset), with how many releases match the filter. */
export async function listReleases(
  deps: ReleaseServiceDeps,
  ctx: RequestContext,
  filter: repo.ReleaseFilter,
  page: PageRequest<repo.ReleaseSort>,
): Promise<Page<repo.Release>> {
  authorize(ctx, 'release.read');
  const position = openPage(page, filter, repo.releaseKeys(page.sort));
  const q = deps.db.kysely;
  return withTotal(repo.pageReleases(q, filter, position), repo.countReleases(q, filter));
}

/** A release with its changes (PR-4), items, assessments, current plan, and what the caller may do now. */
export async function getRelease(deps: ReleaseServiceDeps, ctx: RequestContext, id: string) {
  const principal = authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await load(q, id);
  const rules = await rulesOf(q, release);
  const facts = await factsOf(q, deps, release, rules);
  const plan = await latestPlan(q, release.id);
  return {
    ...release,
    changes: await deps.changeApprovals(q, await repo.changeIdsOf(q, release.id)),
    items: await repo.itemsOf(q, release.id),
    assessments: await repo.latestAssessments(q, release.id),
    plan: plan
      ? {
          id: plan.id,
          version: plan.version,
          status: plan.status,
          drafterName: plan.drafterName,
          gaps: facts.plan?.gaps ?? [],
          unresolvedConflicts: facts.plan?.unresolvedConflicts ?? [],
        }
      : null,
    actions: availableActions(facts, principal, rules),
    rollbackDecided: await rollbackDecided(q, release.id),
  };
}
