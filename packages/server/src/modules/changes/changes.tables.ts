import type { Generated } from 'kysely';
/**
 * Row types of the change register, as the database holds them (times as ISO text, JSON as text;
 * see docs/decisions/0002). Only change.repository.ts reads and writes them.
 */
export interface ChangesTable {
  id: string;
  /** CHG-<year>-<4-digit sequence>, assigned once, in the creating transaction. */
  number: string;
  /** 'internal' (the built-in register) or 'external' (an external change system, IN-2). */
  source: string;
  external_system: string | null;
  external_key: string | null;
  /** The status as the external system last reported it. */
  external_status: string | null;
  external_url: string | null;
  /** IN-2: the external system's time of the state held; older deliveries are refused. */
  external_updated_at: Generated<string | null>;
  title: string;
  description: string | null;
  requester: string;
  requester_id: string | null;
  risk: string | null;
  state: string;
  /** JSON array of usernames (CAB voters) or the external approver. */
  approved_by: string;
  approved_at: string | null;
  submitted_at: string | null;
  rejected_at: string | null;
  withdrawn_by: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  implemented_at: string | null;
  implemented_by: string | null;
  created_at: string;
  updated_at: string;
  /** IN-1, TY-4: 1 for an emergency change, which the expedited emergency CAB may approve. */
  emergency: Generated<number>;
  emergency_reason: Generated<string | null>;
  /** 'cab' or 'emergency_cab': which body approved it (null until approved, and for external ones). */
  approved_via: Generated<string | null>;
}

export interface ChangeCisTable {
  change_id: string;
  ci_id: string;
}

/** IN-1: every vote of a CAB member; a vote replaced by the member's later one is superseded. */
export interface ChangeVotesTable {
  id: string;
  change_id: string;
  voter_id: string;
  voter: string;
  decision: string;
  comment: string;
  voted_at: string;
  superseded_by: string | null;
  superseded_at: string | null;
  /** IN-1: cast on an emergency change by a member of the emergency CAB (counts toward its quorum). */
  emergency_cab: Generated<number>;
}

/** Webhook deliveries already processed, so a redelivery is acknowledged and ignored. */
export interface ChangeWebhookDeliveriesTable {
  system: string;
  delivery_id: string;
  change_key: string;
  received_at: string;
}

export interface ChangesTables {
  changes: ChangesTable;
  change_cis: ChangeCisTable;
  change_votes: ChangeVotesTable;
  change_webhook_deliveries: ChangeWebhookDeliveriesTable;
}
