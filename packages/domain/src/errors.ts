import {
  RULES,
  fieldProblemsSummary,
  renderReason,
  ruleCodeOf,
  ruleName,
  type FieldCode,
  type Language,
  type FieldProblem,
  type Reason,
  type RuleCode,
  type Thing,
} from '@releasegate/messages';

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

/** What is wrong with each field, as codes (`FIELDS.required`) or codes with parameters. */
export type FieldProblems = Readonly<Record<string, readonly (FieldCode | FieldProblem)[]>>;

/**
 * A refusal of some fields, each with its problems as codes: the answer's `details.fields` and
 * `fieldProblems`, shown next to each field and rendered in the reader's language.
 */
export function invalidFields(
  fields: FieldProblems,
  details: Record<string, unknown> = {},
  code: ErrorCode = 'invalid_input',
): DomainError {
  const problems = Object.fromEntries(Object.entries(fields).map(([key, list]) => [key, list.map(asProblem)]));
  return new DomainError(code, fieldProblemsSummary(problems), { ...details, fields });
}

const asProblem = (p: FieldCode | FieldProblem) =>
  typeof p === 'string' ? ({ code: p, params: {} } as FieldProblem) : p;

/**
 * A refusal in a language, from its codes: its reasons (each after its rule's name), else the
 * problems of the fields it names; English is the message as raised.
 */
export function refusalText(error: DomainError, language: Language): string {
  if (language === 'en') return error.message;
  if (error.reasons?.length)
    return error.reasons
      .map((r) => {
        const why = renderReason(language, { code: r.reasonCode, params: r.params } as Reason);
        return r.code ? `${ruleName(language, r.code)}：${why}` : why;
      })
      .join('；');
  const fields = (error.details as { fields?: FieldProblems } | undefined)?.fields;
  if (fields && typeof fields === 'object' && Object.keys(fields).length > 0)
    return fieldProblemsSummary(
      Object.fromEntries(Object.entries(fields).map(([k, list]) => [k, list.map(asProblem)])),
      language,
    );
  return error.message;
}

/** Something named by an id that does not exist (or that the caller may not know of). */
export const notFound = (what: Thing, id: string) =>
  refused('not_found', { code: 'not_found', params: { what, id } }, { what, id });

/** the caller's roles do not grant the permission the action needs. */
export const forbidden = (permission: string) =>
  refused('forbidden', { code: 'action_needs_permission', params: { permissions: [permission] } }, { permission });

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
export const alreadyDone = (why: Reason, winner: Winner) =>
  new DomainError('conflict', renderReason('en', why), { reason: 'already_done', ...winner }, [
    { code: ruleCodeOf(winner.rule), reasonCode: why.code, params: why.params },
  ]);

/** Whether the error tells a caller that someone else already took the action (a lost race). */
export const isAlreadyDone = (error: DomainError) =>
  error.code === 'conflict' &&
  typeof error.details === 'object' &&
  error.details !== null &&
  (error.details as { reason?: unknown }).reason === 'already_done';
