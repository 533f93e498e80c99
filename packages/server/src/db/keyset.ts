import { createHash } from 'node:crypto';
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { FIELDS } from '@releasegate/messages';
import { refused } from '@releasegate/domain';

/**
 * Keyset (cursor) pages for every list the server answers: a page is the
 * rows after the last row of the page before, in a stable order — the sort column, then a unique
 * column that breaks ties — so a walk through the pages returns every row once even while rows are
 * added. The cursor is opaque to clients: base64url JSON naming the list it continues (sort,
 * direction, a fingerprint of the filter) and the last row's key. A cursor of another list is
 * refused, never silently applied to this one.
 */

export type SortDirection = 'asc' | 'desc';

/** The values a key column holds: what a cursor's key must look like to be taken. */
export type KeyKind = 'text' | 'number';
type KeyValue = string | number;

/** A key before the sort column: an expression the query also selects as `column`. */
export interface LeadKey {
  column: string;
  kind: KeyKind;
  expression: Expression<unknown>;
}

/**
 * How a list is ordered: the sort column and the unique tie-break column, each with its kind;
 * optionally keys before them (`lead`: expressions, such as the inbox's "open to-dos first" or a
 * search's "title hits first, then rank", which the query also selects as their `column` so the
 * cursor can be written from the row).
 */
export interface KeyColumns {
  lead?: LeadKey | readonly LeadKey[];
  value: { column: string; kind: KeyKind };
  tie: { column: string; kind: KeyKind };
}

/** The key's parts in order: what to compare and sort by, where the row holds it, its kind. */
function keyParts(keys: KeyColumns): { ref: Expression<unknown>; column: string; kind: KeyKind }[] {
  const leads: readonly LeadKey[] =
    keys.lead === undefined ? [] : 'column' in keys.lead ? [keys.lead] : keys.lead;
  return [
    ...leads.map((l) => ({ ref: l.expression, column: l.column, kind: l.kind })),
    { ref: sql.ref(keys.value.column), column: keys.value.column, kind: keys.value.kind },
    { ref: sql.ref(keys.tie.column), column: keys.tie.column, kind: keys.tie.kind },
  ];
}

/**
 * The keysets of a list whose sorts each read a text column (by the sort's public name), ties
 * broken by the unique text column `tie`.
 */
export function textKeys<S extends string>(columns: Readonly<Record<S, string>>, tie: string) {
  return (sort: S): KeyColumns => ({
    value: { column: columns[sort], kind: 'text' },
    tie: { column: tie, kind: 'text' },
  });
}

/**
 * The orders of a list of numbered records — changes and releases alike, the columns of the web's
 * tables — each by its column, ties broken by the unique number.
 */
export const NUMBERED_SORTS = ['createdAt', 'updatedAt', 'number', 'title'] as const;
export type NumberedSort = (typeof NUMBERED_SORTS)[number];
export const numberedKeys = textKeys<NumberedSort>(
  { createdAt: 'created_at', updatedAt: 'updated_at', number: 'number', title: 'title' },
  'number',
);

/** What a client asks for: where to continue (a cursor or nothing), the order and the page size. */
export interface PageRequest<S extends string = string> {
  cursor?: string;
  /** The public name of the sort (`createdAt`); the cursor must name the same. */
  sort: S;
  direction: SortDirection;
  limit: number;
}

/** A page's place in its list: what `keysetPage` reads. */
export interface KeysetPosition {
  sort: string;
  direction: SortDirection;
  keys: KeyColumns;
  filter: string;
  limit: number;
  /** The key of the last row of the page before (absent on the first page). */
  after?: readonly KeyValue[];
  /**
   * A walk's snapshot, where its list has one (a search: the highest article seq when the walk
   * began); carried by the cursor to every page of the walk.
   */
  bound?: number;
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
  /** How many rows the filter matches, where counting them is cheap. */
  total?: number;
}

interface CursorBody {
  v: 1;
  s: string;
  d: SortDirection;
  f: string;
  k: KeyValue[];
  b?: number;
}

/** The filter as a short fingerprint: the same filter (keys in any order, unset keys left out) gives the same. */
export function filterFingerprint(filter: object): string {
  const kept = Object.entries(filter)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(kept)).digest('base64url').slice(0, 16);
}

const invalidCursor = () =>
  refused('invalid_input', { code: 'cursor_invalid', params: {} }, { fields: { cursor: [FIELDS.invalid] } });

const isKind = (value: unknown, kind: KeyKind) =>
  kind === 'text' ? typeof value === 'string' : typeof value === 'number' && Number.isFinite(value);

function decode(cursor: string): CursorBody {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const b = body as Partial<CursorBody> | null;
  if (
    !b ||
    typeof b !== 'object' ||
    b.v !== 1 ||
    typeof b.s !== 'string' ||
    (b.d !== 'asc' && b.d !== 'desc') ||
    typeof b.f !== 'string' ||
    !Array.isArray(b.k) ||
    (b.b !== undefined && !Number.isSafeInteger(b.b))
  )
    throw invalidCursor();
  return b as CursorBody;
}

/**
 * Where the asked page starts. Refused (400) when the cursor is malformed or forged
 * (`cursor_invalid`), was given out for another order (`cursor_other_sort`) or for other filters
 * (`cursor_other_filter`): a cursor only continues the list it came from.
 */
export function openPage(request: PageRequest, filter: object, keys: KeyColumns): KeysetPosition {
  const position: KeysetPosition = {
    sort: request.sort,
    direction: request.direction,
    keys,
    filter: filterFingerprint(filter),
    limit: request.limit,
  };
  if (request.cursor === undefined) return position;
  const body = decode(request.cursor);
  if (body.s !== request.sort || body.d !== request.direction)
    throw refused(
      'invalid_input',
      {
        code: 'cursor_other_sort',
        params: { cursorSort: `${body.d === 'desc' ? '-' : ''}${body.s}`, sort: sortParam(request) },
      },
      { fields: { cursor: [FIELDS.invalid] } },
    );
  if (body.f !== position.filter)
    throw refused(
      'invalid_input',
      { code: 'cursor_other_filter', params: {} },
      { fields: { cursor: [FIELDS.invalid] } },
    );
  const parts = keyParts(keys);
  if (body.k.length !== parts.length || parts.some((p, i) => !isKind(body.k[i], p.kind)))
    throw invalidCursor();
  return { ...position, after: body.k, ...(body.b !== undefined && { bound: body.b }) };
}

const sortParam = (p: { sort: string; direction: SortDirection }) =>
  `${p.direction === 'desc' ? '-' : ''}${p.sort}`;

/**
 * Rows after `values` in the order of `parts`: the row value `(a, b, …) > (x, y, …)`. Both
 * databases take it as one range of an index on the key (the same comparison spelt
 * `a > x or (a = x and …)` is not: PostgreSQL filtered every row before the cursor, 27 ms on the
 * last of 900 pages of 45,000 servers; SQLite merged two index searches and sorted).
 */
function after(
  parts: readonly { ref: Expression<unknown> }[],
  values: readonly KeyValue[],
  op: RawBuilder<unknown>,
): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.join(parts.map((p) => p.ref))}) ${op} (${sql.join(values)})`;
}

/**
 * The query narrowed to the page: rows after the cursor's key, in the list's order, one more than
 * the page holds (so `closePage` knows whether another page follows). The same SQL on SQLite and
 * PostgreSQL: `(value, tie) > (v, t)`.
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  position: KeysetPosition,
): SelectQueryBuilder<DB, TB, O> {
  const parts = keyParts(position.keys);
  const op = sql.raw(position.direction === 'asc' ? '>' : '<');
  let q = position.after ? query.where(after(parts, position.after, op)) : query;
  for (const part of parts) q = q.orderBy(part.ref, position.direction);
  return q.limit(position.limit + 1);
}

/**
 * The page from the rows `keysetPage` read (with the key columns selected): at most `limit` of
 * them, presented, and the cursor after the last.
 */
export async function closePage<R extends object, T>(
  rows: readonly R[],
  position: KeysetPosition,
  present: (rows: R[]) => T[] | Promise<T[]>,
): Promise<Page<T>> {
  const kept = rows.slice(0, position.limit);
  const last = kept[kept.length - 1] as Record<string, KeyValue> | undefined;
  const nextCursor =
    rows.length > position.limit && last !== undefined
      ? encodeCursor(
          position,
          keyParts(position.keys).map((p) => last[p.column]),
        )
      : null;
  return { items: await present(kept), nextCursor };
}

/** How many rows the (filtered) query matches. */
export async function countRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<number> {
  const row = await query.select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number((row as unknown as { n: number | string }).n);
}

/** A page with the total its filter matches, both read side by side. */
export async function withTotal<T>(page: Promise<Page<T>>, total: Promise<number>): Promise<Page<T>> {
  const [found, n] = await Promise.all([page, total]);
  return { ...found, total: n };
}

function encodeCursor(position: KeysetPosition, key: KeyValue[]): string {
  const body: CursorBody = {
    v: 1,
    s: position.sort,
    d: position.direction,
    f: position.filter,
    k: key,
    ...(position.bound !== undefined && { b: position.bound }),
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}
