import { useQuery } from '@tanstack/react-query';
import { api, apiDownload } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/routes';
import type { ReleaseDetail } from '../../../api/types';
import { releasesQueryKey } from '../releases.api';

/** PO-1…PO-3, CL-1, CL-2: the shapes of the post-release and close routes, from the OpenAPI document. */
export type PostReleaseView = ResponseOf<'/api/releases/{id}/post-release'>;
export type VerificationItem = PostReleaseView['verifications']['items'][number];
export type Verification = NonNullable<VerificationItem['latest']>;
export type CmdbTask = NonNullable<PostReleaseView['cmdbUpdate']>;
export type AppliedChange = NonNullable<CmdbTask['applied']>[number];
export type ArchiveItem = PostReleaseView['archiveItems'][number];
export type Closure = NonNullable<PostReleaseView['closure']>;
export type VerificationInput = BodyOf<'/api/releases/{id}/verifications/{key}'>;
export type AcceptanceInput = BodyOf<'/api/releases/{id}/acceptance'>;
export type CloseInput = BodyOf<'/api/releases/{id}/close'>;
export type CloseOutcome = CloseInput['outcome'];
export type ReportFormat = 'docx' | 'pdf';

/** PO-1: user acceptance is signed off by the business, not recorded like the other verifications. */
export const USER_ACCEPTANCE = 'user_acceptance';

/** Under the release keys: an action here, or a live event, refreshes it with the rest. */
export const postReleaseQueryKey = (id: string) => [...releasesQueryKey, 'post-release', id] as const;

const path = (id: string) => ({ params: { path: { id } } });

export function getPostRelease(id: string): Promise<PostReleaseView> {
  return api.GET('/api/releases/{id}/post-release', path(id));
}

export function recordVerification(
  id: string,
  key: string,
  input: VerificationInput,
): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/verifications/{key}', {
    params: { path: { id, key } },
    body: input,
  });
}

export function signAcceptance(id: string, input: AcceptanceInput): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/acceptance', { ...path(id), body: input });
}

export function completeCmdbUpdate(id: string, note: string | null): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/cmdb-update/complete', { ...path(id), body: { note } });
}

export function archiveRelease(id: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/archive', path(id));
}

export function closeRelease(id: string, input: CloseInput): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/close', { ...path(id), body: input });
}

/** The report as DOCX or PDF, or the evidence package (ZIP): fetched as a blob. */
export function downloadReport(id: string, what: ReportFormat | 'package') {
  return what === 'package'
    ? apiDownload('/api/releases/{id}/evidence-package', path(id))
    : apiDownload('/api/releases/{id}/report', { params: { path: { id }, query: { format: what } } });
}

export function usePostRelease(id: string) {
  return useQuery({ queryKey: postReleaseQueryKey(id), queryFn: () => getPostRelease(id) });
}
