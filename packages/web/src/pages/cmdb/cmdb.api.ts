import { queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, apiUpload, routeUrl, type TransferProgress } from '../../api/client';
import type { BodyOf, QueryOf } from '../../api/routes';
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
const baselineQueryKey = (id: string) => [...baselinesQueryKey, id] as const;

export const CI_PAGE_SIZE = 50;
export const MAX_IMPACT_DEPTH = 10;

export type CiFilter = Omit<QueryOf<'/api/cmdb/cis'>, 'cursor' | 'limit' | 'sort'>;
/** The CI list's sorts, done by the server (its keyset order): name or last change, either way. */
export type CiSort = NonNullable<QueryOf<'/api/cmdb/cis'>['sort']>;

export type CiInput = Omit<BodyOf<'/api/cmdb/cis'>, 'reason'>;

const path = (id: string) => ({ params: { path: { id } } });

export async function listCiTypes(): Promise<CiType[]> {
  return (await api.GET('/api/cmdb/types')).types;
}

export function listCis(
  filter: CiFilter,
  cursor: string | undefined,
  signal?: AbortSignal,
  limit = CI_PAGE_SIZE,
  sort?: CiSort,
): Promise<CiPage> {
  return api.GET('/api/cmdb/cis', { params: { query: { ...filter, cursor, limit, sort } }, signal });
}

export function getCi(id: string): Promise<CiDetail> {
  return api.GET('/api/cmdb/cis/{id}', path(id));
}

export function createCi(input: CiInput & { reason?: string }): Promise<Ci> {
  return api.POST('/api/cmdb/cis', { body: input });
}

export function updateCi(id: string, input: BodyOf<'/api/cmdb/cis/{id}', 'patch'>): Promise<Ci> {
  return api.PATCH('/api/cmdb/cis/{id}', { ...path(id), body: input });
}

export function retireCi(id: string, reason: string): Promise<Ci> {
  return api.POST('/api/cmdb/cis/{id}/retire', { ...path(id), body: { reason } });
}

export async function ciHistory(id: string): Promise<CiHistoryEntry[]> {
  return (await api.GET('/api/cmdb/cis/{id}/history', path(id))).entries;
}

/** CM-2: what a change to this CI affects; with `limit`, the nearest `limit` CIs (the counts cover all). */
export function ciImpact(id: string, depth: number, limit?: number): Promise<ImpactReport> {
  return api.GET('/api/cmdb/cis/{id}/impact', { params: { path: { id }, query: { depth, limit } } });
}

export function addRelation(input: {
  sourceId: string;
  targetId: string;
  type: RelationType;
  reason?: string;
}): Promise<unknown> {
  return api.POST('/api/cmdb/relations', { body: input });
}

export function removeRelation(id: string, reason: string): Promise<void> {
  return api.POST('/api/cmdb/relations/{id}/remove', { ...path(id), body: { reason } });
}

export async function listBaselines(): Promise<Baseline[]> {
  return (await api.GET('/api/cmdb/baselines')).baselines;
}

export type TakeBaselineInput = BodyOf<'/api/cmdb/baselines'>;

export function takeBaseline(input: TakeBaselineInput): Promise<Baseline> {
  return api.POST('/api/cmdb/baselines', { body: input });
}

export function getBaseline(id: string): Promise<BaselineDetail> {
  return api.GET('/api/cmdb/baselines/{id}', path(id));
}

export function compareBaseline(id: string, against: string): Promise<BaselineDiff> {
  return api.GET('/api/cmdb/baselines/{id}/compare', { params: { path: { id }, query: { against } } });
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
  return apiUpload('/api/cmdb/import', {
    method: 'post',
    params: {
      query: { format: options.format, dryRun: options.dryRun ? 'true' : 'false', kind: options.kind },
    },
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
  return routeUrl('/api/cmdb/export', { query: { format, kind } });
}

/** CM-2: everything a set of CIs affects, transitively (for a plan's scope of impact). */
export function impactOfCis(ciIds: string[], maxDepth = 5): Promise<ImpactReport> {
  return api.POST('/api/cmdb/impact', { body: { ciIds, maxDepth } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

/** CI types and their attribute fields (they rarely change); `useCiTypes` adds the lookups. */
export function useCiTypesQuery() {
  return useQuery({ queryKey: ciTypesQueryKey, queryFn: listCiTypes, staleTime: 5 * 60_000 });
}

/** The CMDB page by page with the server's keyset cursor. */
export function useCiPages(filter: CiFilter, sort?: CiSort) {
  return useInfiniteQuery({
    queryKey: [...cisQueryKey, filter, sort],
    queryFn: ({ pageParam, signal }) => listCis(filter, pageParam, signal, CI_PAGE_SIZE, sort),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** Active CIs matching what is typed in a picker (the first 30); the last answer stays while typing. */
export function useCiSearch(q: string) {
  return useQuery({
    queryKey: [...cisQueryKey, 'pick', q],
    queryFn: ({ signal }) => listCis({ q: q || undefined, status: 'active' }, undefined, signal, 30),
    placeholderData: (previous) => previous,
  });
}

/** One CI as a query's options, for screens that read several at once (`useQueries`). */
export function ciQuery(id: string, staleTime?: number) {
  return queryOptions({ queryKey: ciQueryKey(id), queryFn: () => getCi(id), staleTime });
}

export function useCi(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...ciQuery(id), ...options });
}

export function useCiHistory(id: string) {
  return useQuery({ queryKey: [...ciQueryKey(id), 'history'], queryFn: () => ciHistory(id) });
}

/** What a change to the CI affects up to `depth`; the last answer stays while a new depth loads. */
export function useCiImpact(id: string, depth: number, limit?: number) {
  return useQuery({
    queryKey: [...ciQueryKey(id), 'impact', depth, limit],
    queryFn: () => ciImpact(id, depth, limit),
    placeholderData: (previous) => previous,
  });
}

export function useBaselines() {
  return useQuery({ queryKey: baselinesQueryKey, queryFn: listBaselines });
}

export function useBaseline(id: string) {
  return useQuery({ queryKey: baselineQueryKey(id), queryFn: () => getBaseline(id) });
}

/** A baseline against now or another baseline (null: not asked yet); always compared afresh. */
export function useBaselineComparison(id: string, against: string | null) {
  return useQuery({
    queryKey: [...baselineQueryKey(id), 'compare', against],
    queryFn: () => compareBaseline(id, against ?? 'now'),
    enabled: against !== null,
    staleTime: 0,
  });
}
