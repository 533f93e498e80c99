import { useMemo } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { permissionsOfRoles, useRolesQuery } from '../../common/roles';
import { useUsers } from '../users/users.api';

/**
 * Who may own a new token, and what each may hold: yourself always; the enabled service accounts
 * when you manage tokens (X-4: a token acting as a person is issued by that person only). A
 * token's scopes never exceed its owner's permissions, a service account's stay within the
 * pipeline scopes, and no token manages identities.
 */
export function useOwnerOptions(manageAll: boolean) {
  const { session } = useAuth();
  const roles = useRolesQuery();
  // The service accounts a token may be made for (at most 200 offered).
  const users = useUsers({ serviceAccount: 'true', disabled: 'false', limit: 200 }, { enabled: manageAll });
  return useMemo(() => {
    const me = session.user;
    const others = (users.data?.items ?? []).filter((u) => u.id !== me.id && !u.disabled && u.serviceAccount);
    const never = new Set(roles.data?.tokenScopes.never ?? []);
    const pipeline = new Set(roles.data?.tokenScopes.pipeline ?? []);
    const owners = [{ id: me.id, username: me.username, displayName: me.displayName }, ...others];
    const permissionsOf = (userId: string): string[] => {
      if (userId === me.id) return me.permissions.filter((p) => !never.has(p));
      const user = others.find((u) => u.id === userId);
      return user ? permissionsOfRoles(roles.data, user.roles).filter((p) => pipeline.has(p)) : [];
    };
    return { owners, permissionsOf, loading: users.isFetching || roles.isPending };
  }, [session.user, users.data, users.isFetching, roles.data, roles.isPending]);
}
