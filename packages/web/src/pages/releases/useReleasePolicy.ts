import type { Release } from '../../api/types';
import { usePolicyVersion } from '../policy/policy.api';

/** The policy version the release is governed by (its rules: deadlines, thresholds, checklists). */
export function useReleasePolicy(release: Pick<Release, 'policyVersionId'>) {
  return usePolicyVersion(release.policyVersionId);
}
