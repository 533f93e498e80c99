import { apiRequest } from '../../api/client';
import type { paths } from '../../api/openapi';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Answer<O> = O extends { responses: { 200: infer R } } ? Json<R> : never;
type Input<O> = O extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Articles = paths['/api/knowledge/articles'];
type OneArticle = paths['/api/knowledge/articles/{id}'];

/** The shapes of /api/knowledge, from the OpenAPI document (npm run api:types). */
export type SearchResult = Answer<Articles['get']>;
export type SearchHit = SearchResult['articles'][number];
export type Segment = SearchHit['snippet'][number];
export type Article = Answer<OneArticle['get']>;
export type HistoryEntry = Answer<paths['/api/knowledge/articles/{id}/history']['get']>['history'][number];
export type KnowledgeKind = Article['kind'];
export type KnowledgeState = Article['state'];
export type SearchQuery = NonNullable<Articles['get']['parameters']['query']>;
export type CreateArticleInput = Input<Articles['post']>;
export type CreateFromReleaseInput = Input<paths['/api/releases/{id}/knowledge']['post']>;
export type UpdateArticleInput = Input<OneArticle['patch']>;

export const KNOWLEDGE_KINDS: readonly KnowledgeKind[] = ['lesson', 'solution', 'how_to', 'known_issue'];
export const KNOWLEDGE_STATES: readonly KnowledgeState[] = ['draft', 'published', 'archived'];

/** Every knowledge query key starts here, so one invalidation refreshes searches and articles. */
export const knowledgeQueryKey = ['knowledge'] as const;
export const articleQueryKey = (id: string) => [...knowledgeQueryKey, 'article', id] as const;

const article = (id: string) => `/api/knowledge/articles/${encodeURIComponent(id)}`;

export function searchArticles(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
  return apiRequest<SearchResult>('/api/knowledge/articles', { query: { ...query }, signal });
}

export async function listTags(signal?: AbortSignal): Promise<{ tag: string; count: number }[]> {
  return (await apiRequest<Answer<paths['/api/knowledge/tags']['get']>>('/api/knowledge/tags', { signal }))
    .tags;
}

export function getArticle(id: string): Promise<Article> {
  return apiRequest<Article>(article(id));
}

export async function articleHistory(id: string): Promise<HistoryEntry[]> {
  return (await apiRequest<{ history: HistoryEntry[] }>(`${article(id)}/history`)).history;
}

export function createArticle(input: CreateArticleInput): Promise<Article> {
  return apiRequest<Article>('/api/knowledge/articles', { method: 'POST', body: input });
}

export function createFromRelease(releaseId: string, input: CreateFromReleaseInput): Promise<Article> {
  return apiRequest<Article>(`/api/releases/${encodeURIComponent(releaseId)}/knowledge`, {
    method: 'POST',
    body: input,
  });
}

export function updateArticle(id: string, input: UpdateArticleInput): Promise<Article> {
  return apiRequest<Article>(article(id), { method: 'PATCH', body: input });
}

export function publishArticle(id: string, version: number): Promise<Article> {
  return apiRequest<Article>(`${article(id)}/publish`, { method: 'POST', body: { version } });
}

export function archiveArticle(id: string, version: number): Promise<Article> {
  return apiRequest<Article>(`${article(id)}/archive`, { method: 'POST', body: { version } });
}
