import type { Kysely } from 'kysely';
import {
  availableActions,
  blockersOf,
  type Actor,
  type Permission,
  type PolicyRules,
  type ReleaseAction,
  type ReleaseFacts,
  type StepAtHand,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { Principal, RequestContext } from '../../context';
import { requirePrincipal } from '../../authorize';
import { type ReleaseDeps, factsOf, rulesOf, openReleases, type Release } from '../releases';
import * as repo from './tasks.repository';
import type { TaskKind } from './tasks.schemas';

/** What this file's functions use of the release workflow's dependencies. */
export type TaskDeps = Pick<ReleaseDeps, 'changeApprovals' | 'clock' | 'db' | 'graph'>;

/** The most a to-do list shows. */
export const TASK_LIMIT = 100;

/** PO-1: the verification item a business-department representative signs off. */
const USER_ACCEPTANCE = 'user_acceptance';

export interface Task {
  id: string;
  kind: TaskKind;
  object: 'release' | 'change' | 'dsl_version';
  objectId: string;
  title: string;
  link: string;
  since: string;
  dueAt: string | null;
  note: string | null;
}

export interface MyTasks {
  tasks: Task[];
  total: number;
  limit: number;
  now: string;
}

/** The timing facts of the candidate releases, read for all of them at once. */
interface Timings {
  triggers: Map<string, Awaited<ReturnType<typeof repo.openTriggersOf>>>;
  cmdb: Map<string, Awaited<ReturnType<typeof repo.cmdbTasksOf>>[number]>;
  submitted: Map<string, string | null>;
}

interface ReleaseTask {
  kind: TaskKind;
  action: ReleaseAction;
  /** The tab of the release page where it is done. */
  tab: string;
  /** Whether it is still to do, beyond being allowed (some actions may be taken again and again). */
  open?: (facts: ReleaseFacts, actor: Principal) => boolean;
  /** What the task says beyond its kind and release. */
  note?: (facts: ReleaseFacts) => string | null;
  since?: (release: Release, timings: Timings) => string | null | undefined;
  due?: (release: Release, timings: Timings) => string | null | undefined;
}

const enteredPostRelease = (r: Release, t: Timings) => t.cmdb.get(r.id)?.opened_at;

/** IM-2, RO-3: a step assigned to an account is that person's to record; one assigned to nobody, anyone's who may. */
const isMine = (step: StepAtHand | null | undefined, actor: Principal) =>
  !step?.assignee || step.assignee === actor.username;

/** The step at hand, numbered as the plan shows it. */
const stepNote = (step: StepAtHand | null | undefined) => (step ? `${step.index + 1}. ${step.title}` : null);

/**
 * The lifecycle actions that move a release on, most important first; a release shows the first
 * two the user may take. Alternatives and corrections (reject, cancel, revise, continue, close as
 * failed) and actions taken along the way (monitoring, triggers) are not asked of anyone.
 */
const RELEASE_TASKS: readonly ReleaseTask[] = [
  {
    kind: 'decide_rollback',
    action: 'decide_rollback',
    tab: 'rollback',
    since: (r, t) => t.triggers.get(r.id)?.[0]?.discovered_at,
    due: (r, t) => t.triggers.get(r.id)?.[0]?.decision_due_at,
  },
  { kind: 'accept', action: 'accept', tab: 'overview', since: (r) => r.createdAt },
  { kind: 'classify', action: 'classify', tab: 'overview', open: (f) => !f.type, since: (r) => r.createdAt },
  {
    kind: 'approve_plan',
    action: 'approve_plan',
    tab: 'plan',
    since: (r, t) => t.submitted.get(r.id),
  },
  { kind: 'submit_plan', action: 'submit_plan', tab: 'plan' },
  {
    kind: 'edit_plan',
    action: 'edit_plan',
    tab: 'plan',
    // No plan yet: the team's to draft; a draft under way: its drafter's.
    open: (f, actor) => !f.plan || f.plan.drafterId === actor.userId,
  },
  { kind: 'record_check', action: 'record_check', tab: 'verification', open: (f) => f.state === 'approved' },
  { kind: 'start_implementation', action: 'start_implementation', tab: 'implementation' },
  { kind: 'complete_implementation', action: 'complete_implementation', tab: 'implementation' },
  {
    kind: 'record_step',
    action: 'record_step',
    tab: 'implementation',
    open: (f, actor) => (f.steps?.succeeded ?? 0) < (f.steps?.total ?? 0) && isMine(f.steps?.atHand, actor),
    note: (f) => stepNote(f.steps?.atHand),
  },
  { kind: 'complete_rollback', action: 'complete_rollback', tab: 'rollback' },
  {
    // A rollback step failed: the manager judges whether the rollback has failed (RB-5, CL-1).
    kind: 'fail_rollback',
    action: 'fail_rollback',
    tab: 'rollback',
    open: (f) => (f.rollbackSteps?.failed ?? 0) > 0,
  },
  {
    kind: 'record_rollback_step',
    action: 'record_rollback_step',
    tab: 'rollback',
    open: (f, actor) =>
      (f.rollbackSteps?.succeeded ?? 0) < (f.rollbackSteps?.total ?? 0) &&
      isMine(f.rollbackSteps?.atHand, actor),
    note: (f) => stepNote(f.rollbackSteps?.atHand),
  },
  {
    kind: 'verify_restoration',
    action: 'verify_restoration',
    tab: 'rollback',
    // After the rollback steps: restoration is checked against the baseline once they are done (RB-4).
    open: (f) => !f.restorationVerified && (f.rollbackSteps?.succeeded ?? 0) >= (f.rollbackSteps?.total ?? 0),
  },
  {
    kind: 'complete_cmdb_update',
    action: 'complete_cmdb_update',
    tab: 'postrelease',
    since: enteredPostRelease,
    due: (r, t) => t.cmdb.get(r.id)?.due_at,
  },
  {
    kind: 'record_verification',
    action: 'record_verification',
    tab: 'postrelease',
    open: (f) => (f.pendingVerifications ?? []).some((k) => k !== USER_ACCEPTANCE),
    since: enteredPostRelease,
  },
  {
    kind: 'sign_acceptance',
    action: 'sign_acceptance',
    tab: 'postrelease',
    open: (f) => (f.pendingVerifications ?? []).includes(USER_ACCEPTANCE),
    since: enteredPostRelease,
  },
  // TY-4: the emergency path's completion, its approval and the review after the fact.
  {
    kind: 'approve_completion',
    action: 'approve_completion',
    tab: 'plan',
    open: (f) => !!f.emergency?.completionPending && (f.plan?.gaps.length ?? 1) === 0,
  },
  {
    kind: 'complete_plan',
    action: 'complete_plan',
    tab: 'plan',
    open: (f) =>
      !!f.emergency &&
      (f.emergency.completionPending
        ? (f.plan?.gaps.length ?? 0) > 0
        : f.emergency.approvedPlanGaps.length > 0),
  },
  {
    kind: 'review_emergency',
    action: 'review_emergency',
    tab: 'postrelease',
    open: (f) => f.state === 'post_release',
  },
  {
    kind: 'review_emergency',
    action: 'review_emergency',
    tab: 'rollback',
    open: (f) => f.state === 'rolling_back',
  },
  {
    kind: 'review_emergency',
    action: 'review_emergency',
    tab: 'close',
    open: (f) => f.state === 'rolled_back',
  },
  { kind: 'archive', action: 'archive', tab: 'close', open: (f) => !f.archived, since: enteredPostRelease },
  { kind: 'close', action: 'close_successful', tab: 'close', since: enteredPostRelease },
  { kind: 'close', action: 'close_rolled_back', tab: 'close' },
];

/** At most this many tasks per release: the step at hand and the next. */
const PER_RELEASE = 2;

const label = (o: { number: string; title: string }) => `${o.number} ${o.title}`;
const releaseLink = (id: string, tab: string) => `/releases/${id}?tab=${tab}`;

/**
 * Whether the user's roles could take any task action in the release's state: only those
 * releases are looked at closely (their facts read), so a role with little to do costs little.
 */
function mayHaveTasks(release: Release, actor: Actor, rules: PolicyRules): boolean {
  const outline: ReleaseFacts = {
    state: release.state,
    type: release.type,
    unapprovedChanges: [],
    plan: null,
  };
  return RELEASE_TASKS.some((t) =>
    blockersOf(t.action, outline, actor, rules).every((b) => b.kind === 'policy'),
  );
}

/**
 * Open releases: for each, the lifecycle's available actions for this user (as GET
 * /api/releases/:id computes them), the first two that move it on. Plans the user drafted that
 * came back rejected lead their release's tasks.
 */
async function releaseTasks(q: Kysely<Database>, deps: TaskDeps, principal: Principal): Promise<Task[][]> {
  const actor: Actor = principal;
  const policies = new Map<string, Promise<PolicyRules>>();
  const rulesFor = (r: Release) => {
    let rules = policies.get(r.policyVersionId);
    if (!rules) policies.set(r.policyVersionId, (rules = rulesOf(q, r)));
    return rules;
  };
  const candidates: { release: Release; rules: PolicyRules }[] = [];
  for (const release of await openReleases(q, 'desc')) {
    const rules = await rulesFor(release);
    if (mayHaveTasks(release, actor, rules)) candidates.push({ release, rules });
  }
  const ids = candidates.map((c) => c.release.id);
  const returned = principal.permissions.has('release.plan')
    ? await repo.returnedPlansOf(q, principal.userId)
    : [];
  const timings: Timings = {
    triggers: new Map(),
    cmdb: new Map((await repo.cmdbTasksOf(q, ids)).map((t) => [t.release_id, t])),
    submitted: new Map((await repo.submittedPlansOf(q, ids)).map((p) => [p.release_id, p.submitted_at])),
  };
  for (const t of await repo.openTriggersOf(q, ids)) {
    const list = timings.triggers.get(t.release_id) ?? [];
    list.push(t);
    timings.triggers.set(t.release_id, list);
  }

  const groups = new Map<string, Task[]>();
  for (const p of returned) {
    groups.set(p.release_id, [
      {
        id: `release:${p.release_id}:revise_returned_plan`,
        kind: 'revise_returned_plan',
        object: 'release',
        objectId: p.release_id,
        title: label(p),
        link: releaseLink(p.release_id, 'plan'),
        since: p.decided_at ?? p.updated_at,
        dueAt: null,
        note: p.decision_comment,
      },
    ]);
  }
  for (const { release, rules } of candidates) {
    const facts = await factsOf(q, deps, release, rules);
    const allowed = new Set(
      availableActions(facts, actor, rules)
        .filter((a) => a.allowed)
        .map((a) => a.action),
    );
    const tasks = groups.get(release.id) ?? [];
    for (const t of RELEASE_TASKS) {
      if (tasks.length >= PER_RELEASE) break;
      if (!allowed.has(t.action) || (t.open && !t.open(facts, principal))) continue;
      // Drafting is the task until the plan can be submitted; a returned plan is revised by editing it.
      if (
        t.kind === 'edit_plan' &&
        tasks.some((x) => x.kind === 'revise_returned_plan' || x.kind === 'submit_plan')
      )
        continue;
      if (tasks.some((x) => x.kind === t.kind)) continue;
      tasks.push({
        id: `release:${release.id}:${t.kind}`,
        kind: t.kind,
        object: 'release',
        objectId: release.id,
        title: label(release),
        link: releaseLink(release.id, t.tab),
        since: t.since?.(release, timings) ?? release.updatedAt,
        dueAt: t.due?.(release, timings) ?? null,
        note:
          t.kind === 'decide_rollback'
            ? (timings.triggers.get(release.id)?.[0]?.summary ?? null)
            : (t.note?.(facts) ?? null),
      });
    }
    if (tasks.length) groups.set(release.id, tasks);
  }
  return [...groups.values()];
}

/** IN-1: changes in CAB review that wait for this member's vote. */
async function changeTasks(q: Kysely<Database>, principal: Principal): Promise<Task[]> {
  return (await repo.changesAwaitingVote(q, principal.userId)).map((c) => ({
    id: `change:${c.id}:vote_change`,
    kind: 'vote_change',
    object: 'change',
    objectId: c.id,
    title: label(c),
    link: `/changes/${c.id}`,
    since: c.submitted_at ?? c.updated_at,
    dueAt: null,
    note: null,
  }));
}

/** DS-1: software-library versions that wait for approval. */
async function dslTasks(q: Kysely<Database>, principal: Principal): Promise<Task[]> {
  return (await repo.dslVersionsAwaitingApproval(q, principal.username)).map((v) => ({
    id: `dsl_version:${v.id}:approve_dsl_version`,
    kind: 'approve_dsl_version',
    object: 'dsl_version',
    objectId: v.id,
    title: `${v.name} ${v.version}`,
    link: `/dsl/versions/${v.id}`,
    since: v.updated_at,
    dueAt: null,
    note: null,
  }));
}

/** Deadlines first (soonest, overdue ones before), then what has waited longest. */
function urgency(group: Task[]): [number, number] {
  const dues = group.flatMap((t) => (t.dueAt ? [Date.parse(t.dueAt)] : []));
  const since = Math.min(...group.map((t) => Date.parse(t.since) || 0));
  return [dues.length ? Math.min(...dues) : Number.POSITIVE_INFINITY, since];
}

/**
 * What waits for the signed-in user, whatever their roles: lifecycle steps of open releases they
 * may take now, their returned plans, changes awaiting their CAB vote, software versions awaiting
 * their approval. The most urgent first, at most TASK_LIMIT; a release's tasks stay together,
 * the step at hand first.
 */
export async function listMyTasks(deps: TaskDeps, ctx: RequestContext): Promise<MyTasks> {
  const principal = requirePrincipal(ctx);
  const q = deps.db.kysely;
  const can = (p: Permission) => principal.permissions.has(p);
  const groups: Task[][] = [
    ...(can('release.read') ? await releaseTasks(q, deps, principal) : []),
    ...(can('change.vote') ? (await changeTasks(q, principal)).map((t) => [t]) : []),
    ...(can('dsl.approve') ? (await dslTasks(q, principal)).map((t) => [t]) : []),
  ];
  const keyed = groups.map((g) => ({ g, key: urgency(g) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
  const tasks = keyed.flatMap((k) => k.g);
  return {
    tasks: tasks.slice(0, TASK_LIMIT),
    total: tasks.length,
    limit: TASK_LIMIT,
    now: deps.clock.now().toISOString(),
  };
}
