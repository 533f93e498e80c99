import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectEveryRowOnce, forgedCursor, refusalReason, walkPages } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';

describe.each(DIALECTS)('change list pages on %s', (dialect) => {
  let t: TestApp;
  let eng: HttpClient;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: eng } = await appWithUser(dialect, 'eng', ['operations_engineer']));
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const create = async (title: string) => {
    const r = await eng.post('/api/changes', { title, risk: 'low' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string; title: string; createdAt: string; state: string };
  };
  /** Three changes at the same moment, then a minute later three more (ties on the time). */
  const seed = async (n: number) => {
    const made = [];
    for (let i = 0; i < n; i++) {
      made.push(await create(`变更 ${String.fromCharCode(90 - i)}`));
      if (i % 3 === 2) t.clock.advanceMinutes(1);
    }
    return made;
  };
  /** A change added while a walk is under way (newer than every row, titled to land anywhere). */
  const addOne = async () => {
    added++;
    await create(`${added % 2 ? 'A' : 'z'} 追加 ${added}`);
  };

  it('IN-2 a cursor walk returns every change once, in order, while changes are added — for each sort', async () => {
    const made = await seed(9);
    // The default order, checked on its own: newest first, ties by number.
    const first = (await eng.get('/api/changes?limit=200')).body;
    const newest = [...made].sort((a, b) =>
      a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.number < b.number ? 1 : -1,
    );
    expect(first.items.map((x: any) => x.id)).toEqual(newest.map((x) => x.id));
    expect(first).toMatchObject({ nextCursor: null, total: 9 });

    for (const sort of ['-createdAt', 'createdAt', 'title', '-title', 'number', '-updatedAt']) {
      const path = `/api/changes?sort=${sort}`;
      const expected = (await eng.get(`${path}&limit=200`)).body.items.map((x: any) => x.id);
      const walk = await walkPages(eng, path, 2, addOne);
      expect(walk.pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / 2));
      expectEveryRowOnce(walk.items, expected);
    }
  });

  it('IN-2 a filtered walk pages only the matching changes, and the total counts them', async () => {
    const made = await seed(7);
    for (const c of made.slice(0, 5))
      expect((await eng.post(`/api/changes/${c.id}/submit`)).status).toBe(200);
    const path = '/api/changes?state=cab_review&sort=title';
    const expected = (await eng.get(`${path}&limit=200`)).body;
    expect(expected.total).toBe(5);
    expect(expected.items.map((x: any) => x.title)).toEqual([
      '变更 V',
      '变更 W',
      '变更 X',
      '变更 Y',
      '变更 Z',
    ]);
    const walk = await walkPages(eng, path, 2, addOne);
    expect(walk.pages).toBe(3);
    expectEveryRowOnce(
      walk.items,
      expected.items.map((x: any) => x.id),
    );
    expect(walk.items.every((x: any) => x.state === 'cab_review')).toBe(true);
  });

  it('IN-2 a malformed or forged cursor, or one of another sort or filter, is refused naming the rule', async () => {
    await seed(3);
    const page = (await eng.get('/api/changes?limit=1&sort=title')).body;
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(3);
    const cursor = page.nextCursor as string;

    expect(refusalReason(await eng.get('/api/changes?limit=1&sort=title&cursor=not*a*cursor'))).toEqual({
      reasonCode: 'cursor_invalid',
      params: {},
    });
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    for (const forged of [
      forgedCursor({ ...body, k: [1, 2] }),
      forgedCursor({ ...body, k: [body.k[0]] }),
      forgedCursor({ ...body, v: 2 }),
      forgedCursor(['变更 X', 'id']),
      Buffer.from('{"v":1').toString('base64url'),
    ])
      expect(
        refusalReason(await eng.get(`/api/changes?limit=1&sort=title&cursor=${forged}`)).reasonCode,
      ).toBe('cursor_invalid');

    const otherSort = await eng.get(`/api/changes?limit=1&sort=-updatedAt&cursor=${cursor}`);
    expect(refusalReason(otherSort)).toEqual({
      reasonCode: 'cursor_other_sort',
      params: { cursorSort: 'title', sort: '-updatedAt' },
    });
    expect(otherSort.body.error.message).toBe(
      'A page cursor continues only the order it came from: this one continues sort title, not -updatedAt; start from the first page',
    );
    const otherFilter = await eng.get(`/api/changes?limit=1&sort=title&state=draft&cursor=${cursor}`);
    expect(refusalReason(otherFilter).reasonCode).toBe('cursor_other_filter');
    expect(otherFilter.body.error.message).toMatch(/continues only the filters it came from/);
    // The same filter and sort continue, whatever the page size.
    expect((await eng.get(`/api/changes?limit=5&sort=title&cursor=${cursor}`)).body.items).toHaveLength(2);
  });

  it('IN-2 a cursor after the longest title a change may have still continues the list', async () => {
    await create('变'.repeat(200));
    await create('变'.repeat(199));
    const first = (await eng.get('/api/changes?sort=-title&limit=1')).body;
    expect(first.items[0].title).toBe('变'.repeat(200));
    const next = await eng.get(`/api/changes?sort=-title&limit=1&cursor=${first.nextCursor}`);
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.body.items[0].title).toBe('变'.repeat(199));
  });

  it('IN-2 a page holds 50 rows unless asked, 1 to 200; an unknown sort is refused', async () => {
    await seed(51);
    const first = (await eng.get('/api/changes')).body;
    expect(first.items).toHaveLength(50);
    expect(first.total).toBe(51);
    const rest = (await eng.get(`/api/changes?cursor=${first.nextCursor}`)).body;
    expect(rest).toMatchObject({ nextCursor: null, total: 51 });
    expect(rest.items).toHaveLength(1);
    expect((await eng.get('/api/changes?limit=200')).body.items).toHaveLength(51);
    for (const bad of ['limit=0', 'limit=201', 'limit=abc', 'sort=risk', 'sort=--title'])
      expect((await eng.get(`/api/changes?${bad}`)).status, bad).toBe(400);
  });
});
