import type {
  ReleaseOutcome,
  Role,
  ReleaseState,
  ReleaseType,
  StepStatus,
  TriggerKind,
  VoteDecision,
} from '@releasegate/domain';

/**
 * CL-2: everything 《发布变更报告》 says, gathered from the database by the close action. Only the
 * summary's number and title are required: every other part may be missing or empty, and the
 * report then says 无 under its heading rather than leaving the section out.
 * Times are ISO 8601 strings; people are display names.
 */
export interface ReleaseReportData {
  summary: ReportSummary;
  /** What happened, in order: requested, accepted, plan approved, steps, triggers, closed… */
  timeline?: TimelineEntry[];
  /** Each step of the executed plan version, with what actually happened. */
  planVsActual?: PlannedStepActual[];
  /** IM-1: environment check, backup verification, rollback test, emergency plan. */
  preReleaseChecks?: CheckEntry[];
  /** PO-1: functional, performance and business verification. */
  postReleaseVerifications?: CheckEntry[];
  /** PO-1: the formal sign-off by a named business-department user. */
  userAcceptance?: UserAcceptance | null;
  /** RB-1, RB-2: rollback triggers and their decisions. */
  incidents?: Incident[];
  /** RB-3, RB-4: the rollback, when one ran. */
  rollback?: RollbackRecord | null;
  /** Why the release succeeded or failed, as the operations manager wrote it. */
  analysis?: string | null;
  /** PO-4: lessons learned and the knowledge articles made from them. */
  lessons?: Lessons | null;
  /** PO-2: the CMDB update task. */
  cmdbUpdate?: CmdbUpdate | null;
  /** IN-1: the changes the release carries, each with its CAB votes and approval time. */
  changes?: CarriedChange[];
  /** PR-5, DS-2: what was released, software with its DSL version and SHA-256 digest. */
  items?: ReleasedItem[];
  /** PR-3, PO-2: the target CIs, their versions before and after (as the CMDB update applied them). */
  configuration?: ConfiguredCi[];
  /** TY-1, TY-3: the proposed and the final type, and why a proposal was overridden. */
  classification?: Classification | null;
  /**
   * TY-4: the after-the-fact review of an emergency release (audit event `release.review_emergency`).
   * Absent for other types; `null` for an emergency release not reviewed.
   */
  emergencyReview?: EmergencyReview | null;
  /** Who signs the report: the policy's roles, with what the system recorded of each. */
  signOff?: SignOffEntry[];
}

export interface CarriedChange {
  number: string;
  title: string;
  /** IN-2: the external system and its key, e.g. `ITSM CHG0031`; null for the built-in register. */
  external?: string | null;
  state?: string | null;
  approvedAt?: string | null;
  votes?: CabVote[];
  /** IN-1, TY-4: an emergency change names its reason; which body approved it. */
  emergencyReason?: string | null;
  approvedVia?: 'cab' | 'emergency_cab' | null;
}

export interface CabVote {
  voter: string;
  decision: VoteDecision;
  at: string;
  comment?: string | null;
  /** IN-1: the member voted again; this vote is kept on the record but no longer counts. */
  superseded?: boolean;
  /** IN-1, TY-4: cast by a member of the emergency CAB on an emergency change. */
  emergencyCab?: boolean;
}

export interface ReleasedItem {
  kind: 'software' | 'hardware' | 'document' | 'service';
  title: string;
  /** Software: the DSL name and version, its digest and approval. */
  dsl?: { name: string; version: string; digest?: string | null; approvedBy?: string | null } | null;
  /** The names of the CIs it touches. */
  cis?: string[];
}

export interface ConfiguredCi {
  ci: string;
  /** Before the release (the plan's baseline, or what the CMDB update found). */
  before?: string | null;
  /** The plan's target version. */
  target: string;
  /** What the CMDB update applied; null while it is not done. */
  applied?: string | null;
}

export interface Classification {
  proposed?: ReleaseType | null;
  /** Why the system proposed it (the assessments). */
  proposedReasons?: string[];
  final?: ReleaseType | null;
  /** TY-3: required when `final` differs from `proposed`. */
  overrideReason?: string | null;
}

export interface EmergencyReview {
  by: string;
  at: string;
  conclusion?: string | null;
}

export interface SignOffEntry {
  /** What the signer answers for: the plan's approval (TY-2), the close (CL-1), user acceptance (PO-1). */
  duty: 'plan_approval' | 'close' | 'acceptance';
  /** The roles the policy gives that duty (for the plan, those of the release's type). */
  roles: Role[];
  /** Who acted in this role in the system, when known. */
  name?: string | null;
  /** What the system recorded: the decision and its comment. */
  opinion?: string | null;
  at?: string | null;
}

export interface ReportSummary {
  number: string;
  title: string;
  type?: ReleaseType | null;
  state?: ReleaseState | null;
  outcome?: ReleaseOutcome | null;
  policy?: { number: string; title: string; version: string } | null;
  /** PL-3: the plan version that was executed. */
  planVersion?: number | null;
  requestedBy?: string | null;
  requestedAt?: string | null;
  implementationStartedAt?: string | null;
  implementationEndedAt?: string | null;
  closedBy?: string | null;
  closedAt?: string | null;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  event: string;
}

export interface PlannedStepActual {
  /** 1-based position in the plan. */
  seq: number;
  title: string;
  owner?: string | null;
  plannedMinutes: number;
  actualStart?: string | null;
  actualEnd?: string | null;
  /** Missing: the step never ran. */
  result?: StepStatus | null;
  executor?: string | null;
  output?: string | null;
}

export interface CheckEntry {
  /** The policy's label, e.g. 环境检查. */
  label: string;
  result?: 'passed' | 'failed' | null;
  actor?: string | null;
  at?: string | null;
  /** What proves it: a note, a file name, a link. */
  evidence?: string | null;
}

export interface UserAcceptance {
  signedBy: string;
  department?: string | null;
  at?: string | null;
  accepted: boolean;
  comment?: string | null;
}

export interface Incident {
  kind: TriggerKind;
  /** Who or what raised it: a person, a metric, user feedback. */
  source?: string | null;
  description?: string | null;
  discoveredAt: string;
  decision?: 'rollback' | 'continue' | null;
  decidedBy?: string | null;
  decidedAt?: string | null;
  reason?: string | null;
  /** RB-2: decided after the deadline (or not decided by it). */
  late?: boolean;
}

export interface RollbackRecord {
  steps?: PlannedStepActual[];
  /** RB-4: configuration compared against the baseline, CMDB and DSL versions restored. */
  restoration?: {
    verified?: boolean | null;
    details?: string | null;
    verifiedBy?: string | null;
    at?: string | null;
  } | null;
}

export interface Lessons {
  text?: string | null;
  articles?: { number?: string | null; title: string; link?: string | null }[];
}

export interface CmdbUpdate {
  dueAt?: string | null;
  doneAt?: string | null;
  doneBy?: string | null;
}
