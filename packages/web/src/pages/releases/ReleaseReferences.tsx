import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ResponseOf } from '../../api/routes';
import { releasesQueryKey } from './releases.api';

export type ReleaseReferences = ResponseOf<'/api/releases/{id}/references'>;
export type CiRef = ReleaseReferences['cis'][number];
export type DslRef = ReleaseReferences['dslVersions'][number];

const ReferencesContext = createContext<ReleaseReferences | undefined>(undefined);

export const referencesQueryKey = (id: string) => [...releasesQueryKey, 'references', id] as const;

/**
 * The names of the CIs and software versions a release names, read with the release's own right
 * (release.read), so a business representative or auditor sees names, not ids, without CMDB rights.
 */
export function ReleaseReferencesProvider({
  releaseId,
  children,
}: {
  releaseId: string;
  children: ReactNode;
}) {
  const { data } = useQuery({
    queryKey: referencesQueryKey(releaseId),
    queryFn: () => api.GET('/api/releases/{id}/references', { params: { path: { id: releaseId } } }),
    staleTime: 30_000,
  });
  return <ReferencesContext.Provider value={data}>{children}</ReferencesContext.Provider>;
}

/** The release's references, when inside a release page and loaded. */
export function useReleaseReferences(): ReleaseReferences | undefined {
  return useContext(ReferencesContext);
}
