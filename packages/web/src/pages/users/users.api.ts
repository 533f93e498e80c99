import { apiRequest } from '../../api/client';
import type { User } from '../../api/types';

export const usersQueryKey = ['users'] as const;

export interface UserFilter {
  text?: string;
  role?: string;
  status?: UserStatusFilter;
}

export type UserStatusFilter = 'active' | 'disabled' | 'locked';

export interface CreateUserInput {
  username: string;
  displayName: string;
  email: string | null;
  roles: string[];
  /** A person's initial password; none for a service account. */
  password?: string;
  serviceAccount?: boolean;
}

export interface UpdateUserInput {
  displayName?: string;
  email?: string | null;
  roles?: string[];
}

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
  const { users } = await apiRequest<{ users: User[] }>('/api/users', {
    query: { text: filter.text?.trim(), role: filter.role, disabled },
  });
  if (filter.status === 'locked') return users.filter((u) => isLocked(u));
  if (filter.status === 'active') return users.filter((u) => !isLocked(u));
  return users;
}

export function createUser(input: CreateUserInput): Promise<User> {
  return apiRequest<User>('/api/users', { method: 'POST', body: input });
}

export function updateUser(id: string, input: UpdateUserInput): Promise<User> {
  return apiRequest<User>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: input });
}

export function userAction(id: string, action: 'disable' | 'enable' | 'unlock'): Promise<User> {
  return apiRequest<User>(`/api/users/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
}

export function resetPassword(id: string, password: string): Promise<User> {
  return apiRequest<User>(`/api/users/${encodeURIComponent(id)}/password`, {
    method: 'POST',
    body: { password },
  });
}

/** removes another user's two-step verification (a lost authenticator); they enrol again. */
export function resetSecondFactor(id: string): Promise<void> {
  return apiRequest<void>(`/api/users/${encodeURIComponent(id)}/second-factor/reset`, { method: 'POST' });
}
