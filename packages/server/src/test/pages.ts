import { expect } from 'vitest';
import type { Role } from '@releasegate/domain';
import type { Dialect } from '../db/database';
import { HttpClient, startTestApp } from './test-app';

/** A test app with one user of `roles`, signed in: who reads a list in a list's tests. */
export async function appWithUser(dialect: Dialect, username: string, roles: Role[]) {
  const t = await startTestApp(dialect);
  await t.seedUser(username, roles);
  const client = new HttpClient(t.url);
  expect((await client.login(username)).status).toBe(200);
  return { t, client };
}

/** The list path with `extra` query parameters added (`?` or `&` as the path needs). */
export const withQuery = (path: string, extra: Record<string, string | number>) =>
  `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(
    Object.entries(extra).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString()}`;

/**
 * Walks a keyset-paged list from its first page to its last, `limit` rows a page, calling
 * `between` after each page (to add rows while the walk goes on). Returns every row read, in order.
 */
export async function walkPages(
  client: HttpClient,
  path: string,
  limit: number,
  between: (page: number) => Promise<void> = async () => {},
): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r: { status: number; body: any } = await client.get(
      withQuery(path, { limit, ...(cursor !== null && { cursor }) }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    pages++;
    expect(pages, 'the walk ends').toBeLessThan(1000);
    await between(pages);
  } while (cursor !== null);
  return { items, pages };
}

/**
 * A walk under concurrent inserts returned every row of `expected` (ids, in the list's order)
 * exactly once and in that order; rows added during the walk may appear or not, once at most.
 */
export function expectEveryRowOnce(walked: readonly { id: string }[], expected: readonly string[]) {
  const ids = walked.map((x) => x.id);
  expect(new Set(ids).size, 'no row twice').toBe(ids.length);
  const known = new Set(expected);
  expect(ids.filter((id) => known.has(id))).toEqual(expected);
}

/** The reason a refused list request gives (its first reason code and params). */
export function refusalReason(r: { status: number; body: any }) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  return r.body.error.details.reasons[0] as { reasonCode: string; params: Record<string, unknown> };
}

/** A cursor as a client could forge it: base64url of any JSON. */
export const forgedCursor = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');

/**
 * For each sort: a walk `limit` rows a page, adding a row after each page, returns every row the
 * list held when it began exactly once and in the list's order (a one-page read of up to 200).
 */
export async function expectCursorWalks(
  client: HttpClient,
  path: string,
  sorts: readonly string[],
  addOne: () => Promise<void>,
  limit = 2,
) {
  for (const sort of sorts) {
    const sorted = withQuery(path, { sort });
    const expected = (await client.get(withQuery(sorted, { limit: 200 }))).body.items.map((x: any) => x.id);
    expect(expected.length, sort).toBeGreaterThan(limit);
    const walk = await walkPages(client, sorted, limit, addOne);
    expectEveryRowOnce(walk.items, expected);
  }
}

/**
 * A malformed or forged cursor, one of another sort (`sort` then `otherSort`) or of other filters
 * (`otherFilter` added) is refused 400 naming the rule; a page holds 1 to 200 rows.
 */
export async function expectForeignCursorsRefused(
  client: HttpClient,
  path: string,
  sort: string,
  otherSort: string,
  otherFilter: Record<string, string>,
) {
  const first = await client.get(withQuery(path, { limit: 1, sort }));
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const cursor = first.body.nextCursor as string;
  expect(cursor).toEqual(expect.any(String));
  const ask = (extra: Record<string, string | number>) => client.get(withQuery(path, { limit: 1, ...extra }));
  expect(refusalReason(await ask({ sort, cursor: 'not*a*cursor' })).reasonCode).toBe('cursor_invalid');
  const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  expect(
    refusalReason(await ask({ sort, cursor: forgedCursor({ ...body, k: [{}, true] }) })).reasonCode,
  ).toBe('cursor_invalid');
  expect(refusalReason(await ask({ sort: otherSort, cursor }))).toEqual({
    reasonCode: 'cursor_other_sort',
    params: { cursorSort: sort, sort: otherSort },
  });
  expect(refusalReason(await ask({ sort, cursor, ...otherFilter })).reasonCode).toBe('cursor_other_filter');
  expect((await ask({ sort, cursor })).status).toBe(200);
  for (const limit of [0, 201])
    expect((await client.get(withQuery(path, { limit }))).status, `limit ${limit}`).toBe(400);
  expect((await client.get(withQuery(path, { limit: 200 }))).status).toBe(200);
}
