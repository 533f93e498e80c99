/** The row of `release_records` (migration 20261126001300): one per closed release (KP-1, KP-2). */
export interface ReleaseRecordsTable {
  release_id: string;
  number: string;
  title: string;
  type: string | null;
  outcome: string;
  requested_at: string;
  plan_submitted_at: string | null;
  plan_approved_at: string | null;
  implementation_started_at: string | null;
  implementation_ended_at: string | null;
  restored_at: string | null;
  closed_at: string;
  quarter: string;
  rollback_decisions: number;
  rollback_decision_minutes_total: number;
  late_decisions: number;
  cmdb_due_at: string | null;
  cmdb_done_at: string | null;
  change_lead_minutes: number | null;
  deployed: number;
  plan_approval_minutes: number | null;
  restore_minutes: number | null;
  cmdb_on_time: number | null;
}
