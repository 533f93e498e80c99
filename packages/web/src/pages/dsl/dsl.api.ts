import { apiDownload, apiRequest, apiUpload, type TransferProgress } from '../../api/client';
import type { DslState, DslVersion } from '../../api/types';

export const dslQueryKey = ['dsl'] as const;
export const dslVersionQueryKey = (id: string) => [...dslQueryKey, 'version', id] as const;

export interface DslFilter {
  q?: string;
  name?: string;
  state?: DslState;
}

export interface RegisterInput {
  name: string;
  version: string;
  description?: string | null;
  source?: string | null;
  external?: { url: string; digest: string; size?: number | null };
}

const version = (id: string) => `/api/dsl/versions/${encodeURIComponent(id)}`;

export async function listVersions(filter: DslFilter): Promise<DslVersion[]> {
  return (await apiRequest<{ versions: DslVersion[] }>('/api/dsl/versions', { query: { ...filter } }))
    .versions;
}

export function getVersion(id: string): Promise<DslVersion> {
  return apiRequest<DslVersion>(version(id));
}

export function registerVersion(input: RegisterInput): Promise<DslVersion> {
  return apiRequest<DslVersion>('/api/dsl/versions', { method: 'POST', body: input });
}

export function updateVersion(id: string, input: { description?: string | null; source?: string | null }) {
  return apiRequest<DslVersion>(version(id), { method: 'PATCH', body: input });
}

export function uploadContent(
  id: string,
  file: File,
  onProgress?: (progress: TransferProgress) => void,
  signal?: AbortSignal,
): Promise<DslVersion> {
  return apiUpload<DslVersion>(`${version(id)}/content`, {
    method: 'PUT',
    file,
    filename: file.name,
    onProgress,
    signal,
  });
}

export function approveVersion(id: string, comment: string | null): Promise<DslVersion> {
  return apiRequest<DslVersion>(`${version(id)}/approve`, { method: 'POST', body: { comment } });
}

export function rejectVersion(id: string, comment: string): Promise<DslVersion> {
  return apiRequest<DslVersion>(`${version(id)}/reject`, { method: 'POST', body: { comment } });
}

export function retireVersion(id: string, reason: string): Promise<DslVersion> {
  return apiRequest<DslVersion>(`${version(id)}/retire`, { method: 'POST', body: { reason } });
}

export function deleteVersion(id: string): Promise<void> {
  return apiRequest<void>(version(id), { method: 'DELETE' });
}

export const contentUrl = (id: string) => `${version(id)}/content`;

export function downloadContent(id: string, onProgress?: (progress: TransferProgress) => void) {
  return apiDownload(contentUrl(id), { onProgress });
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
