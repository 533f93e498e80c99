import { createContext, useContext } from 'react';
import type { SessionView } from '../api/types';

export interface Auth {
  session: SessionView;
  can: (permission: string) => boolean;
  canAny: (permissions: readonly string[]) => boolean;
}

export const AuthContext = createContext<Auth | null>(null);

export function authFor(session: SessionView): Auth {
  const held = new Set(session.user.permissions);
  return {
    session,
    can: (permission) => held.has(permission),
    canAny: (permissions) => permissions.some((p) => held.has(p)),
  };
}

/** The signed-in user; only pages under RequireAuth call this. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth() outside <RequireAuth>');
  return auth;
}
