import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/routes';
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

/** The user list's query: filters, sort, cursor and page size. */
export type UserQuery = QueryOf<'/api/users'>;

/** A page of users (`nextCursor` continues it), filtered and sorted by the server. */
export type UserPage = ResponseOf<'/api/users'>;

export function listUsers(query: UserQuery): Promise<UserPage> {
  return api.GET('/api/users', { params: { query: { ...query, text: query.text?.trim() || undefined } } });
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

/** A page of the users matching a query; the last answer stays while a new one loads. */
export function useUsers(query: UserQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...usersQueryKey, query],
    queryFn: () => listUsers(query),
    placeholderData: (previous) => previous,
    ...options,
  });
}

/** removes another user's two-step verification (a lost authenticator); they enrol again. */
export function resetSecondFactor(id: string): Promise<void> {
  return api.POST('/api/users/{id}/second-factor/reset', { params: { path: { id } } });
}
