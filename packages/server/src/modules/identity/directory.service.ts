import { RULES, FIELDS } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  assertMappedRolesAllowed,
  groupCollisions,
  notFound,
  refusal,
  refused,
  rolesFromGroups,
  sameGroup,
  sameRoleSet,
  type Role,
} from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { isUniqueViolation } from '../../db/errors';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import {
  openSecondFactorChallenge,
  signIn,
  type ClientInfo,
  type SecondFactorPending,
  type SignedIn,
} from './sign-in';
import { auditUser } from './user.view';

const iso = (d: Date) => d.toISOString();

/**
 * What an identity provider says about the person who just proved who they are: LDAP after a
 * successful bind as the user, OIDC after a validated ID token.
 */
export interface DirectoryIdentity {
  source: repo.DirectorySource;
  /** The directory's own identifier: the entry's DN, or `issuer|subject`. */
  externalId: string;
  username: string;
  displayName: string;
  email: string | null;
  /** Group names as the directory spells them (DNs for LDAP, claim values for OIDC). */
  groups: string[];
  /** The provider vouched for a second factor (OIDC `amr`/`acr`); LDAP cannot. */
  providerMfa: boolean;
}

/** The most groups one person may bring, and the longest group name and user name taken. */
export const DIRECTORY_LIMITS = Object.freeze({ groups: 1000, groupLength: 512, usernameLength: 64 });

// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * What a directory or provider says is input like any other: a user name or group name that is
 * empty, too long or holds control characters (NUL), or more groups than anyone has, is refused
 * rather than stored — it would end up in the user list, the audit trail and every role check.
 */
function identityProblem(identity: DirectoryIdentity): Record<string, unknown> | null {
  const { groups, groupLength, usernameLength } = DIRECTORY_LIMITS;
  if (!identity.username || identity.username.length > usernameLength || CONTROL.test(identity.username))
    return { field: 'username', maxLength: usernameLength };
  if (CONTROL.test(identity.displayName) || CONTROL.test(identity.email ?? '')) return { field: 'profile' };
  if (identity.groups.length > groups) return { field: 'groups', count: identity.groups.length, max: groups };
  if (identity.groups.some((g) => g.length > groupLength || CONTROL.test(g)))
    return { field: 'groups', maxLength: groupLength };
  return null;
}

/** The refusal of a directory sign-in, committed with its audit event and thrown afterwards. */
type Outcome = { error: DomainError } | { signedIn: SignedIn } | { pending: SecondFactorPending };

/**
 * X-4 / RO-1: signs in a person their directory vouched for. In one transaction: the account is
 * found by the directory's identifier (created on the first sign-in), its roles are set from the
 * groups through the mapping — refused when no group maps to a role or when the mapped roles
 * break separation of duties (RO-3, naming the groups that collide) — and the session opens, or
 * the second step is asked for when the user has a TOTP factor the provider's MFA does not
 * replace.
 */
export async function signInFromDirectory(
  deps: IdentityDeps,
  ctx: RequestContext,
  identity: DirectoryIdentity,
  client: ClientInfo,
): Promise<SignedIn | SecondFactorPending> {
  try {
    return await directorySignInOnce(deps, ctx, identity, client);
  } catch (error) {
    // Two first sign-ins of one person at once (two tabs, two nodes): the loser's account insert
    // meets the winner's; run again, and it finds the account the winner made.
    if (!isUniqueViolation(error)) throw error;
    return directorySignInOnce(deps, ctx, identity, client);
  }
}

async function directorySignInOnce(
  deps: IdentityDeps,
  ctx: RequestContext,
  identity: DirectoryIdentity,
  client: ClientInfo,
): Promise<SignedIn | SecondFactorPending> {
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Outcome> => {
    const now = iso(deps.clock.now());
    const denied = async (reason: string, userId: string | null, details: Record<string, unknown> = {}) => {
      await deps.audit.record(trx, ctx, {
        action: 'identity.login',
        entityType: 'user',
        entityId: userId,
        outcome: 'denied',
        actorName: identity.username,
        details: { reason, source: identity.source, externalId: identity.externalId, ...details },
      });
    };
    const problem = identityProblem(identity);
    if (problem) {
      await denied('identity_invalid', null, problem);
      return {
        error: refusal(
          'forbidden',
          'x4_directory_sign_in',
          { code: 'directory_identity_invalid', params: {} },
          { reason: 'identity_invalid', ...problem },
        ),
      };
    }
    const rules = await repo.listGroupRoleMappings(trx, identity.source);
    const mapped = rolesFromGroups(identity.groups, rules);
    let user = await repo.findUserByExternalId(trx, identity.source, identity.externalId);
    if (user?.disabled) {
      await denied('disabled', user.id);
      return {
        error: refused('unauthenticated', { code: 'account_disabled', params: {} }, { reason: 'disabled' }),
      };
    }
    if (mapped.roles.length === 0) {
      await denied('no_mapped_role', user?.id ?? null, { groups: identity.groups });
      return {
        error: refusal(
          'forbidden',
          'ro1_role_from_groups',
          { code: 'no_mapped_role', params: {} },
          { reason: 'no_mapped_role', groups: identity.groups },
        ),
      };
    }
    try {
      assertMappedRolesAllowed(mapped, identity.username);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await denied('groups_collide', user?.id ?? null, error.details as Record<string, unknown>);
      return { error };
    }
    const taken = user ? undefined : await repo.findUserByUsername(trx, identity.username);
    // The same person's account, committed by a sign-in racing this one since the look-up.
    if (taken?.source === identity.source && taken.externalId === identity.externalId) user = taken;
    if (!user) {
      if (taken) {
        // Never merged with an account of another source by name: that would hand a local (or
        // other directory's) account to whoever the directory calls by the same name.
        await denied('username_taken', taken.id, { takenBy: taken.source });
        return {
          error: refusal(
            'conflict',
            'x4_directory_account',
            { code: 'directory_username_taken', params: { username: identity.username } },
            { reason: 'username_taken' },
          ),
        };
      }
      user = {
        id: randomUUID(),
        username: identity.username,
        displayName: identity.displayName,
        email: identity.email,
        // Never verified: a directory user has no local password (login() does not try one).
        passwordHash: `!${identity.source}`,
        disabled: false,
        failedAttempts: 0,
        lockedUntil: null,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
        roles: mapped.roles,
        mustChangePassword: false,
        serviceAccount: false,
        totpConfirmedAt: null,
        source: identity.source,
        externalId: identity.externalId,
        directoryGroups: identity.groups,
        directoryCheckedAt: now,
        breakGlass: false,
      };
      await repo.insertUser(trx, user);
      await deps.audit.record(trx, ctx, {
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        actorName: identity.username,
        after: auditUser(user),
        details: { source: identity.source, groups: identity.groups, rule: RULES.ro1_role_from_groups },
      });
    } else {
      const before = user;
      await repo.updateUser(trx, user.id, {
        displayName: identity.displayName,
        email: identity.email,
        directoryGroups: identity.groups,
        directoryCheckedAt: now,
        updatedAt: now,
      });
      await applyMappedRoles(deps, trx, ctx, before, mapped.roles, identity.groups);
      user = (await repo.findUserById(trx, user.id))!;
    }
    const providerMfa = identity.providerMfa && deps.settings.directory.trustProviderMfa;
    if (user.totpConfirmedAt && !providerMfa) {
      return { pending: await openSecondFactorChallenge(deps, trx, ctx, user) };
    }
    return {
      signedIn: await signIn(
        deps,
        trx,
        user,
        ctx,
        client,
        { source: identity.source, groups: identity.groups, providerMfa: identity.providerMfa },
        identity.providerMfa,
      ),
    };
  });
  if ('error' in outcome) throw outcome.error;
  return 'pending' in outcome ? outcome.pending : outcome.signedIn;
}

/** RO-1: sets a directory user's roles to what their groups give, audited when they change. */
export async function applyMappedRoles(
  deps: IdentityDeps,
  trx: Kysely<Database>,
  ctx: RequestContext,
  user: repo.User,
  roles: Role[],
  groups: string[],
): Promise<void> {
  if (sameRoleSet(user.roles, roles)) return;
  await repo.setRoles(trx, user.id, roles);
  await deps.audit.record(trx, ctx, {
    action: 'identity.directory_roles_apply',
    entityType: 'user',
    entityId: user.id,
    before: { roles: user.roles },
    after: { roles },
    details: { groups, rule: RULES.ro1_role_from_groups },
  });
}

// The mapping the security administrator keeps

export async function listGroupRoleMappings(deps: IdentityDeps, ctx: RequestContext) {
  authorize(ctx, 'user.read');
  return repo.listGroupRoleMappings(deps.db.kysely);
}

/**
 * RO-1 / RO-3: adds "members of `group` hold `role`". Refused, naming who and which groups, when
 * it would break separation of duties: for the group itself (it already gives a role that
 * excludes this one) or for any directory user known here, by the groups last read.
 */
export async function addGroupRoleMapping(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { source: repo.DirectorySource; group: string; role: Role },
): Promise<repo.GroupRoleMapping> {
  const principal = authorize(ctx, 'user.manage');
  const group = input.group.trim();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const rules = await repo.listGroupRoleMappings(trx, input.source);
    if (rules.some((r) => r.role === input.role && sameGroup(r.group, group))) {
      throw refused(
        'conflict',
        { code: 'group_mapping_exists', params: { group, role: input.role } },
        { fields: { group: [FIELDS.already_taken] } },
      );
    }
    const next = [...rules, { group, role: input.role }];
    assertMappedRolesAllowed(rolesFromGroups([group], next), `members of ${group}`);
    const affected = (await repo.listDirectoryUsers(trx)).filter((u) => u.source === input.source);
    const colliding = affected
      .map((u) => ({ user: u, collisions: groupCollisions(rolesFromGroups(u.directoryGroups, next)) }))
      .filter((c) => c.collisions.length > 0);
    if (colliding.length > 0) {
      const collidingGroups = [
        ...new Set(colliding.flatMap((c) => c.collisions.flatMap((x) => x.groups))),
      ].sort();
      const users = colliding.map((c) => c.user.username);
      throw refusal(
        'policy_violation',
        'separation_of_duties',
        { code: 'mapping_groups_collide', params: { users, groups: collidingGroups } },
        {
          reason: 'groups_collide',
          collidingGroups,
          users: colliding.map((c) => ({
            username: c.user.username,
            collisions: c.collisions,
          })),
          conflictingRoles: [...new Set(colliding.flatMap((c) => c.collisions.flatMap((x) => x.roles)))],
        },
      );
    }
    const mapping: repo.GroupRoleMapping = {
      id: randomUUID(),
      source: input.source,
      group,
      role: input.role,
      createdAt: iso(deps.clock.now()),
      createdBy: principal.username,
    };
    await repo.insertGroupRoleMapping(trx, mapping);
    await deps.audit.record(trx, ctx, {
      action: 'identity.group_mapping_add',
      entityType: 'group_role_mapping',
      entityId: mapping.id,
      after: mapping,
      details: { rule: RULES.ro1_role_from_groups },
    });
    return mapping;
  });
}

/**
 * Removes a mapping. Roles already given stay until each member's next sign-in or the scheduled
 * re-check, which apply the mapping again (the answer says so).
 */
export async function removeGroupRoleMapping(
  deps: IdentityDeps,
  ctx: RequestContext,
  id: string,
): Promise<void> {
  authorize(ctx, 'user.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const removed = await repo.deleteGroupRoleMapping(trx, id);
    if (!removed) throw notFound('group_mapping', id);
    await deps.audit.record(trx, ctx, {
      action: 'identity.group_mapping_remove',
      entityType: 'group_role_mapping',
      entityId: id,
      before: removed,
      details: { rule: RULES.ro1_role_from_groups },
    });
  });
}

/**
 * names the one local account that may still sign in with a password while a directory is
 * in use (or takes the mark away). Only a local, enabled administrator (system or security
 * administrator) can hold it, and only one account at a time.
 */
export async function setBreakGlass(
  deps: IdentityDeps,
  ctx: RequestContext,
  id: string,
  breakGlass: boolean,
): Promise<void> {
  authorize(ctx, 'user.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, id);
    if (!user) throw notFound('user', id);
    if (breakGlass) {
      const eligible =
        user.source === 'local' &&
        !user.serviceAccount &&
        !user.disabled &&
        user.roles.some((r) => r === 'system_administrator' || r === 'security_administrator');
      if (!eligible) {
        throw refusal(
          'policy_violation',
          'x4_break_glass',
          { code: 'break_glass_not_eligible', params: {} },
          { reason: 'not_eligible' },
        );
      }
      const holder = await repo.findBreakGlassUser(trx);
      if (holder && holder.id !== id) {
        throw refusal(
          'conflict',
          'x4_break_glass',
          { code: 'break_glass_taken', params: { holder: holder.username } },
          { reason: 'break_glass_taken', holder: holder.username },
        );
      }
    }
    if (user.breakGlass === breakGlass) return;
    await repo.updateUser(trx, id, { breakGlass, updatedAt: iso(deps.clock.now()) });
    await deps.audit.record(trx, ctx, {
      action: 'identity.break_glass_set',
      entityType: 'user',
      entityId: id,
      before: { breakGlass: user.breakGlass },
      after: { breakGlass },
      details: { rule: RULES.x4_break_glass },
    });
  });
}
