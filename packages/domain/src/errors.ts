import { RULES, renderReason, type Reason, type RuleCode, type Thing } from '@releasegate/messages';

/**
 * Domain errors carry a stable code; the server's one error handler maps each code to an HTTP
 * status and the `{ error: { code, message, details } }` body.
 */
export type ErrorCode =
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'invalid_input'
  | 'invalid_transition'
  | 'policy_violation'
  | 'conflict'
  | 'locked'
  | 'too_large'
  | 'rate_limited'
  /** A service this one depends on (the company directory, the identity provider) does not answer. */
  | 'unavailable';

/**
 * A rule and why it refuses, as codes: what a refusal says in any language (docs/decisions/0021).
 * A refusal no rule of the policy stands behind (a malformed cursor, an unknown id) has no rule.
 */
export interface CodedReason {
  code?: RuleCode;
  reasonCode: Reason['code'];
  params: Reason['params'];
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** The refusal as codes; the English `message` is its rendering, other languages render these. */
    readonly reasons?: readonly CodedReason[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * A refusal of `rule` because of `why`: its English message rendered from the catalog, its codes
 * kept so the answer carries them (`details.reasons`) and any language can render it.
 */
export function refusal(
  code: ErrorCode,
  rule: RuleCode,
  why: Reason,
  details: Record<string, unknown> = {},
): DomainError {
  return new DomainError(code, renderReason('en', why), { rule: RULES[rule], ...details }, [
    { code: rule, reasonCode: why.code, params: why.params },
  ]);
}

/**
 * A refusal no rule of the policy stands behind (an unknown id, a malformed cursor, a name taken):
 * its English message rendered from the catalog, its code kept like a rule's refusal.
 */
export function refused(code: ErrorCode, why: Reason, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, renderReason('en', why), details, [
    { reasonCode: why.code, params: why.params },
  ]);
}

/** Something named by an id that does not exist (or that the caller may not know of). */
export const notFound = (what: Thing, id: string) =>
  refused('not_found', { code: 'not_found', params: { what, id } }, { what, id });

export const forbidden = (permission: string) =>
  new DomainError('forbidden', `This action needs the permission "${permission}"`, { permission });

export const invalidInput = (message: string, details?: unknown) =>
  new DomainError('invalid_input', message, details);

export const conflict = (message: string, details?: unknown) => new DomainError('conflict', message, details);

export const policyViolation = (rule: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('policy_violation', message, { rule, ...details });

/**
 * Who took a one-shot action first, and when: what a caller who lost the race (or repeats the
 * action later) is told instead of a bare refusal. `action` names what the winner did.
 */
export interface Winner {
  rule: string;
  action: string;
  by: string | null;
  at: string;
  [detail: string]: unknown;
}

/** A one-shot action someone already took: a conflict naming the winner (reason `already_done`). */
export const alreadyDone = (message: string, winner: Winner) =>
  new DomainError('conflict', message, { reason: 'already_done', ...winner });

/** Whether the error tells a caller that someone else already took the action (a lost race). */
export const isAlreadyDone = (error: DomainError) =>
  error.code === 'conflict' &&
  typeof error.details === 'object' &&
  error.details !== null &&
  (error.details as { reason?: unknown }).reason === 'already_done';
