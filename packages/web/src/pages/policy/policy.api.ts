import { apiRequest } from '../../api/client';
import type { PolicyRules, PolicyVersion } from '../../api/types';

export const policyQueryKey = ['policy'] as const;
export const policyVersionsQueryKey = [...policyQueryKey, 'versions'] as const;

export interface DraftPolicyInput {
  version: string;
  effectiveDate: string;
  change: string;
  rules: PolicyRules;
}

export function currentPolicy(): Promise<PolicyVersion> {
  return apiRequest<PolicyVersion>('/api/policy');
}

export async function listPolicyVersions(): Promise<PolicyVersion[]> {
  return (await apiRequest<{ versions: PolicyVersion[] }>('/api/policy/versions')).versions;
}

export function draftPolicyVersion(input: DraftPolicyInput): Promise<PolicyVersion> {
  return apiRequest<PolicyVersion>('/api/policy/versions', { method: 'POST', body: input });
}

export function approvePolicyVersion(id: string): Promise<PolicyVersion> {
  return apiRequest<PolicyVersion>(`/api/policy/versions/${encodeURIComponent(id)}/approve`, {
    method: 'POST',
  });
}

export function getPolicyVersion(id: string): Promise<PolicyVersion> {
  return apiRequest<PolicyVersion>(`/api/policy/versions/${encodeURIComponent(id)}`);
}
