import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/routes';
import type { ChangeDetail, VoteDecision } from '../../api/types';

/** Every change query key starts here, so one invalidation refreshes lists and details. */
export const changesQueryKey = ['changes'] as const;
export const changeQueryKey = (id: string) => [...changesQueryKey, 'detail', id] as const;

export type ChangeFilter = QueryOf<'/api/changes'>;

export type ChangeInput = BodyOf<'/api/changes'>;

const path = (id: string) => ({ params: { path: { id } } });

/** A page of changes (`nextCursor` continues it), filtered and sorted by the server. */
export type ChangePage = ResponseOf<'/api/changes'>;

export function listChanges(filter: ChangeFilter, signal?: AbortSignal): Promise<ChangePage> {
  return api.GET('/api/changes', { params: { query: filter }, signal });
}

export function getChange(id: string): Promise<ChangeDetail> {
  return api.GET('/api/changes/{id}', path(id));
}

export function createChange(input: ChangeInput): Promise<ChangeDetail> {
  return api.POST('/api/changes', { body: input });
}

export function updateChange(id: string, input: BodyOf<'/api/changes/{id}', 'patch'>): Promise<ChangeDetail> {
  return api.PATCH('/api/changes/{id}', { ...path(id), body: input });
}

export function submitChange(id: string): Promise<ChangeDetail> {
  return api.POST('/api/changes/{id}/submit', path(id));
}

export function voteOnChange(id: string, decision: VoteDecision, comment: string): Promise<ChangeDetail> {
  return api.POST('/api/changes/{id}/votes', { ...path(id), body: { decision, comment } });
}

export function withdrawChange(id: string, reason: string): Promise<ChangeDetail> {
  return api.POST('/api/changes/{id}/withdraw', { ...path(id), body: { reason } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

/** A page of the changes matching a filter; the last answer stays while a new one loads. */
export function useChanges(filter: ChangeFilter) {
  return useQuery({
    queryKey: [...changesQueryKey, 'list', filter],
    queryFn: ({ signal }) => listChanges(filter, signal),
    placeholderData: (previous) => previous,
  });
}

export function useChange(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: changeQueryKey(id), queryFn: () => getChange(id), ...options });
}
