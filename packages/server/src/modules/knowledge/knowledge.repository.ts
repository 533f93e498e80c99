import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Dialect } from '../../db/database';
import { indexTerms, matchExpression, type TextQuery } from '../../db/fulltext';
import { nextNumber as nextNumberOf } from '../../db/sequences';
import type { Database, KnowledgeArticlesTable } from '../../db/schema';
import {
  closePage,
  countRows,
  keysetPage,
  textKeys,
  type KeyColumns,
  type KeysetPosition,
  type Page,
} from '../../db/keyset';
import type { Article, KnowledgeKind, KnowledgeSort, KnowledgeState } from './knowledge.model';
import { markdownToPlain } from './knowledge.text';

type Q = Kysely<Database>;
type ArticleRow = Selectable<KnowledgeArticlesTable>;
type Links = Pick<Article, 'tags' | 'releaseIds' | 'ciIds'>;

const toArticle = (r: ArticleRow, links: Links): Article => ({
  id: r.id,
  number: r.number,
  title: r.title,
  body: r.body,
  kind: r.kind as KnowledgeKind,
  state: r.state as KnowledgeState,
  version: Number(r.version),
  ...links,
  authorId: r.author_id,
  authorName: r.author_name,
  updatedBy: r.updated_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  publishedAt: r.published_at,
  archivedAt: r.archived_at,
});

const toRow = (a: Article): Omit<ArticleRow, 'seq'> => ({
  id: a.id,
  number: a.number,
  title: a.title,
  body: a.body,
  kind: a.kind,
  state: a.state,
  version: a.version,
  author_id: a.authorId,
  author_name: a.authorName,
  updated_by: a.updatedBy,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
  published_at: a.publishedAt,
  archived_at: a.archivedAt,
});

/** KB-<year>-<4 digits> from the counter, inside the creating transaction. */
export function nextNumber(q: Q, year: number): Promise<string> {
  return nextNumberOf(q, 'knowledge', year);
}

async function writeLinks(q: Q, a: Article): Promise<void> {
  await q.deleteFrom('knowledge_tags').where('article_id', '=', a.id).execute();
  await q.deleteFrom('knowledge_releases').where('article_id', '=', a.id).execute();
  await q.deleteFrom('knowledge_cis').where('article_id', '=', a.id).execute();
  if (a.tags.length)
    await q
      .insertInto('knowledge_tags')
      .values(a.tags.map((tag) => ({ article_id: a.id, tag })))
      .execute();
  if (a.releaseIds.length)
    await q
      .insertInto('knowledge_releases')
      .values(a.releaseIds.map((release_id) => ({ article_id: a.id, release_id })))
      .execute();
  if (a.ciIds.length)
    await q
      .insertInto('knowledge_cis')
      .values(a.ciIds.map((ci_id) => ({ article_id: a.id, ci_id })))
      .execute();
}

/**
 * The search index row of an article: its terms (docs/decisions/0008). SQLite keys the FTS5 table
 * by rowid, PostgreSQL by article_seq (its tsvector column is generated from the terms).
 */
async function writeSearch(q: Q, dialect: Dialect, seq: number, a: Article, insert: boolean): Promise<void> {
  const title = indexTerms(a.title);
  const body = indexTerms(`${a.tags.join(' ')} ${markdownToPlain(a.body)}`);
  const key = dialect === 'sqlite' ? sql.raw('rowid') : sql.raw('article_seq');
  if (insert)
    await sql`insert into knowledge_search (${key}, title_terms, body_terms) values (${seq}, ${title}, ${body})`.execute(
      q,
    );
  else
    await sql`update knowledge_search set title_terms = ${title}, body_terms = ${body} where ${key} = ${seq}`.execute(
      q,
    );
}

export async function insertArticle(q: Q, dialect: Dialect, a: Article): Promise<void> {
  const { seq } = await q
    .insertInto('knowledge_articles')
    .values(toRow(a))
    .returning('seq')
    .executeTakeFirstOrThrow();
  await writeLinks(q, a);
  await writeSearch(q, dialect, Number(seq), a, true);
}

/** Writes the article only if it is still at `expectedVersion`; false when someone wrote first. */
export async function updateArticle(
  q: Q,
  dialect: Dialect,
  a: Article,
  expectedVersion: number,
  contentChanged: boolean,
): Promise<boolean> {
  const { id: _id, number: _number, ...row } = toRow(a);
  const updated = await q
    .updateTable('knowledge_articles')
    .set(row)
    .where('id', '=', a.id)
    .where('version', '=', expectedVersion)
    .returning('seq')
    .executeTakeFirst();
  if (!updated) return false;
  if (contentChanged) {
    await writeLinks(q, a);
    await writeSearch(q, dialect, Number(updated.seq), a, false);
  }
  return true;
}

async function linksOf(q: Q, ids: readonly string[]): Promise<Map<string, Links>> {
  const links = new Map<string, Links>(ids.map((id) => [id, { tags: [], releaseIds: [], ciIds: [] }]));
  if (ids.length === 0) return links;
  const [tags, releases, cis] = await Promise.all([
    q.selectFrom('knowledge_tags').select(['article_id', 'tag']).where('article_id', 'in', ids).execute(),
    q
      .selectFrom('knowledge_releases')
      .select(['article_id', 'release_id'])
      .where('article_id', 'in', ids)
      .execute(),
    q.selectFrom('knowledge_cis').select(['article_id', 'ci_id']).where('article_id', 'in', ids).execute(),
  ]);
  for (const r of tags) links.get(r.article_id)!.tags.push(r.tag);
  for (const r of releases) links.get(r.article_id)!.releaseIds.push(r.release_id);
  for (const r of cis) links.get(r.article_id)!.ciIds.push(r.ci_id);
  for (const l of links.values()) l.tags.sort();
  return links;
}

async function withLinks(q: Q, rows: ArticleRow[]): Promise<Article[]> {
  const links = await linksOf(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toArticle(r, links.get(r.id)!));
}

/** An article by id or by number (KB-2026-0001). */
/**
 * An article for update: a no-op write takes its row lock on PostgreSQL (SQLite transactions
 * already begin IMMEDIATE), so writers on two nodes change it one after the other and the second
 * sees the version the first wrote.
 */
export async function lockArticle(q: Q, idOrNumber: string): Promise<Article | undefined> {
  const row = await q
    .updateTable('knowledge_articles')
    .set((eb) => ({ version: eb.ref('version') }))
    .where((eb) => eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]))
    .returningAll()
    .executeTakeFirst();
  return row && (await withLinks(q, [row]))[0];
}

export async function findArticle(q: Q, idOrNumber: string): Promise<Article | undefined> {
  const row = await q
    .selectFrom('knowledge_articles')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]))
    .executeTakeFirst();
  return row && (await withLinks(q, [row]))[0];
}

export interface KnowledgeFilter {
  query: TextQuery | null;
  kind?: KnowledgeKind;
  tag?: string;
  releaseId?: string;
  ciId?: string;
  states: readonly KnowledgeState[];
}

export interface SearchHit {
  article: Article;
  /** The whole query matched the title (such hits rank first). */
  titleHit: boolean;
}

/**
 * Matching articles on the search index: FTS5 MATCH ranked by bm25 on SQLite, a tsquery on the
 * GIN-indexed tsvector ranked by ts_rank on PostgreSQL; both weigh the title above the body.
 * `title_hit` is 1 or 0 (a number, so a cursor can carry it).
 */
type HitRow = { article_seq: number; score: number; title_hit: number };

function hitsOf(dialect: Dialect, query: TextQuery): RawBuilder<HitRow> {
  const match = matchExpression(dialect, query);
  const title = matchExpression(dialect, query, true);
  return dialect === 'sqlite'
    ? sql<HitRow>`(
        select rowid as article_seq, -bm25(knowledge_search, 10.0, 1.0) as score,
          rowid in (select rowid from knowledge_search where knowledge_search match ${title}) as title_hit
        from knowledge_search where knowledge_search match ${match})`
    : sql<HitRow>`(
        select article_seq, ts_rank(document, to_tsquery('simple', ${match})) as score,
          (document @@ to_tsquery('simple', ${title}))::int as title_hit
        from knowledge_search where document @@ to_tsquery('simple', ${match}))`;
}

function conditions(f: KnowledgeFilter): RawBuilder<SqlBool> {
  const id = sql.ref('a.id');
  const where: RawBuilder<unknown>[] = [sql`${sql.ref('a.state')} in (${sql.join(f.states)})`];
  if (f.kind) where.push(sql`${sql.ref('a.kind')} = ${f.kind}`);
  if (f.tag)
    where.push(sql`exists (select 1 from knowledge_tags t where t.article_id = ${id} and t.tag = ${f.tag})`);
  if (f.releaseId)
    where.push(
      sql`exists (select 1 from knowledge_releases r where r.article_id = ${id} and r.release_id = ${f.releaseId})`,
    );
  if (f.ciId)
    where.push(
      sql`exists (select 1 from knowledge_cis c where c.article_id = ${id} and c.ci_id = ${f.ciId})`,
    );
  return sql<SqlBool>`${sql.join(where, sql` and `)}`;
}

/**
 * The keyset of the article list in `sort`'s order: a column, ties broken by id; `relevance` (a
 * search's order): title hits first, then rank, then newest (docs/decisions/0029).
 */
export function knowledgeKeys(sort: KnowledgeSort): KeyColumns {
  if (sort !== 'relevance') return columnKeys(sort);
  return {
    lead: [
      { column: 'title_hit', kind: 'number', expression: sql.ref('h.title_hit') },
      { column: 'score', kind: 'number', expression: sql.ref('h.score') },
    ],
    value: { column: 'updated_at', kind: 'text' },
    tie: { column: 'id', kind: 'text' },
  };
}
const columnKeys = textKeys({ updatedAt: 'updated_at', title: 'title' }, 'id');

/** The articles the filter matches, as `a`. */
const browsed = (q: Q, f: KnowledgeFilter) => q.selectFrom('knowledge_articles as a').where(conditions(f));

/**
 * The articles the filter and the search match, as `a`, with their hits as `h`: of a walk with a
 * snapshot (`bound`), only the articles that existed when it began.
 */
function searched(q: Q, dialect: Dialect, f: KnowledgeFilter, query: TextQuery, bound: number | undefined) {
  const found = browsed(q, f).innerJoin(hitsOf(dialect, query).as('h'), 'h.article_seq', 'a.seq');
  return bound === undefined ? found : found.where('a.seq', '<=', bound);
}

/** What a page is ranked on: narrow rows (no bodies in the sort); its articles are read afterwards. */
interface PageRow {
  id: string;
  title: string;
  updated_at: string;
  title_hit?: number;
  score?: number;
}

/** The highest article seq: a search walk's snapshot, taken at its first page. */
export async function lastSeq(q: Q): Promise<number> {
  const row = await q
    .selectFrom('knowledge_articles')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * The cursor's rank re-read (SQLite): bm25 weighs terms by the whole index, so each article added
 * moves every score a little and a rank written in a cursor no longer sits where it did. The page
 * continues after the cursor's article at its rank now, when it still matches unchanged.
 */
async function reanchored(
  q: Q,
  dialect: Dialect,
  f: KnowledgeFilter,
  position: KeysetPosition,
): Promise<KeysetPosition> {
  if (dialect !== 'sqlite' || !f.query || position.sort !== 'relevance' || !position.after) return position;
  const [titleHit, , updatedAt, id] = position.after;
  const now = await searched(q, dialect, f, f.query, position.bound)
    .select(['h.score', 'a.updated_at'])
    .where('a.id', '=', String(id))
    .executeTakeFirst();
  if (!now || now.updated_at !== updatedAt) return position;
  return { ...position, after: [titleHit, Number(now.score), updatedAt, id] };
}

/** One page of the matching articles in the position's order (keyset), each with its title hit. */
export async function pageArticles(
  q: Q,
  dialect: Dialect,
  f: KnowledgeFilter,
  at: KeysetPosition,
): Promise<Page<SearchHit>> {
  const position = await reanchored(q, dialect, f, at);
  const rows: PageRow[] = f.query
    ? await keysetPage(
        searched(q, dialect, f, f.query, position.bound).select([
          'a.id',
          'a.title',
          'a.updated_at',
          'h.title_hit',
          'h.score',
        ]),
        position,
      ).execute()
    : await keysetPage(browsed(q, f).select(['a.id', 'a.title', 'a.updated_at']), position).execute();
  return closePage(rows, position, async (kept) => {
    if (kept.length === 0) return [];
    const articles = await q
      .selectFrom('knowledge_articles')
      .selectAll()
      .where(
        'id',
        'in',
        kept.map((r) => r.id),
      )
      .execute();
    const byId = new Map((await withLinks(q, articles)).map((a) => [a.id, a]));
    return kept.map((r) => ({ article: byId.get(r.id)!, titleHit: !!r.title_hit }));
  });
}

/** How many articles the filter and the search (within the walk's snapshot) match. */
export const countArticles = (q: Q, dialect: Dialect, f: KnowledgeFilter, bound?: number): Promise<number> =>
  countRows(f.query ? searched(q, dialect, f, f.query, bound) : browsed(q, f));

/** Tags in use, most used first (the filter's choices). */
export async function tagCounts(
  q: Q,
  states: readonly KnowledgeState[],
): Promise<{ tag: string; count: number }[]> {
  const rows = await q
    .selectFrom('knowledge_tags as t')
    .innerJoin('knowledge_articles as a', 'a.id', 't.article_id')
    .where('a.state', 'in', states)
    .select(['t.tag', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('t.tag')
    .orderBy('n', 'desc')
    .orderBy('t.tag')
    .limit(200)
    .execute();
  return rows.map((r) => ({ tag: r.tag, count: Number(r.n) }));
}

export interface LinkLabels {
  releases: Map<string, { number: string; title: string; state: string }>;
  cis: Map<string, { name: string; type: string; environment: string }>;
}

/** Numbers, titles and names of the releases and CIs the articles link to (for display). */
export async function linkLabels(q: Q, releaseIds: string[], ciIds: string[]): Promise<LinkLabels> {
  const [releases, cis] = await Promise.all([
    releaseIds.length
      ? q
          .selectFrom('releases')
          .select(['id', 'number', 'title', 'state'])
          .where('id', 'in', [...new Set(releaseIds)])
          .execute()
      : [],
    ciIds.length
      ? q
          .selectFrom('cis')
          .select(['id', 'name', 'type_key', 'environment'])
          .where('id', 'in', [...new Set(ciIds)])
          .execute()
      : [],
  ]);
  return {
    releases: new Map(releases.map((r) => [r.id, { number: r.number, title: r.title, state: r.state }])),
    cis: new Map(cis.map((c) => [c.id, { name: c.name, type: c.type_key, environment: c.environment }])),
  };
}

/** Which of these ids are releases / CIs that exist. */
export async function existingIds(
  q: Q,
  table: 'releases' | 'cis',
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q
    .selectFrom(table)
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

export interface HistoryEntry {
  seq: number;
  version: number;
  action: 'created' | 'edited' | 'published' | 'archived';
  actorId: string;
  actorName: string;
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export async function insertHistory(q: Q, articleId: string, h: Omit<HistoryEntry, 'seq'>): Promise<void> {
  await q
    .insertInto('knowledge_history')
    .values({
      article_id: articleId,
      version: h.version,
      action: h.action,
      actor_id: h.actorId,
      actor_name: h.actorName,
      at: h.at,
      before_json: h.before === null ? null : JSON.stringify(h.before),
      after_json: h.after === null ? null : JSON.stringify(h.after),
    })
    .execute();
}

export async function historyOf(q: Q, articleId: string): Promise<HistoryEntry[]> {
  const rows = await q
    .selectFrom('knowledge_history')
    .selectAll()
    .where('article_id', '=', articleId)
    .orderBy('seq', 'desc')
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    version: Number(r.version),
    action: r.action as HistoryEntry['action'],
    actorId: r.actor_id,
    actorName: r.actor_name,
    at: r.at,
    before: r.before_json === null ? null : (JSON.parse(r.before_json) as Record<string, unknown>),
    after: r.after_json === null ? null : (JSON.parse(r.after_json) as Record<string, unknown>),
  }));
}
