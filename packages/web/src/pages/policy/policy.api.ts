import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf } from '../../api/routes';
import type { PolicyVersion } from '../../api/types';

export const policyQueryKey = ['policy'] as const;
export const policyVersionsQueryKey = [...policyQueryKey, 'versions'] as const;

export type DraftPolicyInput = BodyOf<'/api/policy/versions'>;

export function currentPolicy(): Promise<PolicyVersion> {
  return api.GET('/api/policy');
}

export async function listPolicyVersions(): Promise<PolicyVersion[]> {
  return (await api.GET('/api/policy/versions')).versions;
}

export function draftPolicyVersion(input: DraftPolicyInput): Promise<PolicyVersion> {
  return api.POST('/api/policy/versions', { body: input });
}

export function approvePolicyVersion(id: string): Promise<PolicyVersion> {
  return api.POST('/api/policy/versions/{id}/approve', { params: { path: { id } } });
}

export function getPolicyVersion(id: string): Promise<PolicyVersion> {
  return api.GET('/api/policy/versions/{id}', { params: { path: { id } } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

export function useCurrentPolicy() {
  return useQuery({ queryKey: policyQueryKey, queryFn: currentPolicy });
}

export function usePolicyVersions() {
  return useQuery({ queryKey: policyVersionsQueryKey, queryFn: listPolicyVersions });
}

/** One policy version (a release's rules); versions do not change once approved. */
export function usePolicyVersion(id: string) {
  return useQuery({
    queryKey: [...policyQueryKey, 'version', id],
    queryFn: () => getPolicyVersion(id),
    staleTime: 5 * 60_000,
  });
}
