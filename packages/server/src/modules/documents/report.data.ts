import type { ReleaseOutcome, ReleaseState, ReleaseType, StepStatus, TriggerKind } from '@releasegate/domain';

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
