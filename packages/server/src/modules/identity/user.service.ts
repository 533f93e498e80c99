import { FIELDS } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import {
  assertRoleSetAllowed,
  notFound,
  refusal,
  refused,
  sameRoleSet,
  type Role,
} from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { assertPasswordAcceptable } from './password.policy';
import { hashPassword, randomToken } from './secrets';
import { authorize, requirePrincipal } from '../../authorize';
import { openPage, withTotal, type Page, type PageRequest } from '../../db/keyset';
import { auditUser, toUserView, type UserView } from './user.view';

const iso = (d: Date) => d.toISOString();

/** A user name another account has: refused, naming the field (account creation and setup). */
export const usernameTaken = (username: string) =>
  refused(
    'conflict',
    { code: 'username_taken', params: { username } },
    { fields: { username: [FIELDS.already_taken] } },
  );

/** A page of the users (keyset), with how many match the filter. */
export async function listUsers(
  deps: IdentityDeps,
  ctx: RequestContext,
  filter: repo.UserListFilter,
  page: PageRequest<repo.UserSort>,
): Promise<Page<UserView>> {
  authorize(ctx, 'user.read');
  const position = openPage(page, filter, repo.userKeys(page.sort));
  const q = deps.db.kysely;
  const now = deps.clock.now().toISOString();
  const found = await withTotal(
    repo.pageUsers(q, filter, now, position),
    repo.countMatchingUsers(q, filter, now),
  );
  return { ...found, items: found.items.map(toUserView) };
}

/**
 * The directory of names: records keep usernames (who did it, unambiguously), and every signed-in
 * user may see whose they are, as any colleague could — no e-mail, roles or account state beyond
 * "disabled".
 */
export async function listPeople(deps: IdentityDeps, ctx: RequestContext) {
  requirePrincipal(ctx);
  return repo.listPeople(deps.db.kysely);
}

export async function getUser(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<UserView> {
  authorize(ctx, 'user.read');
  const user = await repo.findUserById(deps.db.kysely, id);
  if (!user) throw notFound('user', id);
  return toUserView(user);
}

export interface CreateUser {
  username: string;
  displayName: string;
  email?: string | null;
  roles: Role[];
  /** The initial password; its owner changes it at the first sign-in. None for a service account. */
  password?: string;
  /** A non-person account for pipelines: it never signs in and carries pipeline tokens only. */
  serviceAccount?: boolean;
}

export async function createUser(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: CreateUser,
): Promise<UserView> {
  authorize(ctx, 'user.manage');
  assertRoleSetAllowed(input.roles);
  const serviceAccount = input.serviceAccount === true;
  if (serviceAccount === (input.password !== undefined))
    throw refused(
      'invalid_input',
      { code: serviceAccount ? 'service_account_no_password' : 'initial_password_required', params: {} },
      { fields: { password: [serviceAccount ? FIELDS.not_for_service_account : FIELDS.required] } },
    );
  if (input.password !== undefined)
    await assertPasswordAcceptable(deps.db.kysely, deps, input.password, input.username);
  // A service account's password is a secret nobody knows: it can never sign in interactively.
  const passwordHash = await hashPassword(input.password ?? randomToken());
  return deps.db.kysely.transaction().execute(async (trx) => {
    if (await repo.findUserByUsername(trx, input.username)) {
      throw usernameTaken(input.username);
    }
    const now = iso(deps.clock.now());
    const user: repo.User = {
      id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      email: input.email ?? null,
      passwordHash,
      disabled: false,
      failedAttempts: 0,
      lockedUntil: null,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
      roles: [...input.roles].sort(),
      // a password the administrator chose is the owner's to replace at the first sign-in.
      mustChangePassword: !serviceAccount,
      serviceAccount,
      totpConfirmedAt: null,
      ...repo.LOCAL_ACCOUNT,
    };
    await repo.insertUser(trx, user);
    await deps.audit.record(trx, ctx, {
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      after: auditUser(user),
    });
    return toUserView(user);
  });
}

/**
 * The system must keep at least one enabled security administrator, or nobody could manage
 * accounts any more.
 */
async function assertSecurityAdministratorRemains(
  q: Kysely<Database>,
  changingUserId: string,
  stillAdmin: boolean,
) {
  if (stillAdmin) return;
  const admins = (await repo.enabledUsersWithRole(q, 'security_administrator')).filter(
    (u) => u.id !== changingUserId,
  );
  if (admins.length === 0) {
    throw refusal('policy_violation', 'last_security_administrator', {
      code: 'last_security_administrator',
      params: {},
    });
  }
}

async function loadForUpdate(q: Kysely<Database>, id: string) {
  const user = await repo.findUserById(q, id);
  if (!user) throw notFound('user', id);
  return user;
}

export async function updateUser(
  deps: IdentityDeps,
  ctx: RequestContext,
  id: string,
  patch: { displayName?: string; email?: string | null; roles?: Role[] },
): Promise<UserView> {
  const principal = authorize(ctx, 'user.manage');
  if (patch.roles) assertRoleSetAllowed(patch.roles);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await loadForUpdate(trx, id);
    if (patch.roles && !sameRoleSet(patch.roles, before.roles)) assertLocalAccount(before, 'roles');
    if (patch.roles && id === principal.userId && !sameRoleSet(patch.roles, before.roles)) {
      throw refusal('forbidden', 'no_self_granted_roles', { code: 'own_roles', params: {} });
    }
    if (patch.roles && before.roles.includes('security_administrator') && !before.disabled) {
      await assertSecurityAdministratorRemains(trx, id, patch.roles.includes('security_administrator'));
    }
    const now = iso(deps.clock.now());
    // the break-glass account is a local administrator; without that role it stops being one.
    const losesBreakGlass =
      before.breakGlass &&
      !!patch.roles &&
      !patch.roles.some((r) => r === 'system_administrator' || r === 'security_administrator');
    await repo.updateUser(trx, id, {
      displayName: patch.displayName,
      email: patch.email,
      updatedAt: now,
      ...(losesBreakGlass && { breakGlass: false }),
    });
    if (patch.roles) await repo.setRoles(trx, id, patch.roles);
    const after = await loadForUpdate(trx, id);
    // A change of roles changes what open sessions may do; they pick it up on their next request.
    await deps.audit.record(trx, ctx, {
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      before: auditUser(before),
      after: auditUser(after),
    });
    return toUserView(after);
  });
}

export async function setUserDisabled(
  deps: IdentityDeps,
  ctx: RequestContext,
  id: string,
  disabled: boolean,
): Promise<UserView> {
  const principal = authorize(ctx, 'user.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await loadForUpdate(trx, id);
    if (disabled && principal.userId === id) {
      throw refusal('policy_violation', 'no_self_disable', { code: 'own_account_disable', params: {} });
    }
    if (disabled && before.roles.includes('security_administrator'))
      await assertSecurityAdministratorRemains(trx, id, false);
    const now = iso(deps.clock.now());
    // A disabled account keeps nothing that would work again if it were enabled: its sessions and
    // API tokens end now, and it stops being the break-glass account.
    await repo.updateUser(trx, id, { disabled, updatedAt: now, ...(disabled && { breakGlass: false }) });
    const revoked = disabled ? await repo.revokeUserSessions(trx, id, now, 'user_disabled') : 0;
    const tokensRevoked = disabled ? await repo.revokeUserApiTokens(trx, id, now) : 0;
    const after = await loadForUpdate(trx, id);
    await deps.audit.record(trx, ctx, {
      action: disabled ? 'user.disable' : 'user.enable',
      entityType: 'user',
      entityId: id,
      before: auditUser(before),
      after: auditUser(after),
      details: { sessionsRevoked: revoked, tokensRevoked },
    });
    return toUserView(after);
  });
}

/**
 * X-4 / RO-1: a directory account's roles come from its groups (the mapping) and its password is
 * the directory's; changing either here would be undone at the next sign-in, or worse, not.
 */
function assertLocalAccount(user: repo.User, what: 'roles' | 'password'): void {
  if (user.source === 'local') return;
  const reason = what === 'roles' ? 'roles_from_directory' : 'password_in_directory';
  throw refusal(
    'policy_violation',
    'x4_directory_account',
    { code: reason, params: { username: user.username } },
    { reason },
  );
}

/**
 * The security administrator sets a new password (e.g. a forgotten one); all sessions end, and
 * the owner must replace it at the next sign-in, so the administrator never acts as them.
 */
export async function resetPassword(
  deps: IdentityDeps,
  ctx: RequestContext,
  id: string,
  password: string,
): Promise<UserView> {
  authorize(ctx, 'user.manage');
  const target = await loadForUpdate(deps.db.kysely, id);
  assertLocalAccount(target, 'password');
  if (target.serviceAccount)
    throw refusal('policy_violation', 'x4_service_accounts_no_sign_in', {
      code: 'service_account_no_password',
      params: {},
    });
  await assertPasswordAcceptable(deps.db.kysely, deps, password, target.username, id);
  const passwordHash = await hashPassword(password);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = iso(deps.clock.now());
    await repo.addPasswordHistory(trx, id, target.passwordHash, now);
    await repo.updateUser(trx, id, {
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: true,
      failedAttempts: 0,
      lockedUntil: null,
      updatedAt: now,
    });
    const revoked = await repo.revokeUserSessions(trx, id, now, 'password_reset');
    await deps.audit.record(trx, ctx, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: id,
      details: { sessionsRevoked: revoked },
    });
    return toUserView(await loadForUpdate(trx, id));
  });
}

export async function unlockUser(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<UserView> {
  authorize(ctx, 'user.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await loadForUpdate(trx, id);
    const now = iso(deps.clock.now());
    await repo.updateUser(trx, id, { failedAttempts: 0, lockedUntil: null, updatedAt: now });
    const after = await loadForUpdate(trx, id);
    await deps.audit.record(trx, ctx, {
      action: 'user.unlock',
      entityType: 'user',
      entityId: id,
      before: auditUser(before),
      after: auditUser(after),
    });
    return toUserView(after);
  });
}
