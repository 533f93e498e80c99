import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageRequestOf } from '../../http/page.schemas';
import { contextOf } from '../../http/request-context';
import * as schemas from './knowledge.schemas';
import {
  archiveArticle,
  articleHistory,
  createArticle,
  createFromRelease,
  getArticle,
  publishArticle,
  searchArticles,
  tagCounts,
  updateArticle,
  type KnowledgeDeps,
} from './knowledge.service';

const tags = ['knowledge base'];

/** PO-4: the knowledge base — lessons linked to releases and CIs, searchable in Chinese and English. */
export function knowledgeRoutes(deps: KnowledgeDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/knowledge/articles', {
      schema: {
        tags,
        operationId: 'listArticles',
        summary:
          'Search and list articles, a page at a time (keyset): q matches titles and bodies (Chinese of any length, English, mixed), title hits first, with highlighted snippets; filters by kind, tag, release, CI and state',
        querystring: schemas.listQuery,
        response: { 200: schemas.knowledgeSearchResult },
      },
      handler: async (request) => {
        const { q, kind, tag, releaseId, ciId, state, sort, limit, cursor } = request.query;
        const page =
          sort === undefined
            ? { limit, cursor }
            : sort === 'relevance'
              ? { limit, cursor, sort, direction: 'desc' as const }
              : pageRequestOf({ limit, cursor, sort });
        return searchArticles(deps, contextOf(request), { q, kind, tag, releaseId, ciId, state }, page);
      },
    });
    app.get('/api/knowledge/tags', {
      schema: {
        tags,
        operationId: 'listKnowledgeTags',
        summary: 'Tags in use, most used first',
        response: { 200: z.object({ tags: z.array(z.object({ tag: z.string(), count: z.number() })) }) },
      },
      handler: async (request) => ({ tags: await tagCounts(deps, contextOf(request)) }),
    });
    app.post('/api/knowledge/articles', {
      config: { action: 'knowledge.article_create' },
      schema: {
        tags,
        operationId: 'createArticle',
        summary: 'Write an article (a draft), linked to releases and CIs',
        body: schemas.createArticleInput,
        response: { 201: schemas.knowledgeArticleView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createArticle(deps, contextOf(request), request.body)),
    });
    app.post('/api/releases/:id/knowledge', {
      config: { action: 'knowledge.article_create' },
      schema: {
        tags,
        operationId: 'createArticleFromRelease',
        summary: 'Write a lesson from a release: linked to the release and every CI it targets',
        params: schemas.idParams,
        body: schemas.createFromReleaseInput,
        response: { 201: schemas.knowledgeArticleView },
      },
      handler: async (request, reply) =>
        reply
          .status(201)
          .send(await createFromRelease(deps, contextOf(request), request.params.id, request.body)),
    });
    app.get('/api/knowledge/articles/:id', {
      schema: {
        tags,
        operationId: 'getArticle',
        summary: 'One article (by id or number), its body in Markdown',
        params: schemas.idParams,
        response: { 200: schemas.knowledgeArticleView },
      },
      handler: async (request) => getArticle(deps, contextOf(request), request.params.id),
    });
    app.get('/api/knowledge/articles/:id/history', {
      schema: {
        tags,
        operationId: 'getArticleHistory',
        summary: 'Every edit of the article: who, when, and each changed field before and after',
        params: schemas.idParams,
        response: { 200: z.object({ history: z.array(schemas.knowledgeHistoryEntry) }) },
      },
      handler: async (request) => ({
        history: await articleHistory(deps, contextOf(request), request.params.id),
      }),
    });
    app.patch('/api/knowledge/articles/:id', {
      config: { action: 'knowledge.article_update' },
      schema: {
        tags,
        operationId: 'updateArticle',
        summary: 'Edit an article; version is the one the edit started from (409 when someone saved first)',
        params: schemas.idParams,
        body: schemas.updateArticleInput,
        response: { 200: schemas.knowledgeArticleView },
      },
      handler: async (request) => updateArticle(deps, contextOf(request), request.params.id, request.body),
    });
    app.post('/api/knowledge/articles/:id/publish', {
      config: { action: 'knowledge.article_publish' },
      schema: {
        tags,
        operationId: 'publishArticle',
        summary: 'Publish a draft: readers find it from now on',
        params: schemas.idParams,
        body: schemas.versionInput,
        response: { 200: schemas.knowledgeArticleView },
      },
      handler: async (request) =>
        publishArticle(deps, contextOf(request), request.params.id, request.body.version),
    });
    app.post('/api/knowledge/articles/:id/archive', {
      config: { action: 'knowledge.article_archive' },
      schema: {
        tags,
        operationId: 'archiveArticle',
        summary: 'Archive an article: kept read-only, no longer found by readers',
        params: schemas.idParams,
        body: schemas.versionInput,
        response: { 200: schemas.knowledgeArticleView },
      },
      handler: async (request) =>
        archiveArticle(deps, contextOf(request), request.params.id, request.body.version),
    });
  };
}
