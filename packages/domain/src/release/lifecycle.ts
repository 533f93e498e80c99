import type { Role } from '../identity/roles';
import { PLAN_SECTION_LABELS, emergencyRules, type PolicyRules, type ReleaseType } from '../policy/policy';
import type { SectionGap } from './plan';
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
    unresolvedConflicts: string[];
  } | null;
  /** IM-2: implementation steps of the approved plan, and how many have succeeded. */
  steps?: { total: number; succeeded: number };
  /** RB-3: rollback steps of the approved plan, and how many have succeeded. */
  /** `failed`: rollback steps whose last run failed (the manager may judge the rollback failed, RB-5). */
  rollbackSteps?: { total: number; succeeded: number; failed?: number };
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
  gateFailures?: { rule: string; message: string }[];
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

export interface Actor {
  userId: string;
  roles: readonly Role[];
  /** What the actor may do: its roles' permissions, narrowed by an API token's scopes. */
  permissions: ReadonlySet<Permission>;
}

/** Why an action is not possible now: the rule it would break, in words. */
export interface Blocker {
  rule: string;
  reason: string;
  kind: 'state' | 'role' | 'policy';
  /** For plan gaps: each missing section and why. */
  missing?: SectionGap[];
}

interface Transition {
  from: readonly ReleaseState[];
  /** The state after the action ('same': it stays); `closed` actions also set an outcome. */
  to: ReleaseState | 'same';
  outcome?: ReleaseOutcome;
  /** Roles that may act (from the policy where it decides). */
  roles: (rules: PolicyRules, facts: ReleaseFacts) => readonly Role[];
  roleRule: string;
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
    : [
        {
          kind: 'state',
          rule: 'TY-4 emergency releases only',
          reason: 'only an emergency release completes its plan and is reviewed after the fact',
        },
      ];

const NO_SHORT_FORM: Blocker = {
  kind: 'policy',
  rule: 'TY-4 completion',
  reason: 'no plan of this release has been approved yet',
};

/** TY-4: an emergency release closes only with its plan complete and its review recorded. */
const emergencyClosable = (f: ReleaseFacts): Blocker[] => {
  if (f.type !== 'emergency' || !f.emergency) return [];
  const blockers: Blocker[] = [];
  if (f.emergency.approvedPlanGaps.length || f.emergency.completionPending)
    blockers.push({
      kind: 'policy',
      rule: 'TY-4 the plan completed before close',
      reason: f.emergency.approvedPlanGaps.length
        ? `the approved plan still lacks: ${sectionsText(f.emergency.approvedPlanGaps)}`
        : 'the completed plan awaits approval',
      missing: f.emergency.approvedPlanGaps,
    });
  if (!f.emergency.reviewedBy)
    blockers.push({
      kind: 'policy',
      rule: 'TY-4 reviewed after the fact',
      reason: 'the review of the emergency release after the fact is not recorded',
    });
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
    ? [{ kind: 'policy', rule: 'RO-5 four eyes', reason: 'the drafter of a plan cannot approve it' }]
    : [];
const IMPLEMENTERS: Role[] = ['operations_engineer', 'operations_manager', 'release_implementer'];
const DURING: ReleaseState[] = ['implementing', 'post_release'];

const stepsDone = (
  which: 'steps' | 'rollbackSteps',
  rule: string,
  what: string,
): ((f: ReleaseFacts) => Blocker[]) => {
  return (f) => {
    const s = f[which] ?? { total: 0, succeeded: 0 };
    return s.succeeded < s.total || s.total === 0
      ? [{ kind: 'policy', rule, reason: `${s.succeeded} of ${s.total} ${what} have succeeded` }]
      : [];
  };
};

const triggerOpen = (f: ReleaseFacts): Blocker[] =>
  (f.openTriggers ?? 0) > 0
    ? []
    : [
        {
          kind: 'policy',
          rule: 'RB-2 a decision answers a trigger',
          reason: 'no rollback trigger is awaiting a decision',
        },
      ];

const sectionsText = (gaps: SectionGap[]) =>
  gaps.map((g) => `${PLAN_SECTION_LABELS[g.section].zh} ${g.section}: ${g.reason}`).join('; ');

const changesApproved = (facts: ReleaseFacts): Blocker[] => [
  ...(facts.unapprovedChanges.length > 0
    ? [
        {
          kind: 'policy' as const,
          rule: 'IN-1 approved changes only',
          reason: `not approved by change management: ${facts.unapprovedChanges.join(', ')}`,
        },
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
        {
          kind: 'policy',
          rule: 'IN-1 an emergency CAB approval serves an emergency release only',
          reason: `approved by the emergency CAB only: ${f.expeditedChanges!.join(', ')}`,
        },
      ]
    : [];

/**
 * The transition table: every action, from which states, to which state, by whom, and what else
 * must hold. The server executes exactly what this table allows; the UI shows exactly it.
 */
export const TRANSITIONS: Record<ReleaseAction, Transition> = {
  accept: {
    from: ['requested'],
    to: 'planning',
    roles: (r) => r.intakeRoles,
    roleRule: 'RO-4 intake roles',
    guard: (f, actor, r) => [...changesApproved(f), ...intakeBlockers(f, actor, r)],
  },
  reject: {
    from: ['requested'],
    to: 'closed',
    outcome: 'rejected',
    roles: (r) => r.intakeRoles,
    roleRule: 'RO-4 intake roles',
  },
  classify: {
    from: ['requested', 'planning'],
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'TY-1 classification by operations',
  },
  edit_plan: {
    from: ['planning'],
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'RO-2 the engineer drafts the plan',
    guard: (f) =>
      f.plan && f.plan.status !== 'draft' && f.plan.status !== 'rejected'
        ? [
            {
              kind: 'policy',
              rule: 'PL-3 approved plans are immutable',
              reason: `plan version ${f.plan.version} is ${f.plan.status}; revise it to make a new version`,
            },
          ]
        : [],
  },
  submit_plan: {
    from: ['planning'],
    to: 'plan_review',
    roles: () => PLANNERS,
    roleRule: 'RO-2 the engineer drafts the plan',
    guard: (f) => {
      const blockers: Blocker[] = [...changesApproved(f)];
      if (!f.type)
        blockers.push({
          kind: 'policy',
          rule: 'TY-1 classify before approval',
          reason: 'classify the release (emergency, major or normal) first',
        });
      if (!f.plan)
        blockers.push({ kind: 'policy', rule: 'PL-1 plan sections', reason: 'there is no plan yet' });
      else {
        const gaps = f.type === 'emergency' ? f.plan.shortFormGaps : f.plan.gaps;
        if (gaps.length)
          blockers.push({
            kind: 'policy',
            rule: f.type === 'emergency' ? 'TY-4 emergency short form' : 'PL-1 plan sections',
            reason: `missing: ${sectionsText(gaps)}`,
            missing: gaps,
          });
        if (f.plan.unresolvedConflicts.length)
          blockers.push({
            kind: 'policy',
            rule: 'PL-5 schedule conflicts',
            reason: `override with a reason first: ${f.plan.unresolvedConflicts.join('; ')}`,
          });
        blockers.push(...windowOver(f));
      }
      return blockers;
    },
  },
  approve_plan: {
    from: ['plan_review'],
    to: 'approved',
    roles: (r, f) => (f.type ? r.approvalAuthority[f.type] : []),
    roleRule: 'TY-2 approval authority',
    guard: (f, actor, r) => {
      const blockers: Blocker[] = [...changesApproved(f), ...fourEyes(f, actor, r, f.plan)];
      if (f.plan && f.type !== 'emergency' && f.plan.gaps.length)
        blockers.push({
          kind: 'policy',
          rule: 'PL-1 plan sections',
          reason: `missing: ${sectionsText(f.plan.gaps)}`,
          missing: f.plan.gaps,
        });
      return blockers;
    },
  },
  reject_plan: {
    from: ['plan_review'],
    to: 'planning',
    roles: (r, f) => (f.type ? r.approvalAuthority[f.type] : []),
    roleRule: 'TY-2 approval authority',
  },
  revise_plan: {
    from: ['approved'],
    to: 'planning',
    roles: () => PLANNERS,
    roleRule: 'PL-3 a revision is a new version',
  },
  complete_plan: {
    from: AFTER_APPROVAL,
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'RO-2 the engineer drafts the plan',
    guard: (f) => {
      const blockers = emergencyOnly(f);
      if (blockers.length) return blockers;
      if (!f.emergency) return [NO_SHORT_FORM];
      return f.emergency.approvedPlanGaps.length === 0 && !f.emergency.completionPending
        ? [{ kind: 'state', rule: 'TY-4 completion', reason: 'the approved plan is already complete' }]
        : [];
    },
  },
  approve_completion: {
    from: AFTER_APPROVAL,
    to: 'same',
    roles: (r) => r.approvalAuthority.emergency,
    roleRule: 'TY-2 approval authority',
    guard: (f, actor, r) => {
      const blockers = emergencyOnly(f);
      if (blockers.length) return blockers;
      if (!f.emergency?.completionPending || !f.plan)
        return [{ kind: 'state', rule: 'TY-4 completion', reason: 'no completed plan awaits approval' }];
      if (f.plan.gaps.length)
        blockers.push({
          kind: 'policy',
          rule: 'PL-1 plan sections',
          reason: `missing: ${sectionsText(f.plan.gaps)}`,
          missing: f.plan.gaps,
        });
      return [...blockers, ...fourEyes(f, actor, r, f.plan)];
    },
  },
  review_emergency: {
    // A rollback that failed closes the release as failed (RB-5): its review can come first.
    from: ['post_release', 'rolling_back', 'rolled_back'],
    to: 'same',
    roles: (r) => emergencyRules(r).reviewers,
    roleRule: 'TY-4 reviewed after the fact',
    guard: (f, actor) => {
      const blockers = emergencyOnly(f);
      if (blockers.length) return blockers;
      if (!f.emergency) return [NO_SHORT_FORM];
      if (f.emergency.reviewedBy)
        return [
          { kind: 'state', rule: 'TY-4 reviewed after the fact', reason: 'the review is already recorded' },
        ];
      return f.emergency.approverIds.includes(actor.userId)
        ? [
            {
              kind: 'policy',
              rule: 'TY-4 the review is by someone other than the approver',
              reason: 'whoever approved a plan of this release cannot review it after the fact',
            },
          ]
        : [];
    },
  },
  record_check: {
    from: ['approved', 'ready'],
    to: 'same',
    roles: () => ['operations_engineer', 'operations_manager', 'release_implementer'],
    roleRule: 'IM-1 pre-release verification by the implementation team',
  },
  start_implementation: {
    from: ['ready'],
    to: 'implementing',
    roles: () => IMPLEMENTERS,
    roleRule: 'RO-2 the implementation team deploys',
    guard: (f) => [
      ...changesApproved(f).map((b) =>
        b.rule === 'IN-1 approved changes only' ? { ...b, rule: 'IN-2 changes still approved' } : b,
      ),
      ...(f.gateFailures ?? [])
        .filter((g) => !g.rule.startsWith('IN-2'))
        .map((g): Blocker => ({ kind: 'policy', rule: g.rule, reason: g.message })),
    ],
  },
  record_step: {
    from: ['implementing'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'RO-3 the release implementer executes steps',
  },
  complete_implementation: {
    from: ['implementing'],
    to: 'post_release',
    roles: () => IMPLEMENTERS,
    roleRule: 'RO-3 the release implementer executes steps',
    guard: (f) => [
      ...stepsDone('steps', 'IM-2 every step done', 'implementation steps')(f),
      ...((f.openTriggers ?? 0) > 0
        ? [
            {
              kind: 'policy' as const,
              rule: 'RB-2 decide first',
              reason: `${f.openTriggers} rollback trigger(s) await a decision`,
            },
          ]
        : []),
    ],
  },
  record_monitoring: {
    from: ['implementing', 'post_release', 'rolling_back'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'IM-4 monitoring by the implementation team',
  },
  raise_trigger: {
    from: DURING,
    to: 'same',
    roles: () => [...IMPLEMENTERS, 'business_representative'],
    roleRule: 'RB-1 anyone watching may raise a trigger',
  },
  decide_rollback: {
    from: DURING,
    to: 'rolling_back',
    roles: (r) => r.rollbackDeciders ?? ['operations_manager'],
    roleRule: 'RB-2 an authorised person decides',
    guard: triggerOpen,
  },
  decide_continue: {
    from: DURING,
    to: 'same',
    roles: (r) => r.rollbackDeciders ?? ['operations_manager'],
    roleRule: 'RB-2 an authorised person decides',
    guard: triggerOpen,
  },
  record_rollback_step: {
    from: ['rolling_back'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'RO-2 the engineer executes the rollback',
  },
  verify_restoration: {
    from: ['rolling_back'],
    to: 'same',
    roles: () => [...IMPLEMENTERS, 'configuration_administrator'],
    roleRule: 'RB-4 restoration verified',
  },
  complete_rollback: {
    from: ['rolling_back'],
    to: 'rolled_back',
    roles: () => IMPLEMENTERS,
    roleRule: 'RO-2 the engineer executes the rollback',
    guard: (f) => [
      ...stepsDone('rollbackSteps', 'RB-3 every rollback step done', 'rollback steps')(f),
      ...(f.restorationVerified
        ? []
        : [
            {
              kind: 'policy' as const,
              rule: 'RB-4 restoration verified',
              reason: 'verify that CMDB and deployed versions are back to the baseline first',
            },
          ]),
    ],
  },
  fail_rollback: {
    from: ['rolling_back'],
    to: 'closed',
    outcome: 'failed',
    roles: () => ['operations_manager'],
    roleRule: 'RO-1 the manager closes',
    // TY-4: a failed rollback closes the release too, so an emergency one is complete first.
    guard: emergencyClosable,
  },
  record_verification: {
    from: ['post_release'],
    to: 'same',
    roles: () => IMPLEMENTERS,
    roleRule: 'PO-1 effect verification by operations',
  },
  sign_acceptance: {
    from: ['post_release'],
    to: 'same',
    roles: () => ['business_representative'],
    roleRule: 'PO-1 user acceptance by a business-department representative',
  },
  complete_cmdb_update: {
    from: ['post_release'],
    to: 'same',
    roles: () => ['configuration_administrator', 'operations_engineer'],
    roleRule: 'RO-3 the configuration administrator updates the CMDB',
    guard: (f) => {
      if (f.cmdbUpdate !== 'open')
        return [
          {
            kind: 'policy',
            rule: 'PO-2 CMDB update task',
            reason:
              f.cmdbUpdate === 'done' ? 'the CMDB update is already done' : 'there is no CMDB update task',
          },
        ];
      return f.cmdbTargets && f.cmdbTargets.count === 0 && !f.cmdbTargets.noChangeReason
        ? [
            {
              kind: 'policy',
              rule: 'PO-2 the CMDB update applies the plan',
              reason:
                'the approved plan names no target configuration and does not say why no CI changes: complete its baseline first',
            },
          ]
        : [];
    },
  },
  archive: {
    from: ['post_release', 'rolled_back'],
    to: 'same',
    roles: () => PLANNERS,
    roleRule: 'PO-3 operations archives the record',
  },
  close_successful: {
    from: ['post_release'],
    to: 'closed',
    outcome: 'successful',
    roles: () => ['operations_manager'],
    roleRule: 'CL-1 only the operations manager closes',
    guard: (f) => {
      const blockers: Blocker[] = [];
      const pending = f.pendingVerifications ?? [];
      if (pending.length)
        blockers.push({
          kind: 'policy',
          rule: 'CL-1 verification done',
          reason: `post-release verification not passed: ${pending.join(', ')}`,
        });
      if (f.cmdbUpdate !== 'done')
        blockers.push({
          kind: 'policy',
          rule: 'CL-1 CMDB update done',
          reason: 'the CMDB update task is not done',
        });
      if (!f.archived)
        blockers.push({
          kind: 'policy',
          rule: 'CL-1 documents archived',
          reason: 'the documents are not archived',
        });
      return [...blockers, ...emergencyClosable(f)];
    },
  },
  close_failed: {
    from: ['post_release'],
    to: 'closed',
    outcome: 'failed',
    roles: () => ['operations_manager'],
    roleRule: 'CL-1 only the operations manager closes',
    guard: emergencyClosable,
  },
  close_rolled_back: {
    from: ['rolled_back'],
    to: 'closed',
    outcome: 'rolled_back',
    roles: () => ['operations_manager'],
    roleRule: 'CL-1 only the operations manager closes',
    guard: (f) => [
      ...(f.archived
        ? []
        : [
            {
              kind: 'policy' as const,
              rule: 'CL-1 documents archived',
              reason: 'the documents are not archived',
            },
          ]),
      ...emergencyClosable(f),
    ],
  },
  cancel: {
    from: ['requested', 'planning', 'plan_review', 'approved', 'ready'],
    to: 'closed',
    outcome: 'cancelled',
    roles: () => ['operations_manager'],
    roleRule: 'RO-1 the manager cancels',
  },
};

const ROLE_NAMES: Partial<Record<Role, string>> = {
  operations_manager: '运维管理部经理 operations manager',
  operations_engineer: '运维工程师 operations engineer',
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
      {
        kind: 'state',
        rule: 'release lifecycle',
        reason: `only when the release is ${t.from.join(' or ')} (it is ${facts.state})`,
      },
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
  if (!actor.roles.some((r) => roles.includes(r))) {
    const who = roles.length
      ? roles.map((r) => ROLE_NAMES[r] ?? r).join(' or ')
      : 'nobody until the release is classified';
    blockers.push({
      kind: 'role',
      rule: t.roleRule,
      reason: `needs ${who}${facts.type && t.roleRule.startsWith('TY-2') ? ` for a ${facts.type} release` : ''}`,
    });
  }
  // A role the policy names still needs the permission: a token's scopes narrow its owner's.
  const needed = ACTION_PERMISSIONS[action](facts.type);
  if (blockers.length === 0 && !needed.some((p) => actor.permissions.has(p))) {
    blockers.push({
      kind: 'role',
      rule: 'X-4 permission',
      reason: `needs the permission ${needed.join(' or ')}`,
    });
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
    blockers.push({
      kind: 'policy',
      rule: 'RO-4 four eyes at intake',
      reason: 'the requester of a release cannot accept it',
    });
  if (f.scope && f.scope.items === 0 && f.scope.targetCis === 0)
    blockers.push({
      kind: 'policy',
      rule: 'PR-6 a release carries items or target CIs',
      reason: 'the request names no release item and no target configuration item',
    });
  return blockers;
}

/** PL-1: a plan whose window is already over cannot be submitted: nothing could run in it. */
function windowOver(f: ReleaseFacts): Blocker[] {
  if (!f.planWindowEnd || !f.now) return [];
  const end = Date.parse(f.planWindowEnd);
  return Number.isFinite(end) && end <= Date.parse(f.now)
    ? [
        {
          kind: 'policy',
          rule: 'PL-1 window not in the past',
          reason: `the window ended at ${new Date(end).toISOString()}; plan a window ahead`,
        },
      ]
    : [];
}
