import { apiRequest } from '../../api/client';
import type { ApiToken, CreatedToken } from '../../api/types';

export const tokensQueryKey = ['tokens'] as const;

export interface CreateTokenInput {
  name: string;
  scopes: string[];
  expiresInDays: number;
  userId?: string;
}

export async function listTokens(userId?: string): Promise<ApiToken[]> {
  return (await apiRequest<{ tokens: ApiToken[] }>('/api/tokens', { query: { userId } })).tokens;
}

export function createToken(input: CreateTokenInput): Promise<CreatedToken> {
  return apiRequest<CreatedToken>('/api/tokens', { method: 'POST', body: input });
}

export function revokeToken(id: string): Promise<ApiToken> {
  return apiRequest<ApiToken>(`/api/tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
}
