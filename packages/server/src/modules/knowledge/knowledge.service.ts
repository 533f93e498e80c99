import { FIELDS, fieldProblem, type FieldProblem } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { invalidFields, notFound, refusal, type Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import { openPage, withTotal, type Page, type PageRequest } from '../../db/keyset';
import type { Database } from '../../db/schema';
import { parseQuery } from '../../db/fulltext';
import type { RequestContext } from '../../context';
import type { AuditWriter } from '../audit';
import { authorize, hasPermission } from '../../authorize';
import { findRelease, itemsOf } from '../releases';
import {
  assertKnowledgeAction,
  changedFields,
  editableOf,
  type Article,
  type KnowledgeAction,
  type KnowledgeKind,
  type KnowledgeSort,
  type KnowledgeState,
} from './knowledge.model';
import * as repo from './knowledge.repository';
import { highlight, markdownToPlain, snippet } from './knowledge.text';

export interface KnowledgeDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
}

export interface ArticleInput {
  title: string;
  body: string;
  kind: KnowledgeKind;
  tags?: string[];
  releaseIds?: string[];
  ciIds?: string[];
}

export type ArticlePatch = Partial<ArticleInput> & { version: number };

const unique = (values: readonly string[] = []) => [...new Set(values)];
const uniqueTags = (tags: readonly string[] = []) => unique(tags.map((t) => t.trim())).sort();

/** Every linked release and CI must exist; an unknown one is named with its field. */
async function assertLinksExist(q: Kysely<Database>, releaseIds: string[], ciIds: string[]) {
  const fields: Record<string, FieldProblem[]> = {};
  const releases = await repo.existingIds(q, 'releases', releaseIds);
  const missingReleases = releaseIds.filter((id) => !releases.has(id));
  if (missingReleases.length)
    fields.releaseIds = missingReleases.map((id) => fieldProblem('release_missing', { id }));
  const cis = await repo.existingIds(q, 'cis', ciIds);
  const missingCis = ciIds.filter((id) => !cis.has(id));
  if (missingCis.length) fields.ciIds = missingCis.map((id) => fieldProblem('ci_missing', { id }));
  if (Object.keys(fields).length) throw invalidFields(fields);
}

async function insertNew(deps: KnowledgeDeps, ctx: RequestContext, input: ArticleInput, via?: string) {
  const principal = authorize(ctx, 'knowledge.write');
  const releaseIds = unique(input.releaseIds);
  const ciIds = unique(input.ciIds);
  return deps.db.kysely.transaction().execute(async (trx) => {
    await assertLinksExist(trx, releaseIds, ciIds);
    const now = deps.clock.now();
    const at = now.toISOString();
    const article: Article = {
      id: randomUUID(),
      number: await repo.nextNumber(trx, now.getUTCFullYear()),
      title: input.title,
      body: input.body,
      kind: input.kind,
      state: 'draft',
      version: 1,
      tags: uniqueTags(input.tags),
      releaseIds,
      ciIds,
      authorId: principal.userId,
      authorName: principal.displayName,
      updatedBy: principal.displayName,
      createdAt: at,
      updatedAt: at,
      publishedAt: null,
      archivedAt: null,
    };
    await repo.insertArticle(trx, deps.db.dialect, article);
    await repo.insertHistory(trx, article.id, {
      version: 1,
      action: 'created',
      actorId: principal.userId,
      actorName: principal.displayName,
      at,
      before: null,
      after: editableOf(article),
    });
    await deps.audit.record(trx, ctx, {
      action: 'knowledge.article_create',
      entityType: 'knowledge_article',
      entityId: article.id,
      after: article,
      ...(via && { details: { fromRelease: via } }),
    });
    return article;
  });
}

/** PO-4: writes an article (a draft) with its links. */
export async function createArticle(deps: KnowledgeDeps, ctx: RequestContext, input: ArticleInput) {
  return viewOf(deps, await insertNew(deps, ctx, input));
}

/**
 * PO-4: a lesson from a release: the article is linked to the release and to every CI the release
 * targets (its target CIs and its items' CIs), plus any further CIs given.
 */
export async function createFromRelease(
  deps: KnowledgeDeps,
  ctx: RequestContext,
  releaseId: string,
  input: Omit<ArticleInput, 'releaseIds' | 'kind'> & { kind?: KnowledgeKind },
) {
  authorize(ctx, 'knowledge.write');
  const release = await findRelease(deps.db.kysely, releaseId);
  if (!release) throw notFound('release', releaseId);
  const items = await itemsOf(deps.db.kysely, release.id);
  const ciIds = unique([...release.targetCiIds, ...items.flatMap((i) => i.ciIds), ...(input.ciIds ?? [])]);
  const article = await insertNew(
    deps,
    ctx,
    { ...input, kind: input.kind ?? 'lesson', releaseIds: [release.id], ciIds },
    release.number,
  );
  return viewOf(deps, article);
}

async function change(
  deps: KnowledgeDeps,
  ctx: RequestContext,
  id: string,
  action: KnowledgeAction,
  expectedVersion: number,
  apply: (before: Article, at: string) => Article,
  check?: (trx: Kysely<Database>) => Promise<void>,
): Promise<Article> {
  const principal = authorize(ctx, 'knowledge.write');
  return deps.db.kysely.transaction().execute(async (trx) => {
    await check?.(trx);
    const before = await repo.lockArticle(trx, id);
    if (!before) throw notFound('knowledge_article', id);
    // Checked before the state: of two writers publishing (or archiving) version N at once, the
    // second is told who wrote version N + 1 and when, not that a published article cannot be
    // published.
    if (before.version !== expectedVersion) {
      const last = (await repo.historyOf(trx, before.id))[0];
      throw refusal(
        'conflict',
        'optimistic_locking',
        {
          code: 'article_changed_since',
          params: {
            article: before.number,
            by: before.updatedBy,
            version: before.version,
            opened: expectedVersion,
          },
        },
        {
          reason: 'already_done',
          action: last?.action ?? 'edited',
          by: last?.actorName ?? before.updatedBy,
          at: last?.at ?? before.updatedAt,
          currentVersion: before.version,
          updatedBy: before.updatedBy,
          fields: { version: [fieldProblem('article_now_at', { version: before.version })] },
        },
      );
    }
    assertKnowledgeAction(before.state, action, before.number);
    const at = deps.clock.now().toISOString();
    const next = apply(before, at);
    const diff = changedFields(before, next);
    if (action === 'edit' && !diff) return before;
    const after: Article = {
      ...next,
      version: before.version + 1,
      updatedAt: at,
      updatedBy: principal.displayName,
    };
    if (!(await repo.updateArticle(trx, deps.db.dialect, after, before.version, diff !== null)))
      throw refusal('conflict', 'optimistic_locking', {
        code: 'changed_meanwhile_reload',
        params: { name: before.number },
      });
    const historyAction = action === 'edit' ? 'edited' : action === 'publish' ? 'published' : 'archived';
    await repo.insertHistory(trx, after.id, {
      version: after.version,
      action: historyAction,
      actorId: principal.userId,
      actorName: principal.displayName,
      at,
      before: diff?.before ?? { state: before.state },
      after: diff?.after ?? { state: after.state },
    });
    await deps.audit.record(trx, ctx, {
      action: `knowledge.article_${action === 'edit' ? 'update' : action}`,
      entityType: 'knowledge_article',
      entityId: after.id,
      before: diff
        ? { ...diff.before, version: before.version }
        : { state: before.state, version: before.version },
      after: diff
        ? { ...diff.after, version: after.version }
        : { state: after.state, version: after.version },
    });
    return after;
  });
}

/** PO-4: an edit names the version it started from; every edit is kept in the history. */
export async function updateArticle(
  deps: KnowledgeDeps,
  ctx: RequestContext,
  id: string,
  patch: ArticlePatch,
) {
  const { version, ...fields } = patch;
  const check = (trx: Kysely<Database>) =>
    assertLinksExist(trx, unique(fields.releaseIds), unique(fields.ciIds));
  const article = await change(
    deps,
    ctx,
    id,
    'edit',
    version,
    (before) => ({
      ...before,
      ...(fields.title !== undefined && { title: fields.title }),
      ...(fields.body !== undefined && { body: fields.body }),
      ...(fields.kind !== undefined && { kind: fields.kind }),
      ...(fields.tags !== undefined && { tags: uniqueTags(fields.tags) }),
      ...(fields.releaseIds !== undefined && { releaseIds: unique(fields.releaseIds) }),
      ...(fields.ciIds !== undefined && { ciIds: unique(fields.ciIds) }),
    }),
    check,
  );
  return viewOf(deps, article);
}

export async function publishArticle(deps: KnowledgeDeps, ctx: RequestContext, id: string, version: number) {
  const article = await change(deps, ctx, id, 'publish', version, (before, at) => ({
    ...before,
    state: 'published',
    publishedAt: at,
  }));
  return viewOf(deps, article);
}

/** An archived article stays readable by writers and in the history, but no longer in search. */
export async function archiveArticle(deps: KnowledgeDeps, ctx: RequestContext, id: string, version: number) {
  const article = await change(deps, ctx, id, 'archive', version, (before, at) => ({
    ...before,
    state: 'archived',
    archivedAt: at,
  }));
  return viewOf(deps, article);
}

/** Readers see published articles; writers also see drafts and the archive. */
function visibleStates(ctx: RequestContext): readonly KnowledgeState[] {
  return hasPermission(ctx, 'knowledge.write') ? ['draft', 'published', 'archived'] : ['published'];
}

async function loadVisible(deps: KnowledgeDeps, ctx: RequestContext, id: string): Promise<Article> {
  authorize(ctx, 'knowledge.read');
  const article = await repo.findArticle(deps.db.kysely, id);
  if (!article || !visibleStates(ctx).includes(article.state)) throw notFound('knowledge_article', id);
  return article;
}

async function present(deps: KnowledgeDeps, articles: Article[]) {
  const labels = await repo.linkLabels(
    deps.db.kysely,
    articles.flatMap((a) => a.releaseIds),
    articles.flatMap((a) => a.ciIds),
  );
  return (a: Article) => {
    const { releaseIds, ciIds, authorId: _authorId, ...rest } = a;
    return {
      ...rest,
      releases: releaseIds.map((id) => {
        const r = labels.releases.get(id);
        return { id, number: r?.number ?? null, title: r?.title ?? null, state: r?.state ?? null };
      }),
      cis: ciIds.map((id) => {
        const c = labels.cis.get(id);
        return { id, name: c?.name ?? null, type: c?.type ?? null, environment: c?.environment ?? null };
      }),
    };
  };
}

/** The article as the API shows it: links with their numbers and names. */
async function viewOf(deps: KnowledgeDeps, article: Article) {
  return (await present(deps, [article]))(article);
}

export async function getArticle(deps: KnowledgeDeps, ctx: RequestContext, id: string) {
  return viewOf(deps, await loadVisible(deps, ctx, id));
}

export async function articleHistory(deps: KnowledgeDeps, ctx: RequestContext, id: string) {
  const article = await loadVisible(deps, ctx, id);
  return repo.historyOf(deps.db.kysely, article.id);
}

export interface SearchInput {
  q?: string;
  kind?: KnowledgeKind;
  tag?: string;
  releaseId?: string;
  ciId?: string;
  state?: KnowledgeState;
}

/** The page asked for; without a sort, a search is in relevance order and a list newest updated first. */
export type KnowledgePageRequest = Omit<PageRequest<KnowledgeSort>, 'sort' | 'direction'> &
  Partial<Pick<PageRequest<KnowledgeSort>, 'sort' | 'direction'>>;

/**
 * PO-4 search: Chinese (any length, 回滚 included), English and mixed queries over titles and
 * bodies (docs/decisions/0008); title hits first; snippets with the matches marked. Without a
 * state, drafts and published articles (writers) or published ones (readers). A page at a time
 * (keyset); a search walk reads the articles that existed at its first page (docs/decisions/0029).
 */
export async function searchArticles(
  deps: KnowledgeDeps,
  ctx: RequestContext,
  input: SearchInput,
  asked: KnowledgePageRequest,
) {
  authorize(ctx, 'knowledge.read');
  const visible = visibleStates(ctx);
  const states = input.state
    ? visible.filter((s) => s === input.state)
    : visible.filter((s) => s !== 'archived');
  const query = input.q ? parseQuery(input.q) : null;
  const page: PageRequest<KnowledgeSort> = {
    ...asked,
    sort: asked.sort ?? (query ? 'relevance' : 'updatedAt'),
    direction: asked.direction ?? 'desc',
  };
  if (page.sort === 'relevance' && !query) throw invalidFields({ sort: [FIELDS.relevance_needs_query] });
  const tag = input.tag?.trim() || undefined;
  let position = openPage(page, { ...input, tag }, repo.knowledgeKeys(page.sort));
  if (states.length === 0) return { items: [], nextCursor: null, total: 0 } satisfies Page<never>;
  const filter: repo.KnowledgeFilter = {
    query,
    kind: input.kind,
    tag,
    releaseId: input.releaseId,
    ciId: input.ciId,
    states,
  };
  const db = deps.db;
  if (query && position.bound === undefined) position = { ...position, bound: await repo.lastSeq(db.kysely) };
  const found = await withTotal(
    repo.pageArticles(db.kysely, db.dialect, filter, position),
    repo.countArticles(db.kysely, db.dialect, filter, position.bound),
  );
  const show = await present(
    deps,
    found.items.map((h) => h.article),
  );
  return {
    ...found,
    items: found.items.map(({ article, titleHit }) => {
      const { body: _body, ...view } = show(article);
      return {
        ...view,
        titleHit,
        titleSegments: highlight(article.title, query),
        snippet: snippet(markdownToPlain(article.body), query),
      };
    }),
  };
}

export async function tagCounts(deps: KnowledgeDeps, ctx: RequestContext) {
  authorize(ctx, 'knowledge.read');
  return repo.tagCounts(
    deps.db.kysely,
    visibleStates(ctx).filter((s) => s !== 'archived'),
  );
}
