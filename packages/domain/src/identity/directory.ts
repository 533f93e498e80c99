import { refusal } from '../errors';
import { forbiddenPairsIn, rolePairs, type Role } from './roles';

/** RO-1: one row of the mapping the security administrator keeps: members of `group` hold `role`. */
export interface GroupRoleRule {
  group: string;
  role: Role;
}

/**
 * Directory group names compare without regard to case: LDAP and Active Directory DNs are
 * case-insensitive, and an OIDC groups claim that differs from the mapping only by case is the
 * same group to the person who typed it. Spaces after a DN's commas do not matter either.
 */
export const sameGroup = (a: string, b: string) => normaliseGroup(a) === normaliseGroup(b);
export const normaliseGroup = (group: string) => group.trim().replace(/,\s+/g, ',').toLowerCase();

export interface MappedRoles {
  roles: Role[];
  /** For each role, the user's groups that gave it (as the directory spelt them). */
  groupsOf: Partial<Record<Role, string[]>>;
}

/** RO-1: the roles a member of `groups` holds under `rules`, each with the groups that gave it. */
export function rolesFromGroups(groups: readonly string[], rules: readonly GroupRoleRule[]): MappedRoles {
  const groupsOf: Partial<Record<Role, string[]>> = {};
  for (const rule of rules) {
    for (const group of groups) {
      if (!sameGroup(group, rule.group)) continue;
      const given = (groupsOf[rule.role] ??= []);
      if (!given.includes(group)) given.push(group);
    }
  }
  return { roles: (Object.keys(groupsOf) as Role[]).sort(), groupsOf };
}

/** Where a forbidden pair came from: the two roles and the groups that gave each. */
export interface GroupCollision {
  roles: readonly [Role, Role];
  groups: string[];
}

/**
 * RO-3 separation of duties applied to what a directory mapping gives: every forbidden pair the
 * mapped roles contain, with the groups that gave them, so the refusal names the groups that
 * collide (the security administrator fixes the mapping or the directory, not the person).
 */
export function groupCollisions(mapped: MappedRoles): GroupCollision[] {
  return forbiddenPairsIn(mapped.roles).map(([a, b]) => ({
    roles: [a, b] as const,
    groups: [...new Set([...(mapped.groupsOf[a] ?? []), ...(mapped.groupsOf[b] ?? [])])].sort(),
  }));
}

/** RO-3: refuses mapped roles that break separation of duties, naming the colliding groups. */
export function assertMappedRolesAllowed(mapped: MappedRoles, who?: string): void {
  const collisions = groupCollisions(mapped);
  if (collisions.length === 0) return;
  const collidingGroups = [...new Set(collisions.flatMap((c) => c.groups))].sort();
  throw refusal(
    'policy_violation',
    'separation_of_duties',
    {
      code: 'groups_collide',
      params: { groups: collidingGroups, pairs: rolePairs(collisions.map((c) => c.roles)) },
    },
    {
      reason: 'groups_collide',
      conflictingRoles: [...new Set(collisions.flatMap((c) => c.roles))],
      pairs: collisions.map((c) => c.roles),
      collidingGroups,
      collisions,
      ...(who && { username: who }),
    },
  );
}
