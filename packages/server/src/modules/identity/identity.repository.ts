import type { Kysely, Selectable } from 'kysely';
import { isRole, type Role } from '@releasegate/domain';
import type {
  ApiTokensTable,
  Database,
  GroupRoleMappingsTable,
  SessionsTable,
  UsersTable,
} from '../../db/schema';
import { containsText } from '../../db/like';
import {
  closePage,
  countRows,
  keysetPage,
  type KeyColumns,
  type KeysetPosition,
  type Page,
} from '../../db/keyset';

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  passwordHash: string;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: string | null;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
  roles: Role[];
  /** A password an administrator set: changed by its owner before anything else. */
  mustChangePassword: boolean;
  /** A non-person account for pipelines (no interactive sign-in, pipeline scopes only). */
  serviceAccount: boolean;
  /** when the user's TOTP second factor was confirmed; null: none. (The secret is not here.) */
  totpConfirmedAt: string | null;
  /** where the user signs in (`local`, `ldap`, `oidc`). */
  source: UserSource;
  /** A directory user's identifier in the directory (DN, or issuer + subject); null: local. */
  externalId: string | null;
  /** The directory groups as last read; empty for a local user. */
  directoryGroups: string[];
  directoryCheckedAt: string | null;
  /** The one local administrator who may sign in with a password while a directory is in use. */
  breakGlass: boolean;
}

export type UserSource = 'local' | 'ldap' | 'oidc';

/** What a new local account has of the directory fields: nothing. */
export const LOCAL_ACCOUNT: Readonly<
  Pick<User, 'source' | 'externalId' | 'directoryGroups' | 'directoryCheckedAt' | 'breakGlass'>
> = Object.freeze({
  source: 'local',
  externalId: null,
  directoryGroups: [],
  directoryCheckedAt: null,
  breakGlass: false,
});
export type DirectorySource = Exclude<UserSource, 'local'>;

export interface Session {
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
  /** The identity provider vouched for a second factor at this sign-in. */
  providerMfa: boolean;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

type Q = Kysely<Database>;

function toUser(row: Selectable<UsersTable>, roles: string[]): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    passwordHash: row.password_hash,
    disabled: !!row.disabled,
    mustChangePassword: !!row.must_change_password,
    serviceAccount: !!row.service_account,
    totpConfirmedAt: row.totp_confirmed_at,
    source: row.source as UserSource,
    externalId: row.external_id,
    directoryGroups: row.directory_groups ? (JSON.parse(row.directory_groups) as string[]) : [],
    directoryCheckedAt: row.directory_checked_at,
    breakGlass: !!row.break_glass,
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    roles: roles.filter(isRole).sort(),
  };
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    providerMfa: !!row.provider_mfa,
  };
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

async function rolesOf(q: Q, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (userIds.length === 0) return map;
  const rows = await q
    .selectFrom('user_roles')
    .select(['user_id', 'role'])
    .where('user_id', 'in', userIds)
    .execute();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.role]);
  return map;
}

export async function countUsers(q: Q): Promise<number> {
  const row = await q
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One query: the user row joined with its roles (one row per role). Every request reads it. */
export async function findUserById(q: Q, id: string): Promise<User | undefined> {
  const rows = await q
    .selectFrom('users')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .selectAll('users')
    .select('user_roles.role')
    .where('users.id', '=', id)
    .execute();
  if (rows.length === 0) return undefined;
  return toUser(
    rows[0],
    rows.flatMap((r) => (r.role ? [r.role] : [])),
  );
}

export async function findUserByUsername(q: Q, username: string): Promise<User | undefined> {
  const row = await q.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!row) return undefined;
  return toUser(row, (await rolesOf(q, [row.id])).get(row.id) ?? []);
}

export interface UserListFilter {
  text?: string;
  role?: string;
  disabled?: boolean;
  /** active: enabled and not locked; locked: enabled and locked out at `now`; disabled. */
  status?: 'active' | 'locked' | 'disabled';
  serviceAccount?: boolean;
}

/** The orders the user list offers (the columns of the web's table), each by its column. */
export const USER_SORTS = ['username', 'displayName', 'createdAt'] as const;
export type UserSort = (typeof USER_SORTS)[number];

/** The keyset of a user list sorted by `sort`: ties broken by the id. */
export const userKeys = (sort: UserSort): KeyColumns => ({
  value: {
    column: { username: 'username', displayName: 'display_name', createdAt: 'created_at' }[sort],
    kind: 'text',
  },
  tie: { column: 'id', kind: 'text' },
});

/** The users the filter matches; `now` tells who is locked out. */
function filteredUsers(q: Q, f: UserListFilter, now: string) {
  let query = q.selectFrom('users');
  if (f.text) {
    const text = f.text;
    query = query.where((eb) =>
      eb.or([
        containsText('username', text),
        containsText('display_name', text),
        containsText('email', text),
      ]),
    );
  }
  if (f.role)
    query = query.where('id', 'in', q.selectFrom('user_roles').select('user_id').where('role', '=', f.role));
  if (f.disabled !== undefined) query = query.where('disabled', '=', f.disabled ? 1 : 0);
  if (f.serviceAccount !== undefined) query = query.where('service_account', '=', f.serviceAccount ? 1 : 0);
  if (f.status === 'disabled') query = query.where('disabled', '=', 1);
  if (f.status === 'locked') query = query.where('disabled', '=', 0).where('locked_until', '>', now);
  if (f.status === 'active')
    query = query
      .where('disabled', '=', 0)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]));
  return query;
}

/** One page of the users matching the filter, in the position's order (keyset). */
export async function pageUsers(
  q: Q,
  f: UserListFilter,
  now: string,
  position: KeysetPosition,
): Promise<Page<User>> {
  const rows = await keysetPage(filteredUsers(q, f, now).selectAll(), position).execute();
  return closePage(rows, position, async (kept) => {
    const roles = await rolesOf(
      q,
      kept.map((r) => r.id),
    );
    return kept.map((r) => toUser(r, roles.get(r.id) ?? []));
  });
}

/** How many users match the filter. */
export const countMatchingUsers = (q: Q, f: UserListFilter, now: string): Promise<number> =>
  countRows(filteredUsers(q, f, now));

/**
 * IN-1: how many enabled people (not service accounts) hold any of `roles`, leaving out one user
 * (a change's requester, who may not vote on it).
 */
export async function countEnabledPeopleWithAnyRole(
  q: Q,
  roles: readonly Role[],
  except: { id: string | null; username: string },
): Promise<number> {
  if (roles.length === 0) return 0;
  const holders = q
    .selectFrom('user_roles')
    .select('user_id')
    .where('role', 'in', [...roles]);
  let query = q
    .selectFrom('users')
    .where('disabled', '=', 0)
    .where('service_account', '=', 0)
    .where('id', 'in', holders)
    .where('username', '!=', except.username);
  if (except.id) query = query.where('id', '!=', except.id);
  return countRows(query);
}

/** Of `usernames`, those of enabled people (not service accounts) holding any of `roles`. */
export async function enabledPeopleWithAnyRole(
  q: Q,
  usernames: readonly string[],
  roles: readonly Role[],
): Promise<Set<string>> {
  if (usernames.length === 0 || roles.length === 0) return new Set();
  const rows = await q
    .selectFrom('users')
    .select('username')
    .where('username', 'in', [...usernames])
    .where('disabled', '=', 0)
    .where('service_account', '=', 0)
    .where(
      'id',
      'in',
      q
        .selectFrom('user_roles')
        .select('user_id')
        .where('role', 'in', [...roles]),
    )
    .execute();
  return new Set(rows.map((r) => r.username));
}

/** The enabled users holding a role, every one of them. */
export async function enabledUsersWithRole(q: Q, role: Role): Promise<User[]> {
  const rows = await filteredUsers(q, { role, disabled: false }, '')
    .selectAll()
    .orderBy('username')
    .execute();
  const roles = await rolesOf(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, roles.get(r.id) ?? []));
}

export async function insertUser(
  q: Q,
  user: Omit<
    User,
    | 'failedAttempts'
    | 'lockedUntil'
    | 'disabled'
    | 'totpConfirmedAt'
    | 'source'
    | 'externalId'
    | 'directoryGroups'
    | 'directoryCheckedAt'
    | 'breakGlass'
  > &
    Partial<Pick<User, 'source' | 'externalId' | 'directoryGroups' | 'directoryCheckedAt'>>,
): Promise<void> {
  await q
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      display_name: user.displayName,
      email: user.email,
      password_hash: user.passwordHash,
      disabled: 0,
      failed_attempts: 0,
      locked_until: null,
      password_changed_at: user.passwordChangedAt,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
      must_change_password: user.mustChangePassword ? 1 : 0,
      service_account: user.serviceAccount ? 1 : 0,
      source: user.source ?? 'local',
      external_id: user.externalId ?? null,
      directory_groups:
        user.source && user.source !== 'local' ? JSON.stringify(user.directoryGroups ?? []) : null,
      directory_checked_at: user.directoryCheckedAt ?? null,
    })
    .execute();
  await setRoles(q, user.id, user.roles);
}

export async function setRoles(q: Q, userId: string, roles: readonly Role[]): Promise<void> {
  await q.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length > 0) {
    await q
      .insertInto('user_roles')
      .values(roles.map((role) => ({ user_id: userId, role })))
      .execute();
  }
}

export async function updateUser(
  q: Q,
  id: string,
  patch: Partial<
    Pick<
      User,
      | 'displayName'
      | 'email'
      | 'disabled'
      | 'failedAttempts'
      | 'lockedUntil'
      | 'passwordHash'
      | 'passwordChangedAt'
      | 'mustChangePassword'
      | 'directoryGroups'
      | 'directoryCheckedAt'
      | 'breakGlass'
    >
  > & { updatedAt: string },
): Promise<void> {
  await q
    .updateTable('users')
    .set({
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
      ...(patch.failedAttempts !== undefined && { failed_attempts: patch.failedAttempts }),
      ...(patch.lockedUntil !== undefined && { locked_until: patch.lockedUntil }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      ...(patch.passwordChangedAt !== undefined && { password_changed_at: patch.passwordChangedAt }),
      ...(patch.mustChangePassword !== undefined && {
        must_change_password: patch.mustChangePassword ? 1 : 0,
      }),
      ...(patch.directoryGroups !== undefined && { directory_groups: JSON.stringify(patch.directoryGroups) }),
      ...(patch.directoryCheckedAt !== undefined && { directory_checked_at: patch.directoryCheckedAt }),
      ...(patch.breakGlass !== undefined && { break_glass: patch.breakGlass ? 1 : 0 }),
      updated_at: patch.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function addPasswordHistory(
  q: Q,
  userId: string,
  passwordHash: string,
  at: string,
): Promise<void> {
  await q
    .insertInto('password_history')
    .values({ user_id: userId, password_hash: passwordHash, created_at: at })
    .execute();
}

export async function recentPasswordHashes(q: Q, userId: string, count: number): Promise<string[]> {
  const rows = await q
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(count)
    .execute();
  return rows.map((r) => r.password_hash);
}

// Sessions

export async function insertSession(
  q: Q,
  s: Omit<Session, 'providerMfa'> & {
    sourceIp: string | null;
    userAgent: string | null;
    providerMfa?: boolean;
  },
): Promise<void> {
  await q
    .insertInto('sessions')
    .values({
      id_hash: s.idHash,
      user_id: s.userId,
      csrf_token: s.csrfToken,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
      revoked_at: null,
      revoked_reason: null,
      source_ip: s.sourceIp,
      user_agent: s.userAgent,
      provider_mfa: s.providerMfa ? 1 : 0,
    })
    .execute();
}

export async function findSession(q: Q, idHash: string): Promise<Session | undefined> {
  const row = await q.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return row && toSession(row);
}

/** One query for the hot path of every request: the session, its user and the user's roles. */
export async function findSessionWithUser(
  q: Q,
  idHash: string,
): Promise<{ session: Session; user: User } | undefined> {
  const rows = await q
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .selectAll('users')
    .select([
      'sessions.id_hash',
      'sessions.csrf_token',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.revoked_at',
      'sessions.provider_mfa',
      'user_roles.role',
    ])
    .where('sessions.id_hash', '=', idHash)
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  return {
    session: {
      idHash: first.id_hash,
      userId: first.id,
      csrfToken: first.csrf_token,
      createdAt: first.session_created_at,
      lastSeenAt: first.last_seen_at,
      expiresAt: first.expires_at,
      revokedAt: first.revoked_at,
      providerMfa: !!first.provider_mfa,
    },
    user: toUser(
      first,
      rows.flatMap((r) => (r.role ? [r.role] : [])),
    ),
  };
}

export async function touchSession(q: Q, idHash: string, at: string): Promise<void> {
  await q.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function revokeSession(q: Q, idHash: string, at: string, reason: string): Promise<void> {
  await q
    .updateTable('sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every live session of a user; returns how many. */
export async function revokeUserSessions(q: Q, userId: string, at: string, reason: string): Promise<number> {
  const result = await q
    .updateTable('sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every live API token of a user (a directory user removed or disabled); returns how many. */
export async function revokeUserApiTokens(q: Q, userId: string, at: string): Promise<number> {
  const result = await q
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// Directory users and group → role mappings

export async function findUserByExternalId(
  q: Q,
  source: DirectorySource,
  externalId: string,
): Promise<User | undefined> {
  const row = await q
    .selectFrom('users')
    .select('id')
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row && findUserById(q, row.id);
}

/** Directory users still enabled, oldest check first: what the scheduled re-check walks. */
export async function listEnabledDirectoryUsers(q: Q, source: DirectorySource): Promise<User[]> {
  const rows = await q
    .selectFrom('users')
    .selectAll()
    .where('source', '=', source)
    .where('disabled', '=', 0)
    .orderBy('directory_checked_at')
    .orderBy('id')
    .execute();
  const roles = await rolesOf(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, roles.get(r.id) ?? []));
}

/** OIDC: the sealed refresh token the re-check spends (null: none, or forget it). */
export async function setDirectoryRefreshToken(q: Q, userId: string, sealed: string | null): Promise<void> {
  await q.updateTable('users').set({ directory_refresh_token: sealed }).where('id', '=', userId).execute();
}

export async function directoryRefreshToken(q: Q, userId: string): Promise<string | null> {
  const row = await q
    .selectFrom('users')
    .select('directory_refresh_token')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.directory_refresh_token ?? null;
}

/** The local administrator who may sign in with a password while a directory is in use, if any. */
export async function findBreakGlassUser(q: Q): Promise<User | undefined> {
  const row = await q.selectFrom('users').select('id').where('break_glass', '=', 1).executeTakeFirst();
  return row && findUserById(q, row.id);
}

/** Every directory user (any source) with the groups last read: who a mapping change would affect. */
export async function listDirectoryUsers(q: Q): Promise<User[]> {
  const rows = await q
    .selectFrom('users')
    .selectAll()
    .where('source', '!=', 'local')
    .orderBy('username')
    .execute();
  const roles = await rolesOf(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, roles.get(r.id) ?? []));
}

export interface GroupRoleMapping {
  id: string;
  source: DirectorySource;
  group: string;
  role: Role;
  createdAt: string;
  createdBy: string;
}

function toGroupRoleMapping(row: Selectable<GroupRoleMappingsTable>): GroupRoleMapping[] {
  if (!isRole(row.role)) return [];
  return [
    {
      id: row.id,
      source: row.source as DirectorySource,
      group: row.group_name,
      role: row.role,
      createdAt: row.created_at,
      createdBy: row.created_by,
    },
  ];
}

export async function listGroupRoleMappings(q: Q, source?: DirectorySource): Promise<GroupRoleMapping[]> {
  let query = q.selectFrom('group_role_mappings').selectAll();
  if (source) query = query.where('source', '=', source);
  const rows = await query.orderBy('source').orderBy('group_name').orderBy('role').execute();
  return rows.flatMap(toGroupRoleMapping);
}

export async function insertGroupRoleMapping(q: Q, m: GroupRoleMapping): Promise<void> {
  await q
    .insertInto('group_role_mappings')
    .values({
      id: m.id,
      source: m.source,
      group_name: m.group,
      role: m.role,
      created_at: m.createdAt,
      created_by: m.createdBy,
    })
    .execute();
}

export async function deleteGroupRoleMapping(q: Q, id: string): Promise<GroupRoleMapping | undefined> {
  const row = await q.selectFrom('group_role_mappings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  await q.deleteFrom('group_role_mappings').where('id', '=', id).execute();
  return toGroupRoleMapping(row)[0];
}

// API tokens

export async function insertApiToken(q: Q, t: ApiToken & { tokenHash: string }): Promise<void> {
  await q
    .insertInto('api_tokens')
    .values({
      id: t.id,
      user_id: t.userId,
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      scopes: JSON.stringify(t.scopes),
      created_by: t.createdBy,
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
}

export async function findApiTokenByHash(q: Q, tokenHash: string): Promise<ApiToken | undefined> {
  const row = await q
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toApiToken(row);
}

export async function findApiToken(q: Q, id: string): Promise<ApiToken | undefined> {
  const row = await q.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toApiToken(row);
}

export async function listApiTokens(q: Q, userId?: string): Promise<ApiToken[]> {
  let query = q.selectFrom('api_tokens').selectAll();
  if (userId) query = query.where('user_id', '=', userId);
  return (await query.orderBy('created_at', 'desc').execute()).map(toApiToken);
}

export async function revokeApiToken(q: Q, id: string, at: string): Promise<void> {
  await q
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchApiToken(q: Q, id: string, at: string): Promise<void> {
  await q.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

// Setup links

export async function insertSetupToken(
  q: Q,
  t: { tokenHash: string; role: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await q
    .insertInto('setup_tokens')
    .values({
      token_hash: t.tokenHash,
      role: t.role,
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      used_at: null,
      used_by: null,
    })
    .execute();
}

export async function findSetupToken(q: Q, tokenHash: string) {
  return q.selectFrom('setup_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function markSetupTokenUsed(
  q: Q,
  tokenHash: string,
  at: string,
  userId: string,
): Promise<boolean> {
  const result = await q
    .updateTable('setup_tokens')
    .set({ used_at: at, used_by: userId })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every account's username and display name (the directory behind names shown on records). */
export async function listPeople(
  q: Q,
): Promise<{ username: string; displayName: string; disabled: boolean }[]> {
  const rows = await q
    .selectFrom('users')
    .select(['username', 'display_name', 'disabled'])
    .orderBy('username')
    .execute();
  return rows.map((r) => ({ username: r.username, displayName: r.display_name, disabled: r.disabled === 1 }));
}

// X-4 second factor (TOTP)

export interface Totp {
  /** Sealed (storage/secret-box.ts). */
  secret: string;
  confirmedAt: string | null;
  lastStep: number | null;
}

export async function findTotp(q: Q, userId: string): Promise<Totp | undefined> {
  const row = await q
    .selectFrom('users')
    .select(['totp_secret', 'totp_confirmed_at', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row?.totp_secret) return undefined;
  return {
    secret: row.totp_secret,
    confirmedAt: row.totp_confirmed_at,
    lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
  };
}

/** Starts (or restarts) an enrolment: a new secret, not confirmed. */
export async function startTotp(q: Q, userId: string, sealedSecret: string, at: string): Promise<void> {
  await q
    .updateTable('users')
    .set({ totp_secret: sealedSecret, totp_confirmed_at: null, totp_last_step: null, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

export async function confirmTotp(q: Q, userId: string, at: string): Promise<void> {
  await q
    .updateTable('users')
    .set({ totp_confirmed_at: at, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

/**
 * Records `step` as the newest accepted code's, only if it is newer than the last one: false when
 * a code of that step (or a later one) was already accepted — on any node, at the same moment.
 */
export async function claimTotpStep(q: Q, userId: string, step: number): Promise<boolean> {
  const result = await q
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function clearTotp(q: Q, userId: string, at: string): Promise<void> {
  await q
    .updateTable('users')
    .set({ totp_secret: null, totp_confirmed_at: null, totp_last_step: null, updated_at: at })
    .where('id', '=', userId)
    .execute();
  await q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(
  q: Q,
  userId: string,
  codeHashes: readonly string[],
  at: string,
): Promise<void> {
  await q.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await q
    .insertInto('recovery_codes')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: at, used_at: null })))
    .execute();
}

/** Spends a recovery code: false when it is unknown or already used. */
export async function useRecoveryCode(q: Q, userId: string, codeHash: string, at: string): Promise<boolean> {
  const result = await q
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countRecoveryCodesLeft(q: Q, userId: string): Promise<number> {
  const row = await q
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface SignInChallenge {
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  consumedAt: string | null;
}

export async function insertSignInChallenge(q: Q, c: SignInChallenge): Promise<void> {
  await q
    .insertInto('sign_in_challenges')
    .values({
      id_hash: c.idHash,
      user_id: c.userId,
      created_at: c.createdAt,
      expires_at: c.expiresAt,
      consumed_at: c.consumedAt,
    })
    .execute();
}

/** Pending sign-ins that ended before `before` are of no use to anyone: they go. */
export async function deleteSignInChallengesEndedBefore(q: Q, before: string): Promise<void> {
  await q.deleteFrom('sign_in_challenges').where('expires_at', '<', before).execute();
}

export async function findSignInChallenge(q: Q, idHash: string): Promise<SignInChallenge | undefined> {
  const row = await q
    .selectFrom('sign_in_challenges')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return (
    row && {
      idHash: row.id_hash,
      userId: row.user_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      consumedAt: row.consumed_at,
    }
  );
}

/** Spends a challenge once: false when it was already spent. */
export async function consumeSignInChallenge(q: Q, idHash: string, at: string): Promise<boolean> {
  const result = await q
    .updateTable('sign_in_challenges')
    .set({ consumed_at: at })
    .where('id_hash', '=', idHash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * how robot messages reach a user: a mobile phone number and the user's chat identities
 * (DingTalk userId, WeCom userid, Feishu open_id or user_id); null: none.
 */
export interface ChatContact {
  mobilePhone: string | null;
  dingtalkUserId: string | null;
  wecomUserId: string | null;
  feishuUserId: string | null;
}

/**
 * who confirmed the chat identities and when: a card pressed in a chat app acts as this
 * account only when they are confirmed (set or imported by the security administrator).
 */
export interface ChatConfirmation {
  confirmedBy: string | null;
  confirmedAt: string | null;
}

const contactColumns = [
  'mobile_phone',
  'dingtalk_user_id',
  'wecom_user_id',
  'feishu_user_id',
  'chat_ids_confirmed_by',
  'chat_ids_confirmed_at',
] as const;

export async function findContact(
  q: Q,
  userId: string,
): Promise<(ChatContact & ChatConfirmation) | undefined> {
  const row = await q.selectFrom('users').select(contactColumns).where('id', '=', userId).executeTakeFirst();
  return (
    row && {
      mobilePhone: row.mobile_phone,
      dingtalkUserId: row.dingtalk_user_id,
      wecomUserId: row.wecom_user_id,
      feishuUserId: row.feishu_user_id,
      confirmedBy: row.chat_ids_confirmed_by,
      confirmedAt: row.chat_ids_confirmed_at,
    }
  );
}

export async function setContact(
  q: Q,
  userId: string,
  c: ChatContact & ChatConfirmation,
  at: string,
): Promise<void> {
  await q
    .updateTable('users')
    .set({
      mobile_phone: c.mobilePhone,
      dingtalk_user_id: c.dingtalkUserId,
      wecom_user_id: c.wecomUserId,
      feishu_user_id: c.feishuUserId,
      chat_ids_confirmed_by: c.confirmedBy,
      chat_ids_confirmed_at: c.confirmedAt,
      updated_at: at,
    })
    .where('id', '=', userId)
    .execute();
}

/** The ids of the accounts with these user names (those that exist). */
export async function userIdsByUsername(q: Q, usernames: readonly string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await q
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', [...usernames])
    .execute();
  return new Map(rows.map((r) => [r.username, r.id]));
}
