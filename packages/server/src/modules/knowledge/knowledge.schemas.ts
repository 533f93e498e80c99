import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { pageQuery, pageView, sortValues } from '../../http/page.schemas';
import { KNOWLEDGE_KINDS, KNOWLEDGE_SORTS, KNOWLEDGE_STATES } from './knowledge.model';

export const MAX_BODY = 200_000;

const segment = z.object({ text: z.string(), hit: z.boolean() });
const releaseLink = z.object({
  id: z.string(),
  number: z.string().nullable(),
  title: z.string().nullable(),
  state: z.string().nullable(),
});
const ciLink = z.object({
  id: z.string(),
  name: z.string().nullable(),
  type: z.string().nullable(),
  environment: z.string().nullable(),
});

const articleFields = {
  id: z.string(),
  number: z.string(),
  title: z.string(),
  kind: z.enum(KNOWLEDGE_KINDS),
  state: z.enum(KNOWLEDGE_STATES),
  version: z.number().int(),
  tags: z.array(z.string()),
  releases: z.array(releaseLink),
  cis: z.array(ciLink),
  authorName: z.string(),
  updatedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
};

export const knowledgeArticleView = z.object({ ...articleFields, body: z.string() });

export const knowledgeSearchHit = z.object({
  ...articleFields,
  /** The whole query matched the title; such hits come first. */
  titleHit: z.boolean(),
  /** The title cut into segments, the matched ones marked `hit`. */
  titleSegments: z.array(segment),
  /** About 160 characters of the body's text around the first match, matches marked. */
  snippet: z.array(segment),
});

export const knowledgeSearchResult = pageView(knowledgeSearchHit);

export const knowledgeHistoryEntry = z.object({
  seq: z.number().int(),
  version: z.number().int(),
  action: z.enum(['created', 'edited', 'published', 'archived']),
  actorName: z.string(),
  at: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

const title = z.string().trim().min(1, FIELDS.required).max(200, FIELDS.text_max);
const body = z.string().trim().min(1, FIELDS.required).max(MAX_BODY, FIELDS.text_max);
const tags = z
  .array(z.string().trim().min(1, FIELDS.required).max(40, FIELDS.text_max))
  .max(20, FIELDS.tags_max);
const ids = z.array(z.string().min(1).max(64)).max(100, FIELDS.items_max);
const version = z.number().int().min(1);

export const createArticleInput = z.object({
  title,
  body,
  kind: z.enum(KNOWLEDGE_KINDS),
  tags: tags.optional(),
  releaseIds: ids.optional(),
  ciIds: ids.optional(),
});

/** From a release: the release and its CIs are linked by the server; more CIs may be added. */
export const createFromReleaseInput = z.object({
  title,
  body,
  kind: z.enum(KNOWLEDGE_KINDS).optional(),
  tags: tags.optional(),
  ciIds: ids.optional(),
});

export const updateArticleInput = z.object({
  /** The version the edit started from; a newer one on the server is a conflict. */
  version,
  title: title.optional(),
  body: body.optional(),
  kind: z.enum(KNOWLEDGE_KINDS).optional(),
  tags: tags.optional(),
  releaseIds: ids.optional(),
  ciIds: ids.optional(),
});

export const versionInput = z.object({ version });

export const listQuery = z.object({
  q: z.string().max(200, FIELDS.text_max).optional(),
  kind: z.enum(KNOWLEDGE_KINDS).optional(),
  tag: z.string().max(40).optional(),
  releaseId: z.string().max(64).optional(),
  ciId: z.string().max(64).optional(),
  state: z.enum(KNOWLEDGE_STATES).optional(),
  ...pageQuery(KNOWLEDGE_SORTS, '-updatedAt').shape,
  sort: z
    .enum([...sortValues(KNOWLEDGE_SORTS), 'relevance'])
    .optional()
    .describe(
      'The order: `relevance` (title hits first, then rank; the default with a search `q`, which it needs), or a column, a leading `-` descending (`-updatedAt` unless searching). Ties are broken by id.',
    ),
  offset: z
    .never({ error: FIELDS.offset_replaced_by_cursor })
    .optional()
    .describe('Not taken (pages follow by `cursor`): refused with 400'),
});

export const idParams = z.object({ id: z.string().min(1).max(64) });
