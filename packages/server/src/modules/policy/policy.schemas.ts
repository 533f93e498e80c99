import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { PLAN_SECTIONS, ROLES } from '@releasegate/domain';

const labelled = z.object({
  key: z.string().min(1).max(50),
  label: z.object({ zh: z.string().min(1).max(50), en: z.string().min(1).max(80) }),
});
const roles = z.array(z.enum(ROLES)).max(ROLES.length);

export const policyRules = z.object({
  approvalAuthority: z.object({ emergency: roles, major: roles, normal: roles }),
  intakeRoles: roles,
  requiredPlanSections: z.array(z.enum(PLAN_SECTIONS)),
  emergencyShortForm: z.array(z.enum(PLAN_SECTIONS)),
  preReleaseChecks: z.array(labelled).max(30),
  postReleaseVerifications: z.array(labelled).max(30),
  deadlines: z.object({
    cmdbUpdateHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    rollbackDecisionMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    escalateMinutesBefore: z
      .array(
        z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
      )
      .max(5),
  }),
  successRateTarget: z.number().min(0).max(100),
  complaintThreshold: z.object({
    count: z.number().int().min(1).max(10_000),
    withinMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  }),
  rollbackDeciders: roles.optional(),
  fourEyes: z.boolean(),
  cabQuorum: z.number().int().min(1).max(50),
  /** TY-4: whether the manager who drafted an emergency plan may approve it (reviewed after the fact). */
  emergencySelfApprovalWithReview: z.boolean().optional(),
  /** TY-4: who reviews an emergency release after the fact. */
  emergencyReviewers: roles.optional(),
  /** IN-1, TY-4: the expedited CAB for emergency changes (absent in older documents: the default). */
  emergencyCab: z.object({ quorum: z.number().int().min(1).max(50), voters: roles }).optional(),
  /** RO-4: absent in a draft from an older client: on, as XDYJ-06-01 sets it. */
  intakeFourEyes: z.boolean().default(true),
});

export const policyDocument = z.object({
  number: z.string(),
  title: z.string(),
  version: z.string(),
  department: z.string(),
  approver: z.string(),
  effectiveDate: z.string(),
  revisions: z.array(
    z.object({ date: z.string(), version: z.string(), change: z.string(), approver: z.string() }),
  ),
  rules: policyRules,
});

export const policyVersionView = z.object({
  id: z.string(),
  status: z.enum(['draft', 'approved']),
  effectiveDate: z.string(),
  document: policyDocument,
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
});

export const draftPolicyInput = z.object({
  version: z.string().trim().min(1).max(20),
  effectiveDate: z.iso.date('a date YYYY-MM-DD'),
  change: z.string().trim().min(1, FIELDS.describe_change).max(1000),
  rules: policyRules,
});
export const idParams = z.object({ id: z.string().min(1).max(64) });
