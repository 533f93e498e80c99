import type { Reason, ReasonCode } from '@releasegate/messages';
import { refusal } from '../errors';

/**
 * A version in the definitive software library (DS-1): registered (draft), its content uploaded
 * or referenced (pending approval), approved by the operations manager, or rejected; an approved
 * version is never changed or deleted, only retired.
 */
export const DSL_STATES = ['draft', 'pending', 'approved', 'rejected', 'retired'] as const;
export type DslState = (typeof DSL_STATES)[number];

export type DslAction = 'upload_content' | 'edit' | 'approve' | 'reject' | 'retire' | 'delete' | 'download';

const ALLOWED: Record<DslAction, readonly DslState[]> = {
  upload_content: ['draft', 'pending', 'rejected'],
  edit: ['draft', 'pending', 'rejected'],
  approve: ['pending'],
  reject: ['pending'],
  retire: ['approved'],
  delete: ['draft', 'pending', 'rejected'],
  download: ['pending', 'approved', 'retired', 'rejected'],
};

const WHY: Partial<Record<DslState, ReasonCode>> = {
  approved: 'dsl_master_copy',
  retired: 'dsl_retired_kept',
  draft: 'dsl_no_content',
};

export function canDsl(state: DslState, action: DslAction): boolean {
  return ALLOWED[action].includes(state);
}

/** Throws a policy violation naming the rule when the action is not allowed in this state. */
export function assertDsl(state: DslState, action: DslAction, label: string): void {
  if (canDsl(state, action)) return;
  throw refusal(
    'policy_violation',
    state === 'approved' || state === 'retired' ? 'dsl_approved_immutable' : 'dsl_version_state',
    {
      code: WHY[state] ?? 'dsl_state_only',
      params: { action, label, state, allowed: ALLOWED[action] },
    } as Reason,
    { state, action },
  );
}
