import { api, routeUrl } from '../../api/client';
import type { AuditPage, AuditVerifyResult } from '../../api/types';

export const auditQueryKey = ['audit'] as const;
export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  outcome?: 'success' | 'denied' | 'failed';
  from?: string;
  to?: string;
  text?: string;
}

export function fetchAuditPage(
  filter: AuditFilter,
  beforeSeq: number | undefined,
  signal?: AbortSignal,
): Promise<AuditPage> {
  return api.GET('/api/audit/events', {
    params: { query: { ...filter, beforeSeq, limit: AUDIT_PAGE_SIZE } },
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
