import {
  RULES,
  fieldProblem,
  renderField,
  ruleCodeOf,
  type FieldProblem,
  type RuleCode,
} from '@releasegate/messages';
import { ROLE_PERMISSIONS, type Permission } from '../identity/permissions';
import type { Role } from '../identity/roles';
import { RELEASE_TYPES, emergencyCabOf, emergencyRules, type PolicyRules } from './policy';

/** One way a policy version breaks what no version may break. */
export interface PolicyInvariantViolation {
  /** The rules field, as a dotted path (`approvalAuthority.major`). */
  field: string;
  /** The rule's English name (`rule` of the refusal); `problem` names it by code. */
  rule: string;
  reason: string;
  problem: FieldProblem;
}

/**
 * Bounds that keep the policy's clocks meaningful: a decision window of seconds or of days, a
 * CMDB deadline of a month, are not a release policy any more.
 */
export const POLICY_BOUNDS = {
  rollbackDecisionMinutes: { min: 5, max: 240 },
  cmdbUpdateHours: { min: 1, max: 168 },
  successRateTarget: { min: 50, max: 100 },
  cabQuorum: { min: 1, max: 15 },
} as const;

/**
 * PC-1: what no policy version may break, whoever drafts and approves it. Each role the policy
 * lets act must hold the permission the action needs, so the policy can narrow who acts but never
 * reach beyond the operations roles: the auditor, the administrators, a CAB member or a business
 * representative can never be made to approve, accept or decide a rollback.
 */
export function policyInvariantViolations(rules: PolicyRules): PolicyInvariantViolation[] {
  const violations: PolicyInvariantViolation[] = [];
  const violated = (field: string, rule: string, problem: FieldProblem) =>
    violations.push({ field, rule, reason: renderField('en', problem).slice(rule.length + 2), problem });
  const code = (rule: string) => ruleCodeOf(rule) as RuleCode;
  const needs = (field: string, roles: readonly Role[], permission: Permission, rule: string) => {
    const without = roles.filter((role) => !ROLE_PERMISSIONS[role].includes(permission));
    if (roles.length === 0) violated(field, rule, fieldProblem('policy_no_role', { rule: code(rule) }));
    else if (without.length > 0)
      violated(
        field,
        rule,
        fieldProblem('policy_role_may_not', { rule: code(rule), roles: without, permission }),
      );
  };
  for (const type of RELEASE_TYPES)
    needs(
      `approvalAuthority.${type}`,
      rules.approvalAuthority[type],
      `release.approve.${type}`,
      RULES.policy_approval_roles,
    );
  needs('intakeRoles', rules.intakeRoles, 'release.accept', RULES.policy_intake_roles);
  needs(
    'rollbackDeciders',
    rules.rollbackDeciders ?? ['operations_manager'],
    'release.rollback.decide',
    RULES.policy_rollback_roles,
  );
  const within = (field: string, value: number, bounds: { min: number; max: number }, rule: string) => {
    if (!(value >= bounds.min && value <= bounds.max))
      violated(field, rule, fieldProblem('policy_outside_bounds', { rule: code(rule), value, ...bounds }));
  };
  const { deadlines } = rules;
  within(
    'deadlines.rollbackDecisionMinutes',
    deadlines.rollbackDecisionMinutes,
    POLICY_BOUNDS.rollbackDecisionMinutes,
    RULES.policy_decision_clock_bounds,
  );
  within(
    'deadlines.cmdbUpdateHours',
    deadlines.cmdbUpdateHours,
    POLICY_BOUNDS.cmdbUpdateHours,
    RULES.policy_cmdb_deadline_bounds,
  );
  const lateEscalations = deadlines.escalateMinutesBefore.filter(
    (m) => m < 0 || m >= deadlines.rollbackDecisionMinutes,
  );
  if (lateEscalations.length > 0)
    violated(
      'deadlines.escalateMinutesBefore',
      RULES.escalation_before_deadline,
      fieldProblem('policy_escalation_late', {
        rule: 'escalation_before_deadline',
        minutes: lateEscalations.map(String),
      }),
    );
  within(
    'successRateTarget',
    rules.successRateTarget,
    POLICY_BOUNDS.successRateTarget,
    RULES.policy_target_bounds,
  );
  within('cabQuorum', rules.cabQuorum, POLICY_BOUNDS.cabQuorum, RULES.policy_quorum_bounds);
  const emergencyCab = emergencyCabOf(rules);
  within(
    'emergencyCab.quorum',
    emergencyCab.quorum,
    { min: POLICY_BOUNDS.cabQuorum.min, max: rules.cabQuorum },
    RULES.emergency_cab_size,
  );
  needs('emergencyCab.voters', emergencyCab.voters, 'change.vote', RULES.emergency_cab_voters);
  if (!rules.requiredPlanSections.includes('rollback'))
    violated(
      'requiredPlanSections',
      RULES.rollback_section_required,
      fieldProblem('policy_rollback_optional', { rule: 'rollback_section_required' }),
    );
  for (const section of ['purpose', 'scope', 'steps', 'rollback'] as const)
    if (!rules.emergencyShortForm.includes(section))
      violated(
        'emergencyShortForm',
        RULES.short_form_sections,
        fieldProblem('policy_short_form_missing', { rule: 'short_form_sections', section }),
      );
  needs('emergencyReviewers', emergencyRules(rules).reviewers, 'release.plan', RULES.policy_review_roles);
  return violations;
}
