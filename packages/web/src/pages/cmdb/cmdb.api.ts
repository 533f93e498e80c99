import { apiRequest, apiUpload, queryString, type TransferProgress } from '../../api/client';
import type {
  Baseline,
  BaselineDetail,
  BaselineDiff,
  Ci,
  CiDetail,
  CiHistoryEntry,
  CiPage,
  CiType,
  ImpactReport,
  ImportReport,
  RelationType,
} from '../../api/types';

/** Every CMDB query key starts here, so one invalidation refreshes lists, details and history. */
export const cmdbQueryKey = ['cmdb'] as const;
export const ciTypesQueryKey = [...cmdbQueryKey, 'types'] as const;
export const cisQueryKey = [...cmdbQueryKey, 'cis'] as const;
export const ciQueryKey = (id: string) => [...cmdbQueryKey, 'ci', id] as const;
export const baselinesQueryKey = [...cmdbQueryKey, 'baselines'] as const;

export const CI_PAGE_SIZE = 50;
export const MAX_IMPACT_DEPTH = 10;

export interface CiFilter {
  type?: string;
  environment?: string;
  owner?: string;
  critical?: 'true' | 'false';
  status?: 'active' | 'retired' | 'all';
  q?: string;
}

export interface CiInput {
  type: string;
  name: string;
  environment: string;
  owner?: string | null;
  critical?: boolean;
  version?: string | null;
  attributes?: Record<string, unknown>;
  description?: string | null;
}

const ci = (id: string) => `/api/cmdb/cis/${encodeURIComponent(id)}`;

export async function listCiTypes(): Promise<CiType[]> {
  return (await apiRequest<{ types: CiType[] }>('/api/cmdb/types')).types;
}

export function listCis(
  filter: CiFilter,
  cursor: string | undefined,
  signal?: AbortSignal,
  limit = CI_PAGE_SIZE,
): Promise<CiPage> {
  return apiRequest<CiPage>('/api/cmdb/cis', { query: { ...filter, cursor, limit }, signal });
}

export function getCi(id: string): Promise<CiDetail> {
  return apiRequest<CiDetail>(ci(id));
}

export function createCi(input: CiInput & { reason?: string }): Promise<Ci> {
  return apiRequest<Ci>('/api/cmdb/cis', { method: 'POST', body: input });
}

export function updateCi(
  id: string,
  input: Partial<CiInput> & { revision: number; reason: string },
): Promise<Ci> {
  return apiRequest<Ci>(ci(id), { method: 'PATCH', body: input });
}

export function retireCi(id: string, reason: string): Promise<Ci> {
  return apiRequest<Ci>(`${ci(id)}/retire`, { method: 'POST', body: { reason } });
}

export async function ciHistory(id: string): Promise<CiHistoryEntry[]> {
  return (await apiRequest<{ entries: CiHistoryEntry[] }>(`${ci(id)}/history`)).entries;
}

/** CM-2: what a change to this CI affects; with `limit`, the nearest `limit` CIs (the counts cover all). */
export function ciImpact(id: string, depth: number, limit?: number): Promise<ImpactReport> {
  return apiRequest<ImpactReport>(`${ci(id)}/impact`, { query: { depth, limit } });
}

export function addRelation(input: {
  sourceId: string;
  targetId: string;
  type: RelationType;
  reason?: string;
}): Promise<unknown> {
  return apiRequest('/api/cmdb/relations', { method: 'POST', body: input });
}

export function removeRelation(id: string, reason: string): Promise<void> {
  return apiRequest<void>(`/api/cmdb/relations/${encodeURIComponent(id)}/remove`, {
    method: 'POST',
    body: { reason },
  });
}

export async function listBaselines(): Promise<Baseline[]> {
  return (await apiRequest<{ baselines: Baseline[] }>('/api/cmdb/baselines')).baselines;
}

export interface TakeBaselineInput {
  name: string;
  description?: string | null;
  ciIds?: string[];
  filter?: { type?: string; environment?: string; owner?: string; critical?: boolean };
}

export function takeBaseline(input: TakeBaselineInput): Promise<Baseline> {
  return apiRequest<Baseline>('/api/cmdb/baselines', { method: 'POST', body: input });
}

export function getBaseline(id: string): Promise<BaselineDetail> {
  return apiRequest<BaselineDetail>(`/api/cmdb/baselines/${encodeURIComponent(id)}`);
}

export function compareBaseline(id: string, against: string): Promise<BaselineDiff> {
  return apiRequest<BaselineDiff>(`/api/cmdb/baselines/${encodeURIComponent(id)}/compare`, {
    query: { against },
  });
}

export type ImportFormat = 'csv' | 'xlsx';

export function importFormatOf(filename: string): ImportFormat | null {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.xlsx')) return 'xlsx';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

export function importCmdb(
  file: File,
  options: {
    format: ImportFormat;
    dryRun: boolean;
    kind?: 'cis' | 'relations';
    onProgress?: (progress: TransferProgress) => void;
    signal?: AbortSignal;
  },
): Promise<ImportReport> {
  return apiUpload<ImportReport>('/api/cmdb/import', {
    method: 'POST',
    query: { format: options.format, dryRun: options.dryRun, kind: options.kind },
    file,
    filename: file.name,
    onProgress: options.onProgress,
    signal: options.signal,
  });
}

/** A plain link: the browser downloads the file with the session cookie. */
export function cmdbExportUrl(format: 'xlsx'): string;
export function cmdbExportUrl(format: 'csv', kind: 'cis' | 'relations'): string;
export function cmdbExportUrl(format: ImportFormat, kind?: 'cis' | 'relations'): string {
  return `/api/cmdb/export${queryString({ format, kind })}`;
}

/** CM-2: everything a set of CIs affects, transitively (for a plan's scope of impact). */
export function impactOfCis(ciIds: string[], maxDepth = 5): Promise<ImpactReport> {
  return apiRequest<ImpactReport>('/api/cmdb/impact', { method: 'POST', body: { ciIds, maxDepth } });
}
