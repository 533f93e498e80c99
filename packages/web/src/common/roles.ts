import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RolesView } from '../api/types';

export const rolesQueryKey = ['roles'] as const;

/** Roles and the permissions each grants, as the server defines them. */
export function useRolesQuery() {
  return useQuery({
    queryKey: rolesQueryKey,
    queryFn: () => api.GET('/api/roles'),
    staleTime: Infinity,
  });
}

export interface RoleOptionGroup {
  label: string;
  title: string;
  options: { label: string; value: string }[];
}

/** Select options grouped into business roles and the three system (administrator) roles. */
export function useRoleOptions(): {
  groups: RoleOptionGroup[];
  administratorRoles: Set<string>;
  loading: boolean;
} {
  const { t } = useTranslation();
  const roles = useRolesQuery();
  return useMemo(() => {
    const list = roles.data?.roles ?? [];
    const option = (role: string) => ({ label: t(`roles.${role}`, { defaultValue: role }), value: role });
    return {
      loading: roles.isPending,
      administratorRoles: new Set(list.filter((r) => r.administrator).map((r) => r.role)),
      groups: [
        {
          label: t('roleGroups.business'),
          title: 'business',
          options: list.filter((r) => !r.administrator).map((r) => option(r.role)),
        },
        {
          label: t('roleGroups.administrator'),
          title: 'administrator',
          options: list.filter((r) => r.administrator).map((r) => option(r.role)),
        },
      ],
    };
  }, [roles.data, roles.isPending, t]);
}

/** The permissions a set of roles grants, from the server's role table. */
export function permissionsOfRoles(view: RolesView | undefined, roles: readonly string[]): string[] {
  if (!view) return [];
  const held = new Set<string>();
  for (const info of view.roles) if (roles.includes(info.role)) for (const p of info.permissions) held.add(p);
  return view.permissions.filter((p) => held.has(p));
}
