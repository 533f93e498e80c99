import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { expectEveryRowOnce, forgedCursor, refusalReason, walkPages } from '../../test/pages';
import { approvedChange, ci, signInRoles } from '../../test/releases';
import { startTestApp, type TestApp } from '../../test/test-app';

describe.each(DIALECTS)('release list pages on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let change: { id: string };
  let target: { id: string };
  let added = 0;

  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
    target = await ci(c.cfg, 'application', 'ledger');
    change = await approvedChange(c, '账务升级', [target.id]);
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const request = async (title: string) => {
    const r = await c.eng1.post('/api/releases', { title, changeIds: [change.id], targetCiIds: [target.id] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string; createdAt: string };
  };
  /** Releases three at a time at the same moment (ties on the time). */
  const seed = async (n: number) => {
    const made = [];
    for (let i = 0; i < n; i++) {
      made.push(await request(`发布 ${String.fromCharCode(90 - i)}`));
      if (i % 3 === 2) t.clock.advanceMinutes(1);
    }
    return made;
  };
  const addOne = async () => {
    added++;
    await request(`${added % 2 ? 'A' : 'z'} 追加 ${added}`);
  };

  it('IN-6 a cursor walk returns every release once, in order, while releases are requested — for each sort', async () => {
    const made = await seed(7);
    const first = (await c.eng1.get('/api/releases?limit=200')).body;
    const newest = [...made].sort((a, b) =>
      a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.number < b.number ? 1 : -1,
    );
    expect(first.items.map((x: any) => x.id)).toEqual(newest.map((x) => x.id));
    expect(first).toMatchObject({ nextCursor: null, total: 7 });

    for (const sort of ['-createdAt', 'createdAt', 'title', '-number', 'updatedAt']) {
      const path = `/api/releases?open=true&sort=${sort}`;
      const expected = (await c.eng1.get(`${path}&limit=200`)).body.items.map((x: any) => x.id);
      const walk = await walkPages(c.eng1, path, 3, addOne);
      expectEveryRowOnce(walk.items, expected);
    }
  });

  it('IN-6 filters page on the server: state and text, with the total they match', async () => {
    const made = await seed(5);
    for (const r of made.slice(0, 3))
      expect((await c.eng2.post(`/api/releases/${r.id}/accept`, { note: '受理' })).status).toBe(200);
    const planning = (await c.eng1.get('/api/releases?state=planning&sort=title&limit=2')).body;
    expect(planning.total).toBe(3);
    expect(planning.items.map((x: any) => x.title)).toEqual(['发布 X', '发布 Y']);
    const walk = await walkPages(c.eng1, '/api/releases?state=planning&sort=title', 2, addOne);
    expect(walk.items.map((x: any) => x.title)).toEqual(['发布 X', '发布 Y', '发布 Z']);
    const byNumber = (await c.eng1.get(`/api/releases?q=${made[1].number.toLowerCase()}`)).body;
    expect(byNumber).toMatchObject({ total: 1, items: [{ id: made[1].id }], nextCursor: null });
  });

  it('IN-6 a forged cursor or one of another sort or filter is refused naming the rule; limits are 1 to 200', async () => {
    await seed(3);
    const page = (await c.eng1.get('/api/releases?limit=1')).body;
    const cursor = page.nextCursor as string;
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    expect(
      refusalReason(await c.eng1.get(`/api/releases?limit=1&cursor=${forgedCursor({ ...body, k: [0, 0] })}`)),
    ).toEqual({ reasonCode: 'cursor_invalid', params: {} });
    expect(refusalReason(await c.eng1.get(`/api/releases?limit=1&sort=createdAt&cursor=${cursor}`))).toEqual({
      reasonCode: 'cursor_other_sort',
      params: { cursorSort: '-createdAt', sort: 'createdAt' },
    });
    expect(
      refusalReason(await c.eng1.get(`/api/releases?limit=1&open=true&cursor=${cursor}`)).reasonCode,
    ).toBe('cursor_other_filter');
    expect((await c.eng1.get(`/api/releases?limit=1&cursor=${cursor}`)).body.items).toHaveLength(1);
    for (const bad of ['limit=0', 'limit=201', 'sort=type', 'sort=-state'])
      expect((await c.eng1.get(`/api/releases?${bad}`)).status, bad).toBe(400);
    expect((await c.eng1.get('/api/releases?limit=200')).status).toBe(200);
  });
});
