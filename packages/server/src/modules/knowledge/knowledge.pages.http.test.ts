import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import {
  appWithUser,
  expectCursorWalks,
  expectEveryRowOnce,
  expectForeignCursorsRefused,
  refusalReason,
  walkPages,
} from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';

const LIST = '/api/knowledge/articles';
const SEARCH = `${LIST}?q=${encodeURIComponent('回滚')}`;

/** The key a cursor carries (its last row's title hit, rank, update time and id in a search). */
const keyOf = (cursor: string) =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).k as unknown[];

describe.each(DIALECTS)('knowledge article list pages (PO-4) on %s', (dialect) => {
  let t: TestApp;
  let eng: HttpClient;
  let added: string[] = [];

  beforeEach(async () => {
    ({ t, client: eng } = await appWithUser(dialect, 'eng', ['operations_engineer']));
    added = [];
  });
  afterEach(async () => {
    await t.close();
  });

  const write = async (title: string, body: string, kind = 'solution') => {
    const r = await eng.post(LIST, { title, body, kind });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string };
  };
  /**
   * Nine articles, three written at each moment (ties on the time): title hits and body hits of
   * 回滚, bodies of different lengths and counts of the word (different ranks), one without it.
   */
  const seed = async () => {
    const bodies = [
      '回滚步骤。',
      `${'检查清单。'.repeat(12)}失败时回滚。`,
      '回滚，再回滚，确认回滚完成。',
      `${'发布窗口与审批。'.repeat(4)}回滚预案见附件。`,
      '没有相关内容。',
    ];
    for (let i = 0; i < 9; i++) {
      await write(
        i % 3 === 0 ? `回滚指南 ${i}` : `发布经验 ${i}`,
        bodies[i % bodies.length],
        i % 2 ? 'how_to' : 'lesson',
      );
      if (i % 3 === 2) t.clock.advanceMinutes(1);
    }
  };
  /** An article added while a walk goes on: it matches the search, first or last by title. */
  const addOne = async () => {
    t.clock.advanceMinutes(1);
    const a = await write(`${added.length % 2 ? 'aaa' : 'zzz'} 回滚 ${added.length}`, '新写的回滚记录。');
    added.push(a.id);
  };

  it('PO-4 a cursor walk returns every article once, in order, while articles are written — for each sort', async () => {
    await seed();
    const byTitle = (await eng.get(`${LIST}?sort=title&limit=200`)).body;
    expect(byTitle.total).toBe(9);
    await expectCursorWalks(eng, LIST, ['-updatedAt', 'updatedAt', 'title', '-title'], addOne);
    await expectCursorWalks(eng, `${LIST}?kind=lesson`, ['-updatedAt', 'title'], addOne);
  });

  it('PO-4 a search walk returns every match once, in relevance order, while articles are written; those written during the walk wait for the next search', async () => {
    await seed();
    const first = (await eng.get(`${SEARCH}&limit=200`)).body;
    // Title hits first, then by rank; the article without the word is not found.
    expect(first.total).toBe(8);
    expect(first.items.slice(0, 3).every((a: any) => a.titleHit)).toBe(true);
    expect(first.items.slice(3).some((a: any) => a.titleHit)).toBe(false);
    for (const limit of [1, 2, 3]) {
      const expected = (await eng.get(`${SEARCH}&limit=200`)).body.items.map((a: any) => a.id);
      // A new search finds the articles written during the walk before (and counts them).
      expect(expected).toHaveLength(8 + added.length);
      const writtenBefore = added.length;
      const walk = await walkPages(eng, SEARCH, limit, addOne);
      expectEveryRowOnce(walk.items, expected);
      expect(walk.items.map((a: any) => a.id)).toEqual(expected);
      expect(walk.items.some((a: any) => added.slice(writtenBefore).includes(a.id))).toBe(false);
    }
    // Other orders of a search are keyset lists like any other.
    await expectCursorWalks(eng, SEARCH, ['-updatedAt', 'title'], addOne);
  });

  it('PO-4 an article added between pages moves bm25 ranks on SQLite, never ts_rank on PostgreSQL: the cursor continues after the same article', async () => {
    await seed();
    const before = (await eng.get(`${SEARCH}&limit=4`)).body;
    await write('无关的文章', '与搜索词无关的正文，只改变索引的统计。');
    const after = (await eng.get(`${SEARCH}&limit=4`)).body;
    expect(after.items.map((a: any) => a.id)).toEqual(before.items.map((a: any) => a.id));
    const [hit, rank, updatedAt, id] = keyOf(before.nextCursor);
    const [hitNow, rankNow, updatedAtNow, idNow] = keyOf(after.nextCursor);
    expect([hitNow, updatedAtNow, idNow]).toEqual([hit, updatedAt, id]);
    if (dialect === 'sqlite') expect(rankNow).not.toBe(rank);
    else expect(rankNow).toBe(rank);
    // The old cursor still continues after its article, with the rest of the matches.
    const rest = await eng.get(`${SEARCH}&limit=200&cursor=${before.nextCursor}`);
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    const all = (await eng.get(`${SEARCH}&limit=200`)).body.items.map((a: any) => a.id);
    expect(rest.body.items.map((a: any) => a.id)).toEqual(all.slice(4));
  });

  it('PO-4 a forged cursor or one of another sort, filter or search is refused naming the rule; limits are 1 to 200', async () => {
    await seed();
    await expectForeignCursorsRefused(eng, LIST, 'title', '-title', { kind: 'how_to' });
    await expectForeignCursorsRefused(eng, SEARCH, '-updatedAt', 'title', { state: 'draft' });
    const search = (await eng.get(`${SEARCH}&limit=1`)).body;
    const other = await eng.get(
      `${LIST}?q=${encodeURIComponent('发布')}&limit=1&cursor=${search.nextCursor}`,
    );
    expect(refusalReason(other).reasonCode).toBe('cursor_other_filter');
    const byDate = await eng.get(`${SEARCH}&limit=1&sort=-updatedAt&cursor=${search.nextCursor}`);
    expect(refusalReason(byDate).reasonCode).toBe('cursor_other_sort');
    for (const bad of ['sort=size', 'sort=-relevance', 'limit=0', 'limit=201'])
      expect((await eng.get(`${LIST}?${bad}`)).status, bad).toBe(400);
  });

  it('PO-4 offset is no longer taken: 400 naming the field and the cursor to use; relevance needs a search', async () => {
    await seed();
    for (const offset of ['0', '20']) {
      const r = await eng.get(`${LIST}?limit=2&offset=${offset}`);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.details.fields).toEqual({
        offset: ["not taken: pages follow by cursor (pass the previous answer's nextCursor as cursor)"],
      });
    }
    const relevance = await eng.get(`${LIST}?sort=relevance`);
    expect(relevance.status).toBe(400);
    expect(relevance.body.error.details.fields).toEqual({ sort: ['the relevance order needs a search (q)'] });
    // A page holds 50 unless asked.
    for (let i = 0; i < 42; i++) await write(`补充 ${i}`, '正文');
    const first = (await eng.get(LIST)).body;
    expect([first.items.length, first.total]).toEqual([50, 51]);
    expect((await eng.get(`${LIST}?cursor=${first.nextCursor}`)).body).toMatchObject({
      nextCursor: null,
      total: 51,
    });
  });
});
