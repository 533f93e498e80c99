import { z } from 'zod';
import type { PageRequest } from '../db/keyset';

/** Page sizes every list takes: 50 unless asked, at most 200. */
export const PAGE_LIMIT = { default: 50, max: 200 } as const;

/** The values of a list's `sort` parameter: each of `sorts`, ascending or with a leading `-`. */
export const sortValues = <S extends string>(sorts: readonly [S, ...S[]]) =>
  sorts.flatMap((s) => [s, `-${s}` as const]) as [S | `-${S}`, ...(S | `-${S}`)[]];

/**
 * The query parameters of a paged list: `limit`, `cursor` and `sort` — one of `sorts`, ascending,
 * or descending with a leading `-` (`-createdAt`).
 */
export function pageQuery<S extends string>(sorts: readonly [S, ...S[]], defaultSort: S | `-${S}`) {
  const values = sortValues(sorts);
  return z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(PAGE_LIMIT.max)
      .default(PAGE_LIMIT.default)
      .describe(`Rows per page, 1–${PAGE_LIMIT.max} (${PAGE_LIMIT.default} unless asked)`),
    // A cursor carries the last row's sort value: up to a few hundred characters of text, encoded.
    cursor: z
      .string()
      .max(4096)
      .optional()
      .describe(
        "The previous page's `nextCursor`; it continues only the list (sort and filters) it came from",
      ),
    sort: z
      .enum(values)
      .default(defaultSort as never)
      .describe('The sort column; a leading `-` sorts descending. Ties are broken by a unique column.'),
  });
}

/** The page request from a paged list's query parameters. */
export function pageRequestOf<S extends string>(query: {
  limit: number;
  cursor?: string;
  sort: S | `-${S}`;
}): PageRequest<S> {
  const descending = query.sort.startsWith('-');
  return {
    limit: query.limit,
    cursor: query.cursor,
    sort: (descending ? query.sort.slice(1) : query.sort) as S,
    direction: descending ? 'desc' : 'asc',
  };
}

/** A page of a list: its rows, the cursor of the next page (null on the last), and the total where cheap. */
export function pageView<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
    total: z.number().int().optional().describe('How many rows match the filters (where counting is cheap)'),
  });
}
