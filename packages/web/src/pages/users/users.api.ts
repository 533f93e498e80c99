import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf } from '../../api/routes';
import type { Role, User } from '../../api/types';

export const usersQueryKey = ['users'] as const;

export interface UserFilter {
  text?: string;
  role?: Role;
  status?: UserStatusFilter;
}

export type UserStatusFilter = 'active' | 'disabled' | 'locked';

export type CreateUserInput = BodyOf<'/api/users'>;

export type UpdateUserInput = BodyOf<'/api/users/{id}', 'patch'>;

export function isLocked(user: User, now = Date.now()): boolean {
  return user.lockedUntil !== null && Date.parse(user.lockedUntil) > now;
}

export async function listUsers(filter: UserFilter): Promise<User[]> {
  const disabled =
    filter.status === 'disabled'
      ? 'true'
      : filter.status === 'active' || filter.status === 'locked'
        ? 'false'
        : undefined;
  const { users } = await api.GET('/api/users', {
    params: { query: { text: filter.text?.trim(), role: filter.role, disabled } },
  });
  if (filter.status === 'locked') return users.filter((u) => isLocked(u));
  if (filter.status === 'active') return users.filter((u) => !isLocked(u));
  return users;
}

export function createUser(input: CreateUserInput): Promise<User> {
  return api.POST('/api/users', { body: input });
}

export function updateUser(id: string, input: UpdateUserInput): Promise<User> {
  return api.PATCH('/api/users/{id}', { params: { path: { id } }, body: input });
}

export function userAction(id: string, action: 'disable' | 'enable' | 'unlock'): Promise<User> {
  const params = { path: { id } };
  if (action === 'disable') return api.POST('/api/users/{id}/disable', { params });
  if (action === 'enable') return api.POST('/api/users/{id}/enable', { params });
  return api.POST('/api/users/{id}/unlock', { params });
}

export function resetPassword(id: string, password: string): Promise<User> {
  return api.POST('/api/users/{id}/password', { params: { path: { id } }, body: { password } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

/** Users matching a filter; the last answer stays while a new filter loads. */
export function useUsers(filter: UserFilter, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...usersQueryKey, filter],
    queryFn: () => listUsers(filter),
    placeholderData: (previous) => previous,
    ...options,
  });
}

/** removes another user's two-step verification (a lost authenticator); they enrol again. */
export function resetSecondFactor(id: string): Promise<void> {
  return api.POST('/api/users/{id}/second-factor/reset', { params: { path: { id } } });
}
