import type { Role } from '../identity/roles';

/** PC-1: the release policy as data. Every release records the policy version it runs under. */
export const RELEASE_TYPES = ['emergency', 'major', 'normal'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

export const PLAN_SECTIONS = [
  'purpose',
  'scope',
  'participants',
  'risks',
  'baseline',
  'post_deployment',
  'window',
  'resources',
  'steps',
  'rollback',
] as const;
export type PlanSection = (typeof PLAN_SECTIONS)[number];

export interface Labelled {
  key: string;
  label: { zh: string; en: string };
}

export interface PolicyRules {
  /** TY-2: who may approve a plan of each release type. */
  approvalAuthority: Record<ReleaseType, Role[]>;
  /** RO-4: who may accept or reject release requests. */
  intakeRoles: Role[];
  /** PL-1: the sections every plan must have before it can be submitted. */
  requiredPlanSections: PlanSection[];
  /** TY-4: the short form an emergency plan may be approved with; the rest is due before close. */
  emergencyShortForm: PlanSection[];
  /** IM-1: pre-release checklist. */
  preReleaseChecks: Labelled[];
  /** PO-1: post-release verifications. */
  postReleaseVerifications: Labelled[];
  deadlines: {
    /** PO-2: CMDB update due this many hours after implementation ends. */
    cmdbUpdateHours: number;
    /** RB-2: rollback decision due this many minutes after discovery. */
    rollbackDecisionMinutes: number;
    /** Escalations this many minutes before a deadline (and at it). */
    escalateMinutesBefore: number[];
  };
  /** KP-1: quarterly release success rate target, percent. */
  successRateTarget: number;
  /** IM-6: this many complaints within this many minutes raise a rollback trigger. */
  complaintThreshold: { count: number; withinMinutes: number };
  /** RB-2: who may decide to roll back or continue (absent in older documents: the manager). */
  rollbackDeciders?: Role[];
  /** RO-5: the drafter of a plan cannot be its only approver. */
  fourEyes: boolean;
  /** IN-1: votes in favour a change needs from CAB members. */
  cabQuorum: number;
  /**
   * TY-4, RO-5: the answer when the drafter of an emergency plan holds the approval authority (a
   * manager drafting in the middle of the night, maybe the only one): true, they may approve it,
   * and the review after the fact by someone else is the second pair of eyes; false, another
   * holder of the authority must approve. Absent in older documents: true.
   */
  emergencySelfApprovalWithReview?: boolean;
  /** TY-4: who records the review of an emergency release after the fact (never its approver). */
  emergencyReviewers?: Role[];
  /**
   * IN-1, TY-4: the expedited (emergency) CAB: an emergency change is approved by this many
   * approvals from holders of these roles, or by the full CAB's quorum, whichever comes first.
   * Absent in older documents: one approval by the operations manager.
   */
  emergencyCab?: EmergencyCab;
  /** RO-4: the requester of a release cannot accept it (absent in older documents: on). */
  intakeFourEyes: boolean;
}

export const EMERGENCY_REVIEWERS_DEFAULT: Role[] = ['operations_manager', 'operations_engineer'];

/** IN-1, TY-4: the expedited CAB for emergency changes: how many approvals, and from whom. */
export interface EmergencyCab {
  quorum: number;
  voters: Role[];
}

/** TY-2 gives emergencies to the operations manager: by default one manager's approval suffices. */
export const EMERGENCY_CAB_DEFAULT: EmergencyCab = { quorum: 1, voters: ['operations_manager'] };

export const emergencyCabOf = (rules: Pick<PolicyRules, 'emergencyCab'>): EmergencyCab =>
  rules.emergencyCab ?? EMERGENCY_CAB_DEFAULT;

/** TY-4: the emergency rules of a policy version, with the defaults where an older one has none. */
export function emergencyRules(rules: PolicyRules): { selfApprovalWithReview: boolean; reviewers: Role[] } {
  return {
    selfApprovalWithReview: rules.emergencySelfApprovalWithReview ?? true,
    reviewers: rules.emergencyReviewers ?? EMERGENCY_REVIEWERS_DEFAULT,
  };
}

export interface PolicyRevision {
  date: string;
  version: string;
  change: string;
  approver: string;
}

export interface PolicyDocument {
  number: string;
  title: string;
  version: string;
  department: string;
  approver: string;
  effectiveDate: string;
  revisions: PolicyRevision[];
  rules: PolicyRules;
}

const label = (key: string, zh: string, en: string): Labelled => ({ key, label: { zh, en } });

/** XDYJ-06-01 发布管理制度 V1.0 as the department wrote it: the default policy. */
export const XDYJ_06_01_V1: PolicyDocument = {
  number: 'XDYJ-06-01',
  title: '发布管理制度',
  version: 'V1.0',
  department: '运维管理部',
  approver: '孙玥',
  effectiveDate: '2025-01-10',
  revisions: [{ date: '2025-01-10', version: 'V1.0', change: '新建', approver: '孙玥' }],
  rules: {
    approvalAuthority: {
      emergency: ['operations_manager'],
      major: ['operations_manager'],
      normal: ['operations_engineer', 'operations_manager'],
    },
    intakeRoles: ['operations_manager', 'operations_engineer'],
    requiredPlanSections: [...PLAN_SECTIONS],
    // TY-4's short plan, the window PR-1 needs to deploy at all (decision 0009), and the target
    // configuration the CMDB update applies (decision 0015).
    emergencyShortForm: ['purpose', 'scope', 'baseline', 'window', 'steps', 'rollback'],
    preReleaseChecks: [
      label('environment_check', '环境检查', 'Environment check'),
      label('backup_verification', '备份验证', 'Backup verification'),
      label('rollback_test', '回退测试', 'Rollback test'),
      label('emergency_plan', '应急预案', 'Emergency plan'),
    ],
    postReleaseVerifications: [
      label('functional', '功能验证', 'Functional verification'),
      label('performance', '性能验证', 'Performance verification'),
      label('business', '业务验证', 'Business verification'),
      label('user_acceptance', '用户验收', 'User acceptance'),
    ],
    deadlines: { cmdbUpdateHours: 24, rollbackDecisionMinutes: 30, escalateMinutesBefore: [10] },
    successRateTarget: 95,
    complaintThreshold: { count: 5, withinMinutes: 10 },
    rollbackDeciders: ['operations_manager'],
    fourEyes: true,
    cabQuorum: 2,
    emergencySelfApprovalWithReview: true,
    emergencyReviewers: EMERGENCY_REVIEWERS_DEFAULT,
    emergencyCab: EMERGENCY_CAB_DEFAULT,
    intakeFourEyes: true,
  },
};

export const PLAN_SECTION_LABELS: Record<PlanSection, { zh: string; en: string }> = {
  purpose: { zh: '发布目的', en: 'Purpose' },
  scope: { zh: '影响范围', en: 'Scope of impact' },
  participants: { zh: '参与方职责', en: 'Participants and responsibilities' },
  risks: { zh: '风险应对措施', en: 'Risks and responses' },
  baseline: { zh: '配置基线', en: 'Configuration baseline' },
  post_deployment: { zh: '部署后工作计划', en: 'Post-deployment work' },
  window: { zh: '时间安排', en: 'Schedule (window)' },
  resources: { zh: '资源分配', en: 'Resources' },
  steps: { zh: '实施步骤', en: 'Implementation steps' },
  rollback: { zh: '回退措施', en: 'Rollback measures' },
};

/**
 * A stored policy document as the current rules read it: rules added after it was written take
 * their default (an older version never switched them off, so they apply as XDYJ-06-01 sets them).
 */
export function withRuleDefaults(document: PolicyDocument): PolicyDocument {
  return { ...document, rules: { ...document.rules, intakeFourEyes: document.rules.intakeFourEyes ?? true } };
}
