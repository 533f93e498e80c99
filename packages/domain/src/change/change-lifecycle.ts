import type { Reason, ReasonCode } from '@releasegate/messages';
import { refusal } from '../errors';

/**
 * The change lifecycle as data: pure, no I/O.
 *
 *   draft ──submit──▶ submitted ──▶ cab_review ──quorum approves──▶ approved ──release──▶ implemented
 *                                       │quorum rejects                │
 *                                       ▼                              │
 *                                    rejected                          │
 *   draft | submitted | cab_review | approved ──withdraw──▶ withdrawn ◀┘ ("revoked after approval", IN-2)
 *
 * Submitting passes straight through `submitted` into CAB review; `submitted` is where an external
 * change waits while its own system reports it pending.
 */
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

export const VOTE_DECISIONS = ['approve', 'reject'] as const;
export type VoteDecision = (typeof VOTE_DECISIONS)[number];

/** The statuses an external change system reports (IN-2), and the state each one means here. */
export const EXTERNAL_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn', 'implemented'] as const;
export type ExternalStatus = (typeof EXTERNAL_STATUSES)[number];
export const EXTERNAL_STATE: Record<ExternalStatus, ChangeState> = {
  pending: 'submitted',
  approved: 'approved',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
  implemented: 'implemented',
};

export type ChangeAction = 'edit' | 'submit' | 'vote' | 'withdraw' | 'implement';

interface Transition {
  from: readonly ChangeState[];
  /** Why it is refused in any other state: "only … (it is <state>)". */
  only: ReasonCode;
  /** Whether a change from an external system may take it here (the others happen in its own system). */
  external: boolean;
}

export const CHANGE_TRANSITIONS: Record<ChangeAction, Transition> = {
  edit: { from: ['draft'], only: 'change_edit_only_draft', external: false },
  submit: { from: ['draft'], only: 'change_submit_only_draft', external: false },
  vote: { from: ['cab_review'], only: 'change_vote_only_in_review', external: false },
  withdraw: {
    from: ['draft', 'submitted', 'cab_review', 'approved'],
    only: 'change_withdraw_only_open',
    external: false,
  },
  implement: { from: ['approved'], only: 'change_implement_only_approved', external: true },
};

export function canChange(state: ChangeState, action: ChangeAction): boolean {
  return CHANGE_TRANSITIONS[action].from.includes(state);
}

/** Throws an invalid_transition naming the rule when the action is not open to this change. */
export function assertChange(
  change: { state: ChangeState; source: ChangeSource; externalSystem: string | null },
  action: ChangeAction,
  label: string,
): void {
  const t = CHANGE_TRANSITIONS[action];
  if (change.source === 'external' && !t.external) {
    throw refusal(
      'invalid_transition',
      'external_changes',
      { code: 'external_change_elsewhere', params: { label, system: change.externalSystem ?? '' } },
      { state: change.state, action },
    );
  }
  if (canChange(change.state, action)) return;
  throw refusal(
    'invalid_transition',
    'change_lifecycle',
    { code: t.only, params: { label, state: change.state } } as Reason,
    { state: change.state, action, allowedFrom: t.from },
  );
}

export interface Tally {
  required: number;
  approve: number;
  reject: number;
  /** What the votes decide: the quorum of approvals approves, the quorum of rejections rejects. */
  outcome: 'approved' | 'rejected' | null;
}

/** Which body approved or rejected a change: the full CAB, or the expedited emergency CAB. */
export const CAB_BODIES = ['cab', 'emergency_cab'] as const;
export type CabBody = (typeof CAB_BODIES)[number];

export interface CabTally extends Tally {
  /** For an emergency change: the emergency CAB's own count, from its members' votes only. */
  expedited: { required: number; approve: number; reject: number } | null;
  /** Which body's quorum decided (the full CAB's when both are reached by the same vote). */
  decidedBy: CabBody | null;
}

/**
 * IN-1, TY-4: the decision on a change from its current votes. Every change may be decided by the
 * full CAB's quorum; an emergency change also by the expedited quorum of the emergency CAB's
 * members (`emergencyCab` marks a vote cast by one).
 */
export function tallyCab(
  votes: readonly { decision: VoteDecision; emergencyCab: boolean }[],
  quorums: { cab: number; emergencyCab: number },
  emergency: boolean,
): CabTally {
  const full = tallyVotes(votes, quorums.cab);
  if (!emergency) return { ...full, expedited: null, decidedBy: full.outcome ? 'cab' : null };
  const { outcome, ...expedited } = tallyVotes(
    votes.filter((v) => v.emergencyCab),
    quorums.emergencyCab,
  );
  return full.outcome
    ? { ...full, expedited, decidedBy: 'cab' }
    : { ...full, outcome, expedited, decidedBy: outcome ? 'emergency_cab' : null };
}

/** IN-1: the CAB's decision from its votes (one per member) and the policy's quorum. */
export function tallyVotes(votes: readonly { decision: VoteDecision }[], quorum: number): Tally {
  const approve = votes.filter((v) => v.decision === 'approve').length;
  const reject = votes.filter((v) => v.decision === 'reject').length;
  return {
    required: quorum,
    approve,
    reject,
    outcome: approve >= quorum ? 'approved' : reject >= quorum ? 'rejected' : null,
  };
}
