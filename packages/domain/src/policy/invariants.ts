import { RULES } from '@releasegate/messages';
import { ROLE_PERMISSIONS, type Permission } from '../identity/permissions';
import type { Role } from '../identity/roles';
import { RELEASE_TYPES, emergencyCabOf, emergencyRules, type PolicyRules } from './policy';

/** One way a policy version breaks what no version may break. */
export interface PolicyInvariantViolation {
  /** The rules field, as a dotted path (`approvalAuthority.major`). */
  field: string;
  rule: string;
  reason: string;
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
  const needs = (field: string, roles: readonly Role[], permission: Permission, rule: string) => {
    const without = roles.filter((role) => !ROLE_PERMISSIONS[role].includes(permission));
    if (roles.length === 0) violations.push({ field, rule, reason: 'names no role: nobody could act' });
    else if (without.length > 0)
      violations.push({ field, rule, reason: `${without.join(', ')} may not hold ${permission}` });
  };
  for (const type of RELEASE_TYPES)
    needs(
      `approvalAuthority.${type}`,
      rules.approvalAuthority[type],
      `release.approve.${type}`,
      'TY-2 approval authority among the operations roles',
    );
  needs('intakeRoles', rules.intakeRoles, 'release.accept', 'RO-4 intake among the operations roles');
  needs(
    'rollbackDeciders',
    rules.rollbackDeciders ?? ['operations_manager'],
    'release.rollback.decide',
    'RB-2 rollback decided by the operations roles',
  );
  const within = (field: string, value: number, bounds: { min: number; max: number }, rule: string) => {
    if (!(value >= bounds.min && value <= bounds.max))
      violations.push({ field, rule, reason: `${value} is outside ${bounds.min}–${bounds.max}` });
  };
  const { deadlines } = rules;
  within(
    'deadlines.rollbackDecisionMinutes',
    deadlines.rollbackDecisionMinutes,
    POLICY_BOUNDS.rollbackDecisionMinutes,
    'RB-2 decision clock within bounds',
  );
  within(
    'deadlines.cmdbUpdateHours',
    deadlines.cmdbUpdateHours,
    POLICY_BOUNDS.cmdbUpdateHours,
    'PO-2 CMDB deadline within bounds',
  );
  const lateEscalations = deadlines.escalateMinutesBefore.filter(
    (m) => m < 0 || m >= deadlines.rollbackDecisionMinutes,
  );
  if (lateEscalations.length > 0)
    violations.push({
      field: 'deadlines.escalateMinutesBefore',
      rule: RULES.escalation_before_deadline,
      reason: `${lateEscalations.join(', ')} is not between 0 and the decision clock`,
    });
  within(
    'successRateTarget',
    rules.successRateTarget,
    POLICY_BOUNDS.successRateTarget,
    'KP-1 target within bounds',
  );
  within('cabQuorum', rules.cabQuorum, POLICY_BOUNDS.cabQuorum, 'IN-1 CAB quorum within bounds');
  const emergencyCab = emergencyCabOf(rules);
  within(
    'emergencyCab.quorum',
    emergencyCab.quorum,
    { min: POLICY_BOUNDS.cabQuorum.min, max: rules.cabQuorum },
    RULES.emergency_cab_size,
  );
  needs('emergencyCab.voters', emergencyCab.voters, 'change.vote', RULES.emergency_cab_voters);
  if (!rules.requiredPlanSections.includes('rollback'))
    violations.push({
      field: 'requiredPlanSections',
      rule: RULES.rollback_section_required,
      reason: 'the rollback section is not required',
    });
  for (const section of ['purpose', 'scope', 'steps', 'rollback'] as const)
    if (!rules.emergencyShortForm.includes(section))
      violations.push({
        field: 'emergencyShortForm',
        rule: RULES.short_form_sections,
        reason: `${section} is missing from the short form`,
      });
  needs(
    'emergencyReviewers',
    emergencyRules(rules).reviewers,
    'release.plan',
    'TY-4 the review after the fact by the operations roles',
  );
  return violations;
}
