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
  | 'rate_limited';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError('not_found', `${what} ${id} does not exist`, { what, id });

export const forbidden = (permission: string) =>
  new DomainError('forbidden', `This action needs the permission "${permission}"`, { permission });

export const invalidInput = (message: string, details?: unknown) =>
  new DomainError('invalid_input', message, details);

export const conflict = (message: string, details?: unknown) => new DomainError('conflict', message, details);

export const policyViolation = (rule: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('policy_violation', message, { rule, ...details });
