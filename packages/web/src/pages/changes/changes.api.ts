import { apiRequest } from '../../api/client';
import type {
  Change,
  ChangeDetail,
  ChangeRisk,
  ChangeSource,
  ChangeState,
  VoteDecision,
} from '../../api/types';

/** Every change query key starts here, so one invalidation refreshes lists and details. */
export const changesQueryKey = ['changes'] as const;
export const changeQueryKey = (id: string) => [...changesQueryKey, 'detail', id] as const;

export interface ChangeFilter {
  state?: ChangeState;
  source?: ChangeSource;
  q?: string;
}

export interface ChangeInput {
  title: string;
  description?: string | null;
  risk: ChangeRisk;
  ciIds?: string[];
}

const change = (id: string) => `/api/changes/${encodeURIComponent(id)}`;

export async function listChanges(filter: ChangeFilter, signal?: AbortSignal): Promise<Change[]> {
  return (await apiRequest<{ changes: Change[] }>('/api/changes', { query: { ...filter }, signal })).changes;
}

export function getChange(id: string): Promise<ChangeDetail> {
  return apiRequest<ChangeDetail>(change(id));
}

export function createChange(input: ChangeInput): Promise<ChangeDetail> {
  return apiRequest<ChangeDetail>('/api/changes', { method: 'POST', body: input });
}

export function updateChange(id: string, input: Partial<ChangeInput>): Promise<ChangeDetail> {
  return apiRequest<ChangeDetail>(change(id), { method: 'PATCH', body: input });
}

export function submitChange(id: string): Promise<ChangeDetail> {
  return apiRequest<ChangeDetail>(`${change(id)}/submit`, { method: 'POST' });
}

export function voteOnChange(id: string, decision: VoteDecision, comment: string): Promise<ChangeDetail> {
  return apiRequest<ChangeDetail>(`${change(id)}/votes`, { method: 'POST', body: { decision, comment } });
}

export function withdrawChange(id: string, reason: string): Promise<ChangeDetail> {
  return apiRequest<ChangeDetail>(`${change(id)}/withdraw`, { method: 'POST', body: { reason } });
}
