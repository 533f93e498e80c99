import { RULES } from '@releasegate/messages';
import { DomainError } from '../errors';

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

const WHY: Partial<Record<DslState, string>> = {
  approved:
    'DS-1: an approved version is the master copy and can never be overwritten or deleted; retire it instead',
  retired: 'DS-1: a retired version stays in the library as it was',
  draft: 'the version has no content yet; upload it or register its external digest first',
};

export function canDsl(state: DslState, action: DslAction): boolean {
  return ALLOWED[action].includes(state);
}

/** Throws a policy violation naming the rule when the action is not allowed in this state. */
export function assertDsl(state: DslState, action: DslAction, label: string): void {
  if (canDsl(state, action)) return;
  const reason = WHY[state] ?? `only possible while the version is ${ALLOWED[action].join(' or ')}`;
  throw new DomainError(
    'policy_violation',
    `Cannot ${action.replace('_', ' ')} ${label} (${state}): ${reason}`,
    {
      rule:
        state === 'approved' || state === 'retired' ? RULES.dsl_approved_immutable : RULES.dsl_version_state,
      state,
      action,
    },
  );
}
