import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/routes';

/** The shapes of /api/knowledge, from the OpenAPI document (npm run api:types). */
export type SearchResult = ResponseOf<'/api/knowledge/articles'>;
export type SearchHit = SearchResult['items'][number];
export type Segment = SearchHit['snippet'][number];
export type Article = ResponseOf<'/api/knowledge/articles/{id}'>;
export type HistoryEntry = ResponseOf<'/api/knowledge/articles/{id}/history'>['history'][number];
export type KnowledgeKind = Article['kind'];
export type KnowledgeState = Article['state'];
export type SearchQuery = QueryOf<'/api/knowledge/articles'>;
export type CreateArticleInput = BodyOf<'/api/knowledge/articles'>;
export type CreateFromReleaseInput = BodyOf<'/api/releases/{id}/knowledge'>;
export type UpdateArticleInput = BodyOf<'/api/knowledge/articles/{id}', 'patch'>;

export const KNOWLEDGE_KINDS: readonly KnowledgeKind[] = ['lesson', 'solution', 'how_to', 'known_issue'];
export const KNOWLEDGE_STATES: readonly KnowledgeState[] = ['draft', 'published', 'archived'];

/** Every knowledge query key starts here, so one invalidation refreshes searches and articles. */
export const knowledgeQueryKey = ['knowledge'] as const;
export const articleQueryKey = (id: string) => [...knowledgeQueryKey, 'article', id] as const;

const path = (id: string) => ({ params: { path: { id } } });

export function searchArticles(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
  return api.GET('/api/knowledge/articles', { params: { query }, signal });
}

export async function listTags(signal?: AbortSignal): Promise<{ tag: string; count: number }[]> {
  return (await api.GET('/api/knowledge/tags', { signal })).tags;
}

export function getArticle(id: string): Promise<Article> {
  return api.GET('/api/knowledge/articles/{id}', path(id));
}

export async function articleHistory(id: string): Promise<HistoryEntry[]> {
  return (await api.GET('/api/knowledge/articles/{id}/history', path(id))).history;
}

export function createArticle(input: CreateArticleInput): Promise<Article> {
  return api.POST('/api/knowledge/articles', { body: input });
}

export function createFromRelease(releaseId: string, input: CreateFromReleaseInput): Promise<Article> {
  return api.POST('/api/releases/{id}/knowledge', { ...path(releaseId), body: input });
}

export function updateArticle(id: string, input: UpdateArticleInput): Promise<Article> {
  return api.PATCH('/api/knowledge/articles/{id}', { ...path(id), body: input });
}

export function publishArticle(id: string, version: number): Promise<Article> {
  return api.POST('/api/knowledge/articles/{id}/publish', { ...path(id), body: { version } });
}

export function archiveArticle(id: string, version: number): Promise<Article> {
  return api.POST('/api/knowledge/articles/{id}/archive', { ...path(id), body: { version } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

/** Articles matching a search; the last answer stays while a new search loads. */
export function useArticleSearch(query: SearchQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...knowledgeQueryKey, 'search', query],
    queryFn: ({ signal }) => searchArticles(query, signal),
    placeholderData: (previous) => previous,
    ...options,
  });
}

export function useTags() {
  return useQuery({ queryKey: [...knowledgeQueryKey, 'tags'], queryFn: ({ signal }) => listTags(signal) });
}

export function useArticle(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: articleQueryKey(id), queryFn: () => getArticle(id), ...options });
}

/** The article's history, read again at each new version. */
export function useArticleHistory(id: string, version: number) {
  return useQuery({
    queryKey: [...knowledgeQueryKey, 'history', id, version],
    queryFn: () => articleHistory(id),
  });
}
