import { useQuery } from '@tanstack/react-query';
import { api, apiDownload, apiUpload, routeUrl, type TransferProgress } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/routes';
import type { DslVersion } from '../../api/types';

export const dslQueryKey = ['dsl'] as const;
export const dslVersionQueryKey = (id: string) => [...dslQueryKey, 'version', id] as const;

export type DslFilter = QueryOf<'/api/dsl/versions'>;

export type RegisterInput = BodyOf<'/api/dsl/versions'>;

const path = (id: string) => ({ params: { path: { id } } });

/** A page of versions (`nextCursor` continues it), filtered and sorted by the server. */
export type DslPage = ResponseOf<'/api/dsl/versions'>;

export function listVersions(filter: DslFilter): Promise<DslPage> {
  return api.GET('/api/dsl/versions', { params: { query: filter } });
}

export function getVersion(id: string): Promise<DslVersion> {
  return api.GET('/api/dsl/versions/{id}', path(id));
}

export function registerVersion(input: RegisterInput): Promise<DslVersion> {
  return api.POST('/api/dsl/versions', { body: input });
}

export function updateVersion(id: string, input: BodyOf<'/api/dsl/versions/{id}', 'patch'>) {
  return api.PATCH('/api/dsl/versions/{id}', { ...path(id), body: input });
}

export function uploadContent(
  id: string,
  file: File,
  onProgress?: (progress: TransferProgress) => void,
  signal?: AbortSignal,
): Promise<DslVersion> {
  return apiUpload('/api/dsl/versions/{id}/content', {
    method: 'put',
    ...path(id),
    file,
    filename: file.name,
    onProgress,
    signal,
  });
}

export function approveVersion(id: string, comment: string | null): Promise<DslVersion> {
  return api.POST('/api/dsl/versions/{id}/approve', { ...path(id), body: { comment } });
}

export function rejectVersion(id: string, comment: string): Promise<DslVersion> {
  return api.POST('/api/dsl/versions/{id}/reject', { ...path(id), body: { comment } });
}

export function retireVersion(id: string, reason: string): Promise<DslVersion> {
  return api.POST('/api/dsl/versions/{id}/retire', { ...path(id), body: { reason } });
}

export function deleteVersion(id: string): Promise<void> {
  return api.DELETE('/api/dsl/versions/{id}', path(id));
}

export const contentUrl = (id: string) => routeUrl('/api/dsl/versions/{id}/content', { path: { id } });

export function downloadContent(id: string, onProgress?: (progress: TransferProgress) => void) {
  return apiDownload('/api/dsl/versions/{id}/content', { ...path(id), onProgress });
}

/** 1.5 MB, 320 KB, 12 B. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Files up to this size download through the page (errors shown in place); larger ones by link. */
export const IN_PAGE_DOWNLOAD_LIMIT = 256 * 1024 * 1024;

// Queries: one hook per resource, so every screen asks for it under the same key.

/** A page of the versions matching a filter; the last answer stays while a new one loads. */
export function useDslVersions(filter: DslFilter) {
  return useQuery({
    queryKey: [...dslQueryKey, 'list', filter],
    queryFn: () => listVersions(filter),
    placeholderData: (previous) => previous,
  });
}

export function useDslVersion(id: string) {
  return useQuery({ queryKey: dslVersionQueryKey(id), queryFn: () => getVersion(id) });
}
