import { DomainError } from '../errors';

/** Business roles named by the policy (§1.4, table 4-2) and the MLPS 2.0 system roles. */
export const BUSINESS_ROLES = [
  'operations_manager',
  'operations_engineer',
  'configuration_administrator',
  'release_implementer',
  'cab_member',
  'business_representative',
] as const;

/** The three administrator roles of MLPS 2.0 separation of duties: one person holds at most one. */
export const ADMINISTRATOR_ROLES = ['system_administrator', 'security_administrator', 'auditor'] as const;

export const ROLES = [...BUSINESS_ROLES, ...ADMINISTRATOR_ROLES] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * RO-3: a user may hold several business roles but never two of the administrator roles.
 * Throws a policy violation naming the conflicting roles.
 */
export function assertRoleSetAllowed(roles: readonly Role[]): void {
  const admin = roles.filter((r) => (ADMINISTRATOR_ROLES as readonly string[]).includes(r));
  if (admin.length > 1) {
    throw new DomainError(
      'policy_violation',
      `Separation of duties: one user cannot hold the administrator roles ${admin.join(' and ')} together`,
      { rule: 'RO-3 separation of duties', conflictingRoles: admin },
    );
  }
  if (new Set(roles).size !== roles.length) {
    throw new DomainError('invalid_input', 'A role is listed twice', { roles });
  }
}
