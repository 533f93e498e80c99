import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf } from '../../api/routes';

export const directoryQueryKey = ['directory'] as const;

export type GroupRoleMappingInput = BodyOf<'/api/directory/mappings'>;

/** how directory sign-in is configured (no secrets). */
export function useDirectoryStatus() {
  return useQuery({
    queryKey: [...directoryQueryKey, 'status'],
    queryFn: () => api.GET('/api/directory/status'),
  });
}

/** RO-1: directory groups and the roles their members hold. */
export function useGroupRoleMappings() {
  return useQuery({
    queryKey: [...directoryQueryKey, 'mappings'],
    queryFn: async () => (await api.GET('/api/directory/mappings')).mappings,
  });
}

export function addGroupRoleMapping(input: GroupRoleMappingInput) {
  return api.POST('/api/directory/mappings', { body: input });
}

export function removeGroupRoleMapping(id: string): Promise<void> {
  return api.DELETE('/api/directory/mappings/{id}', { params: { path: { id } } });
}

/** Looks every directory user up again now; who was disabled and whose roles changed. */
export function recheckDirectory(confirmRemovals = false) {
  return api.POST('/api/directory/recheck', { body: { confirmRemovals } });
}

/** names (or un-names) the local break-glass administrator. */
export function setBreakGlass(id: string, breakGlass: boolean) {
  return api.PUT('/api/users/{id}/break-glass', { params: { path: { id } }, body: { breakGlass } });
}
