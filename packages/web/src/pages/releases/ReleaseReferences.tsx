import { createContext, useContext, type ReactNode } from 'react';
import { useReleaseReferencesQuery, type ReleaseReferences } from './releases.api';

export type { ReleaseReferences };
export type CiRef = ReleaseReferences['cis'][number];
export type DslRef = ReleaseReferences['dslVersions'][number];

const ReferencesContext = createContext<ReleaseReferences | undefined>(undefined);

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
  const { data } = useReleaseReferencesQuery(releaseId);
  return <ReferencesContext.Provider value={data}>{children}</ReferencesContext.Provider>;
}

/** The release's references, when inside a release page and loaded. */
export function useReleaseReferences(): ReleaseReferences | undefined {
  return useContext(ReferencesContext);
}
