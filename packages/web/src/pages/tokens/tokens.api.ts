import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf } from '../../api/routes';
import type { ApiToken, CreatedToken } from '../../api/types';

export const tokensQueryKey = ['tokens'] as const;

export type CreateTokenInput = BodyOf<'/api/tokens'>;

export async function listTokens(userId?: string): Promise<ApiToken[]> {
  return (await api.GET('/api/tokens', { params: { query: { userId } } })).tokens;
}

export function createToken(input: CreateTokenInput): Promise<CreatedToken> {
  return api.POST('/api/tokens', { body: input });
}

export function revokeToken(id: string): Promise<ApiToken> {
  return api.POST('/api/tokens/{id}/revoke', { params: { path: { id } } });
}

/** The tokens of one owner, or all tokens the user may see (undefined). */
export function useTokens(userId: string | undefined) {
  return useQuery({ queryKey: [...tokensQueryKey, userId ?? 'all'], queryFn: () => listTokens(userId) });
}

/** IM-7: the pipeline client the server serves, its SHA-256 and size. */
export function useCiClientInfo() {
  return useQuery({
    queryKey: ['ci-client'],
    queryFn: () => api.GET('/api/downloads/ci-client'),
    staleTime: Infinity,
    retry: false,
  });
}
