import type { Role } from '../identity/roles';
import { renderReason, requirementOf, ruleName, type Reason, type RuleCode } from '@releasegate/messages';
import { emergencyRules, type PolicyRules, type ReleaseType } from '../policy/policy';
import type { SectionGap } from './plan';
import type { GateCheck } from './gate';
import type { Permission } from '../identity/permissions';
import { ACTION_PERMISSIONS } from './action-permissions';

/** The release lifecycle (DESIGN.md): states, outcomes and the actions between them. */
export const RELEASE_STATES = [
  'requested',
  'planning',
  'plan_review',
  'approved',
  'ready',
  'implementing',
  'rolling_back',
  'rolled_back',
  'post_release',
  'closed',
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

export const RELEASE_OUTCOMES = ['successful', 'failed', 'rolled_back', 'cancelled', 'rejected'] as const;
export type ReleaseOutcome = (typeof RELEASE_OUTCOMES)[number];

export const RELEASE_ACTIONS = [
  'accept',
  'reject',
  'classify',
  'edit_plan',
  'submit_plan',
  'approve_plan',
  'reject_plan',
  'revise_plan',
  'complete_plan',
  'approve_completion',
  'review_emergency',
  'record_check',
  'start_implementation',
  'record_step',
  'complete_implementation',
  'record_monitoring',
  'raise_trigger',
  'decide_rollback',
  'decide_continue',
  'record_rollback_step',
  'verify_restoration',
  'complete_rollback',
  'fail_rollback',
  'record_verification',
  'sign_acceptance',
  'complete_cmdb_update',
  'archive',
  'close_successful',
  'close_failed',
  'close_rolled_back',
  'cancel',
] as const;
export type ReleaseAction = (typeof RELEASE_ACTIONS)[number];

export type PlanStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'superseded';

/** What the guards need to know about a release; the server assembles it from the database. */
export interface ReleaseFacts {
  state: ReleaseState;
  type: ReleaseType | null;
  /** Changes carried by the release that are not (or no longer) approved, as labels. */
  unapprovedChanges: string[];
  /** IN-1, TY-4: carried changes approved by the expedited emergency CAB, as labels. */
  expeditedChanges?: string[];
  /** The newest plan version, if any. */
  plan: {
    version: number;
    status: PlanStatus;
    drafterId: string;
    /** Gaps against the policy's required sections. */
    gaps: SectionGap[];
    /** Gaps against the emergency short form (TY-4). */
    shortFormGaps: SectionGap[];
    /** Schedule conflicts (PL-5) not yet overridden with a recorded reason. */
    /** PL-5: each conflict of the window not overridden yet, as a reason (conflict_freeze, conflict_release). */
    unresolvedConflicts: Reason[];
  } | null;
  /** IM-2: implementation steps of the approved plan, and how many have succeeded. */
  steps?: { total: number; succeeded: number; atHand?: StepAtHand | null };
  /** RB-3: rollback steps of the approved plan, and how many have succeeded. */
  /** `failed`: rollback steps whose last run failed (the manager may judge the rollback failed, RB-5). */
  rollbackSteps?: { total: number; succeeded: number; failed?: number; atHand?: StepAtHand | null };
  /** RB-2: rollback triggers raised and not yet decided. */
  openTriggers?: number;
  /** RB-4: the latest restoration check found the pre-release configuration back. */
  restorationVerified?: boolean;
  /** PO-1: post-release verifications of the policy not yet passed (user acceptance included). */
  pendingVerifications?: string[];
  /** PO-2: the CMDB update task: absent, open (with its deadline) or done. */
  cmdbUpdate?: 'none' | 'open' | 'done';
  /** PO-3: the release's documents and evidence have been archived. */
  archived?: boolean;
  /** PR-1, IM-1, IN-2: what the deployment gate refuses now (only assembled for a ready release). */
  gateFailures?: Pick<GateCheck, 'code' | 'reasonCode' | 'params'>[];
  /** PO-2: how many CIs the approved plan's target configuration names, and whether it says why none. */
  cmdbTargets?: { count: number; noChangeReason: boolean };
  /**
   * TY-4, for an emergency release once a plan was approved: the sections its approved plan still
   * lacks against the full plan (PL-1), whether a completion awaits approval, who approved plan
   * versions (the review must come from someone else), and the review after the fact.
   */
  emergency?: {
    approvedPlanGaps: SectionGap[];
    completionPending: boolean;
    approverIds: string[];
    reviewedBy: string | null;
  };
  /** RO-4: the user who requested the release (assembled while it is requested). */
  requesterId?: string | null;
  /** PR-6: how many release items and target CIs the release carries. */
  scope?: { items: number; targetCis: number };
  /** PL-1: the end of the newest plan's window, and the server's clock, for a window already over. */
  planWindowEnd?: string | null;
  now?: string;
}

/** IM-2, RO-3: the first step of a phase not yet succeeded: its title and the account it is assigned to. */
export interface StepAtHand {
  index: number;
  title: string;
  assignee: string | null;
}

export interface Actor {
  userId: string;
  roles: readonly Role[];
  /** What the actor may do: its roles' permissions, narrowed by an API token's scopes. */
  permissions: ReadonlySet<Permission>;
}

/**
 * Why an action is not possible now: the rule it would break and the reason, as codes and
 * parameters the message catalog (@releasegate/messages) renders in Chinese or English.
 */
export interface Blocker {
  kind: 'state' | 'role' | 'policy';
  /** The rule, as a stable code. */
  code: RuleCode;
  /** The requirement the rule belongs to ('RB-2'), on its own; null for the lifecycle's own rules. */
  requirement: string | null;
  /** Why, as a code … */
  reasonCode: Reason['code'];
  /** … and its parameters. */
  params: Reason['params'];
  /** The rule and the reason in English, rendered from the catalog (logs, the audit trail, scripts). */
  rule: string;
  reason: string;
  /** For plan gaps: each missing section and why. */
  missing?: SectionGap[];
}

/** A blocker of `rule` for `why`, with its English words from the catalog. */
export function blocker(
  kind: Blocker['kind'],
  rule: RuleCode,
  why: Reason,
  extra: { missing?: SectionGap[] } = {},
): Blocker {
  return {
    kind,
    code: rule,
    requirement: requirementOf(rule),
    reasonCode: why.code,
    params: why.params,
    rule: ruleName('en', rule),
    reason: renderReason('en', why),
    ...extra,
  };
}

interface Transition {
  from: readonly ReleaseState[];
  /** The state after the action ('same': it stays); `closed` actions also set an outcome. */
  to: ReleaseState | 'same';
  outcome?: ReleaseOutcome;
  /** Roles that may act (from the policy where it decides). */
  roles: (rules: PolicyRules, facts: ReleaseFacts) => readonly Role[];
  roleRule: RuleCode;
  /** Further conditions; each failing one is a blocker. */
  guard?: (facts: ReleaseFacts, actor: Actor, rules: PolicyRules) => Blocker[];
}

const PLANNERS: Role[] = ['operations_engineer', 'operations_manager'];
/** TY-4: the states in which an emergency release's plan is completed, after its short form was approved. */
const AFTER_APPROVAL: ReleaseState[] = [
  'approved',
  'ready',
  'implementing',
  'rolling_back',
  'rolled_back',
  'post_release',
];

const emergencyOnly = (f: ReleaseFacts): Blocker[] =>
  f.type === 'emergency'
    ? []
    : [blocker('state', 'emergency_releases_only', { code: 'emergency_only', params: {} })];

const NO_SHORT_FORM: Blocker = blocker('policy', 'emergency_completion', {
  code: 'no_short_form',
  params: {},
});

/** TY-4: an emergency release closes only with its plan complete and its review recorded. */
const emergencyClosable = (f: ReleaseFacts): Blocker[] => {
  if (f.type !== 'emergency' || !f.emergency) return [];
  const blockers: Blocker[] = [];
  if (f.emergency.approvedPlanGaps.length || f.emergency.completionPending)
    blockers.push(
      blocker(
        'policy',
        'completed_before_close',
        f.emergency.approvedPlanGaps.length
          ? { code: 'completion_gaps', params: { gaps: gapParams(f.emergency.approvedPlanGaps) } }
          : { code: 'completion_pending', params: {} },
        { missing: f.emergency.approvedPlanGaps },
      ),
    );
  if (!f.emergency.reviewedBy)
    blockers.push(blocker('policy', 'reviewed_after_the_fact', { code: 'review_missing', params: {} }));
  return blockers;
};

/** RO-5: the drafter does not approve their own plan, unless TY-4's answer for emergencies says so. */
const fourEyes = (
  f: ReleaseFacts,
  actor: Actor,
  r: PolicyRules,
  draft: { drafterId: string } | null,
): Blocker[] =>
  r.fourEyes &&
  draft?.drafterId === actor.userId &&
  !(f.type === 'emergency' && emergencyRules(r).selfApprovalWithReview)
    ? [blocker('policy', 'four_eyes', { code: 'drafter_cannot_approve', params: {} })]
    : [];
const IMPLEMENTERS: Role[] = ['operations_engineer', 'operations_manager', 'release_implementer'];
const DURING: ReleaseState[] = ['implementing', 'post_release'];

const stepsDone = (
  which: 'steps' | 'rollbackSteps',
  rule: RuleCode,
  reason: 'steps_not_done' | 'rollback_steps_not_done',
): ((f: ReleaseFacts) => Blocker[]) => {
  return (f) => {
    const s = f[which] ?? { total: 0, succeeded: 0 };
    return s.succeeded < s.total || s.total === 0
      ? [blocker('policy', rule, { code: reason, params: { done: s.succeeded, total: s.total } })]
      : [];
  };
};

const triggerOpen = (f: ReleaseFacts): Blocker[] =>
  (f.openTriggers ?? 0) > 0
    ? []
    : [blocker('policy', 'decision_answers_trigger', { code: 'no_open_trigger', params: {} })];

/** The gaps as the catalog's parameter: each section and its reason's code. */
const gapParams = (gaps: readonly SectionGap[]) => gaps.map(({ section, code }) => ({ section, code }));

const changesApproved = (facts: ReleaseFacts): Blocker[] => [
  ...(facts.unapprovedChanges.length > 0
    ? [
        blocker('policy', 'approved_changes_only', {
          code: 'unapproved_changes',
          params: { changes: facts.unapprovedChanges },
        }),
      ]
    : []),
  ...expeditedForEmergencyOnly(facts),
];

/**
 * IN-1, TY-4: the emergency CAB's shorter approval is for an emergency; a release classified
 * major or normal needs its changes approved by the full CAB, or it would walk around the quorum.
 */
const expeditedForEmergencyOnly = (f: ReleaseFacts): Blocker[] =>
  f.type && f.type !== 'emergency' && (f.expeditedChanges ?? []).length > 0
    ? [
        blocker('policy', 'expedited_for_emergency', {
          code: 'expedited_changes',
          params: { changes: f.expeditedChanges! },
        }),
      ]
    : [];

const planGaps = (gaps: SectionGap[]) =>
  blocker(
    'policy',
    'plan_sections',
    { code: 'plan_gaps', params: { gaps: gapParams(gaps) } },
    { missing: gaps },
  );

const NOT_ARCHIVED = blocker('policy', 'documents_archived', { code: 'documents_not_archived', params: {} });

/**
 * The transition table: every action, from which states, to which state, by whom, and what else
 * must hold. The server executes exactly what this table allows; the UI shows exactly it.
 */
export const TRANSITIONS: Record<ReleaseAction, Transition> = {
  accept: {
    from: ['requested'],
    to: 'planning',
    roles: (r) => r.intakeRoles,
    roleRule: 'intake_roles',
    guard: (f, actor, r) => [...changesApproved(f), ...intakeBlockers(f, actor, r)],
  },
  reject: {
    from: ['requested'],
    to: 'closed',
    outcome: 'rejected',
    roles: (r) => r.intakeRoles,
    roleRule: 'intake_roles',
  },
  classify: {
    from: ['requested', 'planning'],
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'classification_by_operations',
  },
  edit_plan: {
    from: ['planning'],
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'engineer_drafts_plan',
    guard: (f) =>
      f.plan && f.plan.status !== 'draft' && f.plan.status !== 'rejected'
        ? [
            blocker('policy', 'approved_plans_immutable', {
              code: 'plan_immutable',
              params: { version: f.plan.version, status: f.plan.status },
            }),
          ]
        : [],
  },
  submit_plan: {
    from: ['planning'],
    to: 'plan_review',
    roles: () => PLANNERS,
    roleRule: 'engineer_drafts_plan',
    guard: (f) => {
      const blockers: Blocker[] = [...changesApproved(f)];
      if (!f.type)
        blockers.push(blocker('policy', 'classify_before_approval', { code: 'classify_first', params: {} }));
      if (!f.plan) blockers.push(blocker('policy', 'plan_sections', { code: 'no_plan', params: {} }));
      else {
        const gaps = f.type === 'emergency' ? f.plan.shortFormGaps : f.plan.gaps;
        if (gaps.length)
          blockers.push(
            blocker(
              'policy',
              f.type === 'emergency' ? 'emergency_short_form' : 'plan_sections',
              { code: 'plan_gaps', params: { gaps: gapParams(gaps) } },
              { missing: gaps },
            ),
          );
        if (f.plan.unresolvedConflicts.length)
          blockers.push(
            blocker('policy', 'schedule_conflicts', {
              code: 'conflicts_unresolved',
              params: { conflicts: f.plan.unresolvedConflicts },
            }),
          );
        blockers.push(...windowOver(f));
      }
      return blockers;
    },
  },
  approve_plan: {
    from: ['plan_review'],
    to: 'approved',
    roles: (r, f) => (f.type ? r.approvalAuthority[f.type] : []),
    roleRule: 'approval_authority',
    guard: (f, actor, r) => {
      const blockers: Blocker[] = [...changesApproved(f), ...fourEyes(f, actor, r, f.plan)];
      if (f.plan && f.type !== 'emergency' && f.plan.gaps.length) blockers.push(planGaps(f.plan.gaps));
      return blockers;
    },
  },
  reject_plan: {
    from: ['plan_review'],
    to: 'planning',
    roles: (r, f) => (f.type ? r.approvalAuthority[f.type] : []),
    roleRule: 'approval_authority',
  },
  revise_plan: {
    from: ['approved'],
    to: 'planning',
    roles: () => PLANNERS,
    roleRule: 'revision_is_new_version',
  },
  complete_plan: {
    from: AFTER_APPROVAL,
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'engineer_drafts_plan',
    guard: (f) => {
      const blockers = emergencyOnly(f);
      if (blockers.length) return blockers;
      if (!f.emergency) return [NO_SHORT_FORM];
      return f.emergency.approvedPlanGaps.length === 0 && !f.emergency.completionPending
        ? [blocker('state', 'emergency_completion', { code: 'plan_already_complete', params: {} })]
        : [];
    },
  },
  approve_completion: {
    from: AFTER_APPROVAL,
    to: 'same',
    roles: (r) => r.approvalAuthority.emergency,
    roleRule: 'approval_authority',
    guard: (f, actor, r) => {
      const blockers = emergencyOnly(f);
      if (blockers.length) return blockers;
      if (!f.emergency?.completionPending || !f.plan)
        return [blocker('state', 'emergency_completion', { code: 'no_completion_pending', params: {} })];
      if (f.plan.gaps.length) blockers.push(planGaps(f.plan.gaps));
      return [...blockers, ...fourEyes(f, actor, r, f.plan)];
    },
  },
  review_emergency: {
    // A rollback that failed closes the release as failed (RB-5): its review can come first.
    from: ['post_release', 'rolling_back', 'rolled_back'],
    to: 'same',
    roles: (r) => emergencyRules(r).reviewers,
    roleRule: 'reviewed_after_the_fact',
    guard: (f, actor) => {
      const blockers = emergencyOnly(f);
      if (blockers.length) return blockers;
      if (!f.emergency) return [NO_SHORT_FORM];
      if (f.emergency.reviewedBy)
        return [blocker('state', 'reviewed_after_the_fact', { code: 'review_already_recorded', params: {} })];
      return f.emergency.approverIds.includes(actor.userId)
        ? [blocker('policy', 'reviewer_not_approver', { code: 'approver_cannot_review', params: {} })]
        : [];
    },
  },
  record_check: {
    from: ['approved', 'ready'],
    to: 'same',
    roles: () => ['operations_engineer', 'operations_manager', 'release_implementer'],
    roleRule: 'pre_release_verifiers',
  },
  start_implementation: {
    from: ['ready'],
    to: 'implementing',
    roles: () => IMPLEMENTERS,
    roleRule: 'implementation_team_deploys',
    guard: (f) => [
      ...changesApproved(f).map((b) =>
        b.code === 'approved_changes_only'
          ? blocker('policy', 'changes_still_approved', {
              code: 'unapproved_changes',
              params: { changes: f.unapprovedChanges },
            })
          : b,
      ),
      ...(f.gateFailures ?? [])
        .filter((g) => g.code !== 'changes_still_approved')
        .map((g) => blocker('policy', g.code, { code: g.reasonCode, params: g.params } as Reason)),
    ],
  },
  record_step: {
    from: ['implementing'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'implementer_executes_steps',
  },
  complete_implementation: {
    from: ['implementing'],
    to: 'post_release',
    roles: () => IMPLEMENTERS,
    roleRule: 'implementer_executes_steps',
    guard: (f) => [
      ...stepsDone('steps', 'every_step_done', 'steps_not_done')(f),
      ...((f.openTriggers ?? 0) > 0
        ? [
            blocker('policy', 'decide_first', {
              code: 'triggers_await_decision',
              params: { count: f.openTriggers! },
            }),
          ]
        : []),
    ],
  },
  record_monitoring: {
    from: ['implementing', 'post_release', 'rolling_back'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'monitoring_by_implementers',
  },
  raise_trigger: {
    from: DURING,
    to: 'same',
    roles: () => [...IMPLEMENTERS, 'business_representative'],
    roleRule: 'anyone_raises_trigger',
  },
  decide_rollback: {
    from: DURING,
    to: 'rolling_back',
    roles: (r) => r.rollbackDeciders ?? ['operations_manager'],
    roleRule: 'authorised_decider',
    guard: triggerOpen,
  },
  decide_continue: {
    from: DURING,
    to: 'same',
    roles: (r) => r.rollbackDeciders ?? ['operations_manager'],
    roleRule: 'authorised_decider',
    guard: triggerOpen,
  },
  record_rollback_step: {
    from: ['rolling_back'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'engineer_executes_rollback',
  },
  verify_restoration: {
    from: ['rolling_back'],
    to: 'same',
    roles: () => [...IMPLEMENTERS, 'configuration_administrator'],
    roleRule: 'restoration_verified',
  },
  complete_rollback: {
    from: ['rolling_back'],
    to: 'rolled_back',
    roles: () => IMPLEMENTERS,
    roleRule: 'engineer_executes_rollback',
    guard: (f) => [
      ...stepsDone('rollbackSteps', 'every_rollback_step_done', 'rollback_steps_not_done')(f),
      ...(f.restorationVerified
        ? []
        : [blocker('policy', 'restoration_verified', { code: 'restoration_first', params: {} })]),
    ],
  },
  fail_rollback: {
    from: ['rolling_back'],
    to: 'closed',
    outcome: 'failed',
    roles: () => ['operations_manager'],
    roleRule: 'manager_closes',
    // TY-4: a failed rollback closes the release too, so an emergency one is complete first.
    guard: emergencyClosable,
  },
  record_verification: {
    from: ['post_release'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'effect_verifiers',
  },
  sign_acceptance: {
    from: ['post_release'],
    to: 'same',
    roles: () => ['business_representative'],
    roleRule: 'acceptance_signer',
  },
  complete_cmdb_update: {
    from: ['post_release'],
    to: 'same',
    roles: () => ['configuration_administrator', 'operations_engineer'],
    roleRule: 'cmdb_updaters',
    guard: (f) => {
      if (f.cmdbUpdate !== 'open')
        return [
          blocker('policy', 'cmdb_update_task', {
            code: f.cmdbUpdate === 'done' ? 'cmdb_update_already_done' : 'no_cmdb_update_task',
            params: {},
          }),
        ];
      return f.cmdbTargets && f.cmdbTargets.count === 0 && !f.cmdbTargets.noChangeReason
        ? [blocker('policy', 'cmdb_update_applies_plan', { code: 'cmdb_no_targets', params: {} })]
        : [];
    },
  },
  archive: {
    from: ['post_release', 'rolled_back'],
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'archivers',
  },
  close_successful: {
    from: ['post_release'],
    to: 'closed',
    outcome: 'successful',
    roles: () => ['operations_manager'],
    roleRule: 'only_manager_closes',
    guard: (f) => {
      const blockers: Blocker[] = [];
      const pending = f.pendingVerifications ?? [];
      if (pending.length)
        blockers.push(
          blocker('policy', 'verification_done', {
            code: 'verification_pending',
            params: { items: pending },
          }),
        );
      if (f.cmdbUpdate !== 'done')
        blockers.push(blocker('policy', 'cmdb_update_done', { code: 'cmdb_update_not_done', params: {} }));
      if (!f.archived) blockers.push(NOT_ARCHIVED);
      return [...blockers, ...emergencyClosable(f)];
    },
  },
  close_failed: {
    from: ['post_release'],
    to: 'closed',
    outcome: 'failed',
    roles: () => ['operations_manager'],
    roleRule: 'only_manager_closes',
    guard: emergencyClosable,
  },
  close_rolled_back: {
    from: ['rolled_back'],
    to: 'closed',
    outcome: 'rolled_back',
    roles: () => ['operations_manager'],
    roleRule: 'only_manager_closes',
    guard: (f) => [...(f.archived ? [] : [NOT_ARCHIVED]), ...emergencyClosable(f)],
  },
  cancel: {
    from: ['requested', 'planning', 'plan_review', 'approved', 'ready'],
    to: 'closed',
    outcome: 'cancelled',
    roles: () => ['operations_manager'],
    roleRule: 'manager_cancels',
  },
};

/** Every reason the actor cannot take the action now; empty when the action is allowed. */
export function blockersOf(
  action: ReleaseAction,
  facts: ReleaseFacts,
  actor: Actor,
  rules: PolicyRules,
): Blocker[] {
  const t = TRANSITIONS[action];
  if (!t.from.includes(facts.state)) {
    return [
      blocker('state', 'release_lifecycle', {
        code: 'state_required',
        params: { states: t.from, current: facts.state },
      }),
    ];
  }
  const blockers = roleBlockers(action, facts, actor, rules);
  if (t.guard) blockers.push(...t.guard(facts, actor, rules));
  return blockers;
}

/** Whether the actor's roles (and a token's scopes) allow the action at all, whatever the state. */
export function roleBlockers(
  action: ReleaseAction,
  facts: ReleaseFacts,
  actor: Actor,
  rules: PolicyRules,
): Blocker[] {
  const t = TRANSITIONS[action];
  const blockers: Blocker[] = [];
  const roles = t.roles(rules, facts);
  if (!actor.roles.some((r) => roles.includes(r)))
    blockers.push(
      blocker(
        'role',
        t.roleRule,
        roles.length === 0
          ? { code: 'nobody_until_classified', params: {} }
          : facts.type && t.roleRule === 'approval_authority'
            ? { code: 'needs_roles_for_type', params: { roles, type: facts.type } }
            : { code: 'needs_roles', params: { roles } },
      ),
    );
  // A role the policy names still needs the permission: a token's scopes narrow its owner's.
  const needed = ACTION_PERMISSIONS[action](facts.type);
  if (blockers.length === 0 && !needed.some((p) => actor.permissions.has(p))) {
    blockers.push(
      blocker('role', 'x4_permission', { code: 'needs_permission', params: { permissions: needed } }),
    );
  }
  return blockers;
}

/** A state-changing action as the record keeps it: which, from where to where. */
export interface TransitionTaken {
  action: ReleaseAction;
  from: ReleaseState;
  to: ReleaseState;
}

/**
 * Whether `last`, the transition that brought the release into its current state, pre-empted
 * `action`: the action was open in the state `last` left, both change the state, and `last` got
 * there first. The caller then lost a race (or repeats what was done) rather than asking for
 * something the lifecycle never allowed, and is told who won instead of "invalid transition".
 */
export function preemptedBy(action: ReleaseAction, state: ReleaseState, last: TransitionTaken): boolean {
  const t = TRANSITIONS[action];
  return (
    t.to !== 'same' &&
    !t.from.includes(state) &&
    last.to === state &&
    last.from !== last.to &&
    t.from.includes(last.from)
  );
}

export interface ActionAvailability {
  action: ReleaseAction;
  allowed: boolean;
  blockers: Blocker[];
}

/** For a release, a user and a policy: each action, whether the user may take it now, and if not, why. */
export function availableActions(
  facts: ReleaseFacts,
  actor: Actor,
  rules: PolicyRules,
): ActionAvailability[] {
  return RELEASE_ACTIONS.map((action) => {
    const blockers = blockersOf(action, facts, actor, rules);
    return { action, allowed: blockers.length === 0, blockers };
  });
}

/** The state (and outcome) after an allowed action. */
export function nextState(
  action: ReleaseAction,
  current: ReleaseState,
): { state: ReleaseState; outcome: ReleaseOutcome | null } {
  const t = TRANSITIONS[action];
  return { state: t.to === 'same' ? current : t.to, outcome: t.outcome ?? null };
}

/** RO-4, PR-6: what intake needs besides approved changes. */
function intakeBlockers(f: ReleaseFacts, actor: Actor, rules: PolicyRules): Blocker[] {
  const blockers: Blocker[] = [];
  if (rules.intakeFourEyes && f.requesterId && f.requesterId === actor.userId)
    blockers.push(blocker('policy', 'intake_four_eyes', { code: 'requester_cannot_accept', params: {} }));
  if (f.scope && f.scope.items === 0 && f.scope.targetCis === 0)
    blockers.push(blocker('policy', 'release_scope', { code: 'no_release_scope', params: {} }));
  return blockers;
}

/** PL-1: a plan whose window is already over cannot be submitted: nothing could run in it. */
function windowOver(f: ReleaseFacts): Blocker[] {
  if (!f.planWindowEnd || !f.now) return [];
  const end = Date.parse(f.planWindowEnd);
  return Number.isFinite(end) && end <= Date.parse(f.now)
    ? [
        blocker('policy', 'window_not_in_past', {
          code: 'window_past',
          params: { end: new Date(end).toISOString() },
        }),
      ]
    : [];
}
