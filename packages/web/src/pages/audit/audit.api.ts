import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, routeUrl } from '../../api/client';
import type { QueryOf } from '../../api/routes';
import type { AuditPage, AuditVerifyResult } from '../../api/types';

export const auditQueryKey = ['audit'] as const;
export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = Omit<QueryOf<'/api/audit/events'>, 'cursor' | 'limit' | 'sort'>;

export function fetchAuditPage(
  filter: AuditFilter,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<AuditPage> {
  return api.GET('/api/audit/events', {
    params: { query: { ...filter, cursor, limit: AUDIT_PAGE_SIZE } },
    signal,
  });
}

/** A plain link: the browser downloads the file with the session cookie. */
export function auditExportUrl(filter: AuditFilter, format: 'csv' | 'jsonl'): string {
  return routeUrl('/api/audit/export', { query: { ...filter, format } });
}

export function verifyAuditChain(): Promise<AuditVerifyResult> {
  return api.GET('/api/audit/verify');
}

// Queries: one hook per resource, so every screen asks for it under the same key.

/** The log page by page, newest first, always read afresh (it only grows). */
export function useAuditEvents(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: [...auditQueryKey, filter],
    queryFn: ({ pageParam, signal }) => fetchAuditPage(filter, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    staleTime: 0,
  });
}

/** The newest page of one object's entries (a release's 审计 tab). */
export function useEntityAuditEvents(entityId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...auditQueryKey, { entityId }, 'release-tab'],
    queryFn: ({ signal }) => fetchAuditPage({ entityId }, undefined, signal),
    ...options,
  });
}
