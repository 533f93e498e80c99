import type { Role } from './roles';

/**
 * Every permission the services check, by name. Services never test roles; they ask for a
 * permission, and this file is the one place that maps roles to permissions.
 */
export const PERMISSIONS = [
  'user.read',
  'user.manage',
  'token.manage',
  'token.own',
  'audit.read',
  'audit.export',
  'audit.verify',
  'system.backup',
  'system.settings',
  'release.read',
  'release.request',
  'release.accept',
  'release.plan',
  'release.approve.normal',
  'release.approve.major',
  'release.approve.emergency',
  'release.implement',
  'release.trigger',
  'release.rollback.decide',
  'release.close',
  'release.cancel',
  'change.read',
  'change.manage',
  'change.vote',
  'change.integrate',
  'cmdb.read',
  'cmdb.write',
  'cmdb.admin',
  'dsl.read',
  'dsl.upload',
  'dsl.approve',
  'gate.check',
  'acceptance.sign',
  'policy.read',
  'policy.draft',
  'policy.manage',
  'measures.read',
  'knowledge.read',
  'knowledge.write',
  'notifications.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_BUSINESS: Permission[] = [
  'release.read',
  'change.read',
  'cmdb.read',
  'dsl.read',
  'policy.read',
  'measures.read',
  'knowledge.read',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  operations_manager: [
    ...READ_BUSINESS,
    'token.own',
    'release.request',
    'release.accept',
    'release.plan',
    'release.approve.normal',
    'release.approve.major',
    'release.approve.emergency',
    'release.implement',
    'release.trigger',
    'release.rollback.decide',
    'release.close',
    'release.cancel',
    'change.manage',
    'change.vote',
    'dsl.approve',
    'policy.draft',
    'policy.manage',
    'gate.check',
    'knowledge.write',
  ],
  operations_engineer: [
    ...READ_BUSINESS,
    'token.own',
    'release.request',
    'release.accept',
    'release.plan',
    'release.approve.normal',
    'release.implement',
    'release.trigger',
    'release.rollback.decide',
    'change.manage',
    'cmdb.write',
    'dsl.upload',
    'policy.draft',
    'gate.check',
    'knowledge.write',
  ],
  configuration_administrator: [
    ...READ_BUSINESS,
    'token.own',
    'cmdb.write',
    'cmdb.admin',
    'dsl.upload',
    'knowledge.write',
  ],
  release_implementer: [
    ...READ_BUSINESS,
    'token.own',
    'release.implement',
    'release.trigger',
    'gate.check',
    'knowledge.write',
  ],
  cab_member: [...READ_BUSINESS, 'change.vote'],
  business_representative: [
    'release.read',
    'change.read',
    'policy.read',
    'release.trigger',
    'acceptance.sign',
    'measures.read',
    'knowledge.read',
  ],
  system_administrator: [
    'system.backup',
    'system.settings',
    'user.read',
    'policy.read',
    'token.own',
    'change.integrate',
    'notifications.manage',
  ],
  security_administrator: ['user.read', 'user.manage', 'token.manage', 'token.own', 'policy.read'],
  auditor: [
    'audit.read',
    'audit.export',
    'audit.verify',
    'user.read',
    'release.read',
    'policy.read',
    'measures.read',
    'knowledge.read',
  ],
};

/**
 * what a service account's token may carry — what a pipeline or an integration does: ask
 * the gate, report steps, logs and triggers, put artifacts in the software library, feed changes
 * and read what it needs. Approvals, closing and policy stay with people.
 */
export const PIPELINE_SCOPES: readonly Permission[] = [
  'gate.check',
  'release.read',
  'release.implement',
  'release.trigger',
  'dsl.read',
  'dsl.upload',
  'change.read',
  'change.integrate',
  'cmdb.read',
];

/** Never on any token: accounts and tokens are managed by a person signed in at a browser. */
export const NEVER_ON_TOKENS: readonly Permission[] = ['token.own', 'token.manage', 'user.manage'];

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  const result = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) result.add(p);
  return result;
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
