import { expect } from 'vitest';
import type { HttpClient } from './test-app';

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
