import type { components } from './openapi';
import type { BodyOf, QueryOf, ResponseOf } from './routes';
/**
 * The shapes the server answers with: aliases of the API document's schemas (`npm run api:types`),
 * and the vocabularies screens offer as choices.
 */

export type User = ResponseOf<'/api/users'>['items'][number];
/** A role, as the routes that grant roles take it. */
export type Role = BodyOf<'/api/users'>['roles'][number];

export type SessionView = components['schemas']['Session'];

/** The signed-in user with the permissions their roles grant. */
export type SessionUser = SessionView['user'];

/** the password was right; the sign-in waits for the 6-digit code (POST /api/auth/second-factor). */
export type SecondFactorPending = Exclude<ResponseOf<'/api/auth/login', 'post'>, SessionView>;

/** one's own two-step verification. */
export type SecondFactorStatus = ResponseOf<'/api/auth/second-factor'>;

export type SecondFactorEnrolment = ResponseOf<'/api/auth/second-factor/enrolment', 'post'>;

export type SetupStatus = ResponseOf<'/api/setup/status'>;

export type RolesView = ResponseOf<'/api/roles'>;

export type RoleInfo = RolesView['roles'][number];

export type ApiToken = components['schemas']['ApiToken'];

export type TokenState = ApiToken['state'];

export type CreatedToken = ResponseOf<'/api/tokens', 'post'>;

export type AuditOutcome = NonNullable<QueryOf<'/api/audit/events'>['outcome']>;

export type AuditPage = ResponseOf<'/api/audit/events'>;

export type AuditEvent = AuditPage['items'][number];

/** The chain's check, and (PR-3) the chain against the signed checkpoints of its head. */
export type AuditVerifyResult = ResponseOf<'/api/audit/verify'>;

export type CheckpointProblemKind = AuditVerifyResult['checkpoints']['problems'][number]['kind'];

// Configuration management (CMDB)

export type AttributeKind = AttributeField['kind'];

export type LocalizedText = CiType['name'];

export type AttributeField = CiType['fields'][number];

export type CiType = ResponseOf<'/api/cmdb/types'>['types'][number];

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development', 'disaster_recovery'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const RELATION_TYPES = ['depends_on', 'runs_on', 'connects_to', 'part_of'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export type CiStatus = Ci['status'];

export type Ci = CiPage['items'][number];

export type CiPage = ResponseOf<'/api/cmdb/cis'>;

export type CiRelation = CiDetail['relations'][number];

export type CiDetail = ResponseOf<'/api/cmdb/cis/{id}'>;

export type CiChangeKind = 'created' | 'updated' | 'retired' | 'relation_added' | 'relation_removed';
export type ReasonKind = CiHistoryEntry['reasonKind'];

export type CiHistoryEntry = ResponseOf<'/api/cmdb/cis/{id}/history'>['entries'][number];

export type CiSummary = ImpactReport['seeds'][number];

export type AffectedCi = ImpactReport['affected'][number];

export type ImpactReport = ResponseOf<'/api/cmdb/cis/{id}/impact'>;

export type Baseline = ResponseOf<'/api/cmdb/baselines'>['baselines'][number];

export type SnapshotRelation = CiSnapshot['relations'][number];

export type CiSnapshot = BaselineDetail['items'][number];

export type BaselineDetail = ResponseOf<'/api/cmdb/baselines/{id}'>;

export type FieldChange = CiChange['fields'][number];

export type CiChange = BaselineDiff['changed'][number];

export type BaselineDiff = ResponseOf<'/api/cmdb/baselines/{id}/compare'>;

export type ImportProblem = ImportReport['errors'][number];

export type ImportReport = ResponseOf<'/api/cmdb/import', 'post'>;

// Definitive software library (DSL)

export const DSL_STATES = ['draft', 'pending', 'approved', 'rejected', 'retired'] as const;
export type DslState = (typeof DSL_STATES)[number];

export type DslVersion = components['schemas']['DslVersion'];

// Change register (IN-1, IN-2)

export const CHANGE_STATES = [
  'draft',
  'submitted',
  'cab_review',
  'approved',
  'rejected',
  'withdrawn',
  'implemented',
] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];
export const CHANGE_RISKS = ['low', 'medium', 'high'] as const;
export type ChangeRisk = (typeof CHANGE_RISKS)[number];
export const CHANGE_SOURCES = ['internal', 'external'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];
export type VoteDecision = BodyOf<'/api/changes/{id}/votes'>['decision'];

export type ChangeDetail = components['schemas']['ChangeDetail'];

export type Change = ResponseOf<'/api/changes'>['items'][number];

export type ChangeVote = ChangeDetail['votes'][number];

// Releases (the lifecycle in DESIGN.md)

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
export const RELEASE_TYPES = ['emergency', 'major', 'normal'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];
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
export const RELEASE_ITEM_KINDS = ['software', 'hardware', 'document', 'service'] as const;
export type ReleaseItemKind = (typeof RELEASE_ITEM_KINDS)[number];
export const URGENCIES = ['immediate', 'high', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const ROLLBACK_DIFFICULTIES = ['easy', 'moderate', 'hard'] as const;
export type RollbackDifficulty = (typeof ROLLBACK_DIFFICULTIES)[number];

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

/** A release as lists show it. */
export type Release = ResponseOf<'/api/releases'>['items'][number];

export type SectionGap = NonNullable<Blocker['missing']>[number];

/**
 * Why an action is not possible now: the rule it would break and why, as codes and parameters
 * the message catalog renders (the English `rule` and `reason` are for logs and scripts).
 */
export type Blocker = ActionAvailability['blockers'][number];

export type ActionAvailability = ReleaseDetail['actions'][number];

export type ReleaseItem = ReleaseDetail['items'][number];

export type ChangeApproval = ReleaseDetail['changes'][number];

export type AssessmentKind = 'relationship' | 'resource' | 'risk';

export type Assessment = ReleaseDetail['assessments'][number];

export type RiskLevel = 'low' | 'medium' | 'high';
export const RISK_CATEGORIES = ['technical', 'business', 'management'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export type PlanRisk = RiskAssessment['risks'][number];

export type ResourceAssessment = BodyOf<'/api/releases/{id}/assessments/resource'>;

export type RiskAssessment = BodyOf<'/api/releases/{id}/assessments/risk'>;

export type RelatedRelease = RelationshipFindings['related'][number];

export type RelationshipFindings = ResponseOf<'/api/releases/{id}/relationships'>;

export type RelationshipDecision = BodyOf<'/api/releases/{id}/assessments/relationship'>;

/** A relationship assessment as recorded (its `content`): the server fills the decision's defaults. */
export interface RelationshipAssessment {
  findings: RelationshipFindings;
  decision: Required<RelationshipDecision>;
}

export type PlanStatus = PlanSummary['status'];

export type PlanSummary = NonNullable<ReleaseDetail['plan']>;

export type ReleaseDetail = components['schemas']['ReleaseDetail'];

export type PlanStep = NonNullable<PlanContent['steps']>[number];

/** PL-1: the plan in structured sections. */
export type PlanContent = BodyOf<'/api/releases/{id}/plan', 'put'>;

export type IndicatorComparator = PlanIndicator['comparator'];

/** IM-4: a key indicator of the plan; a reading beyond its threshold raises a rollback trigger. */
export type PlanIndicator = NonNullable<PlanContent['monitoring']>['indicators'][number];

export type PlanComment = PlanVersion['comments'][number];

export type PlanVersion = ResponseOf<'/api/releases/{id}/plans'>['plans'][number];

export type PlanConflict = ResponseOf<'/api/releases/{id}/plan/conflicts'>['conflicts'][number];

export type FreezeWindow = CalendarView['freezes'][number];

export type CalendarWindow = CalendarView['windows'][number];

export type CalendarView = ResponseOf<'/api/calendar'>;

// The release policy (PC-1)

export type LabelledItem = PolicyRules['preReleaseChecks'][number];

export type PolicyRules = PolicyDocument['rules'];

export type PolicyRevision = PolicyDocument['revisions'][number];

export type PolicyDocument = PolicyVersion['document'];

export type PolicyVersion = components['schemas']['PolicyVersion'];

/** A permission, as the routes that grant token scopes take it. */
export type Permission = BodyOf<'/api/tokens'>['scopes'][number];
