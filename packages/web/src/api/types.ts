import type { FieldProblem, GapCode, Reason, ReasonCode, RuleCode } from '@releasegate/messages';
/** The shapes the server answers with (see /api/openapi.json). */

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: string[];
  disabled: boolean;
  lockedUntil: string | null;
  passwordChangedAt: string;
  /** A password the security administrator set: changed at the next sign-in. */
  mustChangePassword: boolean;
  /** A non-person account for pipelines: never signs in, pipeline-scoped tokens only. */
  serviceAccount: boolean;
  /** two-step verification (TOTP) is on. */
  secondFactor: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionUser extends User {
  permissions: string[];
}

export interface SessionView {
  user: SessionUser;
  csrfToken: string;
  passwordExpired: boolean;
  /** policy requires two-step verification this user has not set up; nothing else until then. */
  mustEnrolSecondFactor: boolean;
}

/** the password was right; the sign-in waits for the 6-digit code (POST /api/auth/second-factor). */
export interface SecondFactorPending {
  secondFactorRequired: true;
  expiresAt: string;
}

export interface SecondFactorStatus {
  enabled: boolean;
  confirmedAt: string | null;
  pending: boolean;
  recoveryCodesLeft: number;
  required: boolean;
}

export interface SecondFactorEnrolment {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

export interface SetupStatus {
  firstRun: boolean;
  tokenValid: boolean;
  role: string | null;
}

export interface RoleInfo {
  role: string;
  administrator: boolean;
  permissions: string[];
}

export interface RolesView {
  roles: RoleInfo[];
  permissions: string[];
  tokenScopes: { pipeline: string[]; never: string[] };
}

export type TokenState = 'active' | 'expired' | 'revoked';

export interface ApiToken {
  id: string;
  userId: string;
  username: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: TokenState;
}

export interface CreatedToken extends ApiToken {
  token: string;
}

export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRoles: string[];
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  before: unknown;
  after: unknown;
  details: unknown;
  hashAlg: string;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  events: AuditEvent[];
  nextBeforeSeq: number | null;
}

export interface AuditVerifyResult {
  ok: boolean;
  eventsChecked: number;
  lastSeq: number | null;
  lastHash: string | null;
  firstBad?: { seq: number; id: string; problem: string; message: string };
  /** PR-3: the chain against the signed checkpoints of its head. */
  checkpoints: {
    ok: boolean;
    checked: number;
    latest: { seq: number; hash: string; at: string; timeStampedAt: string | null } | null;
    problems: { kind: CheckpointProblemKind; seq: number | null; message: string }[];
    /** RFC 3161 time-stamps on the checkpoints (AUDIT_TSA_URL). */
    timeStamps: { stamped: number; trusted: boolean; missing: number };
  };
}

export type CheckpointProblemKind =
  | 'truncated'
  | 'rewritten'
  | 'forged'
  | 'unknown_key'
  | 'unreadable'
  | 'timestamp_invalid'
  | 'timestamp_mismatch';

// Configuration management (CMDB)

/** `ip`: an IPv4 or IPv6 address, checked by the server (CM-1). */
export type AttributeKind = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'ip';

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface AttributeField {
  key: string;
  label: LocalizedText;
  kind: AttributeKind;
  required?: boolean;
  options?: string[];
}

export interface CiType {
  key: string;
  name: LocalizedText;
  fields: AttributeField[];
  builtin: boolean;
}

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development', 'disaster_recovery'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const RELATION_TYPES = ['depends_on', 'runs_on', 'connects_to', 'part_of'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export type CiStatus = 'active' | 'retired';

export interface Ci {
  id: string;
  type: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: boolean;
  version: string | null;
  attributes: Record<string, unknown>;
  description: string | null;
  status: CiStatus;
  revision: number;
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
}

export interface CiPage {
  items: Ci[];
  nextCursor: string | null;
}

export interface CiRelation {
  id: string;
  sourceId: string;
  targetId: string;
  type: string;
  createdAt: string;
  createdBy: string | null;
  direction: 'outgoing' | 'incoming';
  other: { id: string; name: string; type: string; environment: string; status: string };
}

export interface CiDetail extends Ci {
  relations: CiRelation[];
}

export type CiChangeKind = 'created' | 'updated' | 'retired' | 'relation_added' | 'relation_removed';
export type ReasonKind = 'manual' | 'release' | 'import';

export interface CiHistoryEntry {
  id: string;
  ciId: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  /** A CiChangeKind; kept open for kinds added later. */
  change: string;
  reasonKind: ReasonKind;
  releaseId: string | null;
  /** The number of the release behind the change (REL-2026-0001). */
  releaseNumber: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
}

export interface CiSummary {
  id: string;
  name: string;
  type: string;
  environment: string;
  critical: boolean;
}

export interface AffectedCi extends CiSummary {
  depth: number;
  via: { fromId: string; relation: RelationType; reverse: boolean };
}

export interface ImpactReport {
  seeds: CiSummary[];
  /** The nearest affected CIs (all of them unless a limit was asked for). */
  affected: AffectedCi[];
  /** Every affected CI, also those a limit leaves out of `affected`. */
  affectedCount: number;
  services: string[];
  criticalCount: number;
  truncated: boolean;
  maxDepth: number;
}

export interface Baseline {
  id: string;
  name: string;
  description: string | null;
  takenAt: string;
  takenBy: string | null;
  ciCount: number;
}

export interface SnapshotRelation {
  type: string;
  targetId: string;
  targetName: string;
}

export interface CiSnapshot {
  ciId: string;
  type: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: boolean;
  version: string | null;
  attributes: Record<string, unknown>;
  relations: SnapshotRelation[];
}

export interface BaselineDetail extends Baseline {
  items: CiSnapshot[];
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface CiChange {
  ciId: string;
  name: string;
  type: string;
  fields: FieldChange[];
  relationsAdded: SnapshotRelation[];
  relationsRemoved: SnapshotRelation[];
}

export interface BaselineDiff {
  from: Baseline;
  to: Baseline | 'now';
  added: CiSnapshot[];
  removed: CiSnapshot[];
  changed: CiChange[];
  unchanged: number;
}

export interface ImportProblem {
  sheet: string;
  row: number;
  column: string;
  /** English; `problem` is the same as a code, which the catalog renders. */
  reason: string;
  problem: FieldProblem;
}

export interface ImportReport {
  dryRun: boolean;
  applied: boolean;
  ok: boolean;
  errorCount: number;
  errors: ImportProblem[];
  summary: {
    ciRows: number;
    relationRows: number;
    create: number;
    update: number;
    unchanged: number;
    relationsCreate: number;
    relationsExisting: number;
  };
}

// Definitive software library (DSL)

export const DSL_STATES = ['draft', 'pending', 'approved', 'rejected', 'retired'] as const;
export type DslState = (typeof DSL_STATES)[number];

export interface DslVersion {
  id: string;
  name: string;
  version: string;
  description: string | null;
  source: string | null;
  kind: 'upload' | 'external';
  externalUrl: string | null;
  digest: string | null;
  size: number | null;
  filename: string | null;
  mediaType: string | null;
  state: DslState;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  retiredBy: string | null;
  retiredAt: string | null;
  retireReason: string | null;
}

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
export type VoteDecision = 'approve' | 'reject';

export interface Change {
  id: string;
  number: string;
  source: ChangeSource;
  external: {
    system: string;
    key: string;
    status: 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'implemented';
    url: string | null;
  } | null;
  title: string;
  description: string | null;
  requester: string;
  risk: ChangeRisk | null;
  state: ChangeState;
  ciIds: string[];
  approvedBy: string[];
  approvedAt: string | null;
  submittedAt: string | null;
  rejectedAt: string | null;
  withdrawnBy: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  implementedAt: string | null;
  implementedBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** IN-1, TY-4: an emergency change (the emergency CAB may approve it), and why. */
  emergency: boolean;
  emergencyReason: string | null;
  /** IN-1: which body approved it. */
  approvedVia: 'cab' | 'emergency_cab' | null;
}

export interface ChangeVote {
  id: string;
  voter: string;
  decision: VoteDecision;
  comment: string;
  votedAt: string;
  /** IN-1: replaced by the member's later vote (no longer counted), and when. */
  supersededBy: string | null;
  supersededAt: string | null;
  /** IN-1: cast on an emergency change by a member of the emergency CAB. */
  emergencyCab: boolean;
}

export interface ChangeDetail extends Change {
  votes: ChangeVote[];
  quorum: {
    required: number;
    approve: number;
    reject: number;
    /** IN-1, TY-4: for an emergency change, the emergency CAB's count and who sits on it. */
    expedited: { required: number; approve: number; reject: number; voters: string[] } | null;
  };
  cis: { id: string; name: string; type: string; environment: string; status: string }[];
  /** PR-4: the releases carrying the change. */
  releases: { id: string; number: string; title: string; state: string }[];
}

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

export interface Release {
  id: string;
  number: string;
  title: string;
  description: string | null;
  state: ReleaseState;
  outcome: ReleaseOutcome | null;
  type: ReleaseType | null;
  /** TY-3: the type the system proposes, with the criteria that decided it. */
  proposal: { type: ReleaseType; criteria: Reason[]; reasons: string[] };
  /** Why the type differs from the proposal. */
  typeReason: string | null;
  urgency: Urgency;
  rollbackDifficulty: RollbackDifficulty;
  newTechnology: boolean;
  targetCiIds: string[];
  policyVersionId: string;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SectionGap {
  section: PlanSection;
  code: GapCode;
  /** In English; the screen renders `code`. */
  reason: string;
}

/**
 * Why an action is not possible now: the rule it would break and why, as codes and parameters
 * the message catalog renders (the English `rule` and `reason` are for logs and scripts).
 */
export interface Blocker {
  kind: 'state' | 'role' | 'policy';
  code: RuleCode;
  requirement: string | null;
  reasonCode: ReasonCode;
  params: Record<string, unknown>;
  rule: string;
  reason: string;
  missing?: SectionGap[];
}

export interface ActionAvailability {
  action: ReleaseAction;
  allowed: boolean;
  blockers: Blocker[];
}

export interface ReleaseItem {
  id: string;
  kind: ReleaseItemKind;
  title: string;
  dslVersionId?: string | null;
  description?: string | null;
  ciIds: string[];
}

export interface ChangeApproval {
  id: string;
  number: string;
  title: string;
  state: string;
  approved: boolean;
  label: string;
}

export type AssessmentKind = 'relationship' | 'resource' | 'risk';

export interface Assessment {
  seq: number;
  kind: AssessmentKind;
  content: unknown;
  recordedBy: string;
  recordedAt: string;
}

export type RiskLevel = 'low' | 'medium' | 'high';
export const RISK_CATEGORIES = ['technical', 'business', 'management'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export interface PlanRisk {
  category: RiskCategory;
  description: string;
  likelihood: RiskLevel;
  impact: RiskLevel;
  response: string;
}

export interface ResourceAssessment {
  technical: string;
  people: { name: string; role: string; availability: string }[];
  time: { estimateHours: number; note?: string };
}

export interface RiskAssessment {
  risks: PlanRisk[];
}

export interface RelatedRelease {
  releaseId: string;
  number: string;
  title: string;
  state: string;
  sharedCis: string[];
  relation: 'same' | 'this_first' | 'other_first';
}

export interface RelationshipFindings {
  related: RelatedRelease[];
  proposeMerge: string[];
  proposedOrder: string[];
}

export interface RelationshipDecision {
  decision: 'merge' | 'separate';
  mergeWith: string[];
  order: string[];
  note: string;
}

export interface RelationshipAssessment {
  findings: RelationshipFindings;
  decision: RelationshipDecision;
}

export type PlanStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'superseded';

export interface PlanSummary {
  id: string;
  version: number;
  status: PlanStatus;
  drafterName: string;
  gaps: SectionGap[];
  unresolvedConflicts: string[];
}

export interface ReleaseDetail extends Release {
  changes: ChangeApproval[];
  items: ReleaseItem[];
  assessments: Assessment[];
  plan: PlanSummary | null;
  actions: ActionAvailability[];
  /** A rollback was decided at some point: the release took the rollback path (RB-2). */
  rollbackDecided: boolean;
}

export interface PlanStep {
  title: string;
  owner: string;
  expectedMinutes: number;
  verification: string;
}

/** PL-1: the plan in structured sections. */
export interface PlanContent {
  purpose?: string;
  scope?: {
    ciIds: string[];
    services?: string[];
    users?: string;
    downtimeMinutes?: number | null;
    notes?: string;
  };
  participants?: { name: string; role: string; responsibility: string }[];
  risks?: PlanRisk[];
  baseline?: {
    baselineId?: string | null;
    targets: { ciId: string; currentVersion?: string | null; targetVersion: string }[];
    /** PO-2: why no CI changes version (then the CMDB update records nothing due). */
    noChangeReason?: string | null;
  };
  postDeployment?: string;
  window?: { start: string; end: string };
  resources?: string;
  steps?: PlanStep[];
  rollback?: { steps: PlanStep[]; triggers: { indicator: string; threshold: string }[] };
  /** IM-4, IM-5: indicators watched while the release runs, and the error patterns that flag log lines. */
  monitoring?: { indicators: PlanIndicator[]; errorPatterns: string[] };
}

export type IndicatorComparator = 'gt' | 'gte' | 'lt' | 'lte';

/** IM-4: a key indicator of the plan; a reading beyond its threshold raises a rollback trigger. */
export interface PlanIndicator {
  key: string;
  name: string;
  /** A PromQL query read on a schedule; without one, readings are entered by hand. */
  query?: string | null;
  comparator: IndicatorComparator;
  threshold: number;
  unit?: string | null;
}

export interface PlanComment {
  seq: number;
  kind: string;
  text: string | null;
  authorId: string;
  authorName: string;
  at: string;
}

export interface PlanVersion {
  id: string;
  releaseId: string;
  version: number;
  status: PlanStatus;
  content: PlanContent;
  drafterId: string;
  drafterName: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  comments: PlanComment[];
}

export interface PlanConflict {
  key: string;
  kind: 'freeze' | 'release';
  reason: Reason;
  /** In English; the screen renders `reason`. */
  description: string;
  override: { conflictKey: string; reason: string; byName: string; at: string } | null;
}

export interface FreezeWindow {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdBy: string;
  createdAt: string;
}

export interface CalendarWindow {
  releaseId: string;
  number: string;
  title: string;
  type: ReleaseType | null;
  state: ReleaseState;
  planVersion: number;
  planStatus: PlanStatus;
  start: string;
  end: string;
}

export interface CalendarView {
  freezes: FreezeWindow[];
  windows: CalendarWindow[];
}

// The release policy (PC-1)

export interface LabelledItem {
  key: string;
  label: LocalizedText;
}

export interface PolicyRules {
  approvalAuthority: Record<ReleaseType, string[]>;
  intakeRoles: string[];
  requiredPlanSections: PlanSection[];
  emergencyShortForm: PlanSection[];
  preReleaseChecks: LabelledItem[];
  postReleaseVerifications: LabelledItem[];
  deadlines: { cmdbUpdateHours: number; rollbackDecisionMinutes: number; escalateMinutesBefore: number[] };
  successRateTarget: number;
  complaintThreshold: { count: number; withinMinutes: number };
  fourEyes: boolean;
  cabQuorum: number;
  /** TY-4: the drafter of an emergency plan who holds the authority may approve it (reviewed after). */
  emergencySelfApprovalWithReview?: boolean;
  /** TY-4: who reviews an emergency release after the fact. */
  emergencyReviewers?: string[];
  /** IN-1, TY-4: the expedited CAB for emergency changes: how many approvals, from which roles. */
  emergencyCab?: { quorum: number; voters: string[] };
  /** RO-4: the requester of a release cannot accept it. */
  intakeFourEyes: boolean;
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

export interface PolicyVersion {
  id: string;
  status: 'draft' | 'approved';
  effectiveDate: string;
  document: PolicyDocument;
  createdBy: string | null;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}
