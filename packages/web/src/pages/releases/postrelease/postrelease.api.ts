import { apiRequest } from '../../../api/client';
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

const release = (id: string) => `/api/releases/${encodeURIComponent(id)}`;

export function getPostRelease(id: string): Promise<PostReleaseView> {
  return apiRequest<PostReleaseView>(`${release(id)}/post-release`);
}

export function recordVerification(
  id: string,
  key: string,
  input: VerificationInput,
): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/verifications/${encodeURIComponent(key)}`, {
    method: 'POST',
    body: input,
  });
}

export function signAcceptance(id: string, input: AcceptanceInput): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/acceptance`, { method: 'POST', body: input });
}

export function completeCmdbUpdate(id: string, note: string | null): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/cmdb-update/complete`, {
    method: 'POST',
    body: { note },
  });
}

export function archiveRelease(id: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/archive`, { method: 'POST' });
}

export function closeRelease(id: string, input: CloseInput): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/close`, { method: 'POST', body: input });
}

export const reportPath = (id: string, format: ReportFormat) => `${release(id)}/report?format=${format}`;
export const evidencePackagePath = (id: string) => `${release(id)}/evidence-package`;
