import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { SecondFactorPending, SessionView } from '../api/types';

export const sessionQueryKey = ['session'] as const;

/** GET /api/auth/session; a 401 here means "not signed in", which the guard handles. */
export function fetchSession(): Promise<SessionView> {
  return api.GET('/api/auth/session', { redirectOn401: false });
}

export function useSessionQuery() {
  return useQuery({ queryKey: sessionQueryKey, queryFn: fetchSession, staleTime: 60_000, retry: false });
}

/** A session, or a sign-in that waits for its second factor. */
export function login(input: {
  username: string;
  password: string;
}): Promise<SessionView | SecondFactorPending> {
  return api.POST('/api/auth/login', { body: input, redirectOn401: false });
}

/**
 * Ends the session. X-4: a session from single sign-on whose provider offers RP-initiated logout
 * answers the provider's end-session URL, where the browser goes next to end that one too.
 */
export async function logout(): Promise<{ endSessionUrl: string } | undefined> {
  const answer = await api.POST('/api/auth/logout', { redirectOn401: false });
  return answer && typeof answer === 'object' && 'endSessionUrl' in answer ? answer : undefined;
}

export function changePassword(input: {
  currentPassword: string;
  newPassword: string;
}): Promise<SessionView> {
  return api.POST('/api/auth/password', { body: input });
}

/** the sign-in methods this installation offers (password, LDAP, single sign-on). */
export function useSignInMethods() {
  return useQuery({
    queryKey: ['sign-in-methods'],
    queryFn: () => api.GET('/api/auth/methods', { redirectOn401: false }),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
