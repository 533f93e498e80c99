import type { Reason } from '@releasegate/messages';
import { refusal, refused } from '../errors';

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
 * RO-3 separation of duties (MLPS 2.0, GB/T 22239-2019 8.1.4.2): the roles one person may never
 * hold together, as data reviewed like code. The three administrator roles exclude each other
 * and every business role: whoever manages accounts, runs the system or audits it must not also
 * act in the releases they watch over. Business roles combine freely (a small department's
 * manager may sit on the CAB).
 */
export const FORBIDDEN_ROLE_PAIRS: readonly (readonly [Role, Role])[] = [
  ['system_administrator', 'security_administrator'],
  ['system_administrator', 'auditor'],
  ['security_administrator', 'auditor'],
  ['system_administrator', 'operations_manager'],
  ['system_administrator', 'operations_engineer'],
  ['system_administrator', 'configuration_administrator'],
  ['system_administrator', 'release_implementer'],
  ['system_administrator', 'cab_member'],
  ['system_administrator', 'business_representative'],
  ['security_administrator', 'operations_manager'],
  ['security_administrator', 'operations_engineer'],
  ['security_administrator', 'configuration_administrator'],
  ['security_administrator', 'release_implementer'],
  ['security_administrator', 'cab_member'],
  ['security_administrator', 'business_representative'],
  ['auditor', 'operations_manager'],
  ['auditor', 'operations_engineer'],
  ['auditor', 'configuration_administrator'],
  ['auditor', 'release_implementer'],
  ['auditor', 'cab_member'],
  ['auditor', 'business_representative'],
];

/** Whether two lists hold the same roles, in any order. */
export const sameRoleSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** The forbidden pairs a set of roles contains, each once. */
export function forbiddenPairsIn(roles: readonly Role[]): (readonly [Role, Role])[] {
  return FORBIDDEN_ROLE_PAIRS.filter(([a, b]) => roles.includes(a) && roles.includes(b));
}

/**
 * RO-3: throws a policy violation naming every forbidden pair the set contains (and the groups
 * they came from, when a directory mapping produced them).
 */
export function assertRoleSetAllowed(roles: readonly Role[]): void {
  if (new Set(roles).size !== roles.length) {
    throw refused('invalid_input', { code: 'role_listed_twice', params: {} }, { roles });
  }
  const pairs = forbiddenPairsIn(roles);
  if (pairs.length > 0) {
    const conflictingRoles = [...new Set(pairs.flat())];
    throw refusal(
      'policy_violation',
      'separation_of_duties',
      { code: 'roles_exclude_each_other', params: { pairs: rolePairs(pairs) } },
      { conflictingRoles, pairs },
    );
  }
}

/** Forbidden pairs as reasons, so a refusal names each pair's roles in the reader's language. */
export const rolePairs = (pairs: readonly (readonly [Role, Role])[]): Reason[] =>
  pairs.map(([a, b]) => ({ code: 'role_pair', params: { a, b } }));
