import { useQuery } from '@tanstack/react-query';
import type { Release } from '../../api/types';
import { getPolicyVersion, policyQueryKey } from '../policy/policy.api';

/** The policy version the release is governed by (its rules: deadlines, thresholds, checklists). */
export function useReleasePolicy(release: Pick<Release, 'policyVersionId'>) {
  return useQuery({
    queryKey: [...policyQueryKey, 'version', release.policyVersionId],
    queryFn: () => getPolicyVersion(release.policyVersionId),
    staleTime: 5 * 60_000,
  });
}
