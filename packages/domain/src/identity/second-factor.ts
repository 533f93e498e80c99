import type { Role } from './roles';
import type { PasswordProfile } from './password-rules';

/**
 * X-4 (MLPS 2.0 level 3, GB/T 22239-2019 8.1.4.1 d): administrators authenticate with two
 * factors. Under the strict profile the three administrator roles and the operations manager
 * sign in with a password and a one-time code; anyone else may enrol a second factor too.
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = [
  'security_administrator',
  'system_administrator',
  'auditor',
  'operations_manager',
];

/** Whether policy obliges a user with these roles to have a second factor. */
export function secondFactorRequired(roles: readonly Role[], profile: PasswordProfile): boolean {
  return profile === 'strict' && roles.some((r) => SECOND_FACTOR_ROLES.includes(r));
}
