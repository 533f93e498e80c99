import { useLocation, useSearchParams } from 'react-router';
import type { TablePaginationConfig, TableProps } from 'antd';
import type { SortOrder } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';

/** Rows per page of a server-paged table. */
export const TABLE_PAGE_SIZE = 20;

/** What a server-paged list answers (`{ items, nextCursor, total? }`). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

/** The cursors of the pages before the current one, kept in the history entry (not in the URL). */
interface PagesState {
  cursors?: (string | null)[];
}

/**
 * A table whose pages, filter and sort come from the server, kept in the URL's query string so a
 * link opens the same filter, sort and page: `?state=…&sort=-updatedAt&cursor=…&page=3`. The
 * server pages by keyset cursor, so the table steps one page forward (the answer's `nextCursor`)
 * or back (the cursors of the pages before, kept in the history entry; from a link that opens a
 * later page, back leads to the first page). A new filter or sort starts from the first page.
 */
export function useCursorPages<K extends string>(
  filterKeys: readonly K[],
  defaults: Partial<Record<K, string>>,
) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const before = (location.state as PagesState | null)?.cursors ?? [];

  const filter = Object.fromEntries(
    filterKeys.map((k) => [k, params.get(k) ?? defaults[k] ?? undefined]),
  ) as Partial<Record<K, string>>;
  const sort = params.get('sort') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);

  /** Another filter or sort: the first page of it. */
  const go = (next: { filter?: Partial<Record<K, string | undefined>>; sort?: string | null }) => {
    const merged = { ...filter, ...next.filter };
    const query = new URLSearchParams();
    for (const k of filterKeys) {
      const v = merged[k];
      if (v !== undefined && v !== '' && v !== defaults[k]) query.set(k, v);
    }
    const nextSort = next.sort === undefined ? sort : (next.sort ?? undefined);
    if (nextSort) query.set('sort', nextSort);
    setParams(query);
  };

  const toPage = (target: number, nextCursor: string | null) => {
    const query = new URLSearchParams(params);
    if (target === page + 1 && nextCursor) {
      query.set('cursor', nextCursor);
      query.set('page', String(target));
      setParams(query, { state: { cursors: [...before, cursor ?? null] } satisfies PagesState });
      return;
    }
    // Back one page when its cursor is known, else to the first page.
    const known = target === page - 1 && before.length === page - 1 ? before[target - 1] : null;
    if (known && target > 1) {
      query.set('cursor', known);
      query.set('page', String(target));
    } else {
      query.delete('cursor');
      query.delete('page');
    }
    setParams(query, { state: { cursors: known && target > 1 ? before.slice(0, target - 1) : [] } });
  };

  /**
   * What to ask the server for: the URL's filter, sort and cursor, a table's page of rows. Typed as
   * the list's query (the server checks every value).
   */
  const query = <Q>() => ({ ...filter, sort, cursor, limit: TABLE_PAGE_SIZE }) as Q;

  /**
   * A column the server sorts by `key`: its sorter, showing the URL's `sort`; `byDefault`, the
   * order it shows when the URL names none (the list's default sort is by this column).
   */
  const sortable = (
    key: string,
    byDefault?: 'ascend' | 'descend',
  ): { key: string; sorter: true; sortOrder: SortOrder; sortDirections?: SortOrder[] } => ({
    key,
    sorter: true,
    sortOrder:
      sort === undefined && byDefault
        ? byDefault
        : sort === key
          ? 'ascend'
          : sort === `-${key}`
            ? 'descend'
            : null,
    ...(byDefault && {
      sortDirections: byDefault === 'ascend' ? ['ascend', 'descend'] : ['descend', 'ascend'],
    }),
  });

  /** A pager for the page the server answered (a Table's, or a Pagination's beside a list). */
  const pagination = <T>(answer: CursorPage<T> | undefined): TablePaginationConfig => ({
    current: page,
    pageSize: TABLE_PAGE_SIZE,
    // The total the server counted; at least what reaching this page implies.
    total: Math.max(
      answer?.total ?? 0,
      (page - 1) * TABLE_PAGE_SIZE + (answer?.items.length ?? 0) + (answer?.nextCursor ? 1 : 0),
    ),
    simple: { readOnly: true },
    showSizeChanger: false,
    hideOnSinglePage: page === 1 && !answer?.nextCursor,
    showTotal: (n) => t('common.total', { count: n }),
    onChange: (p) => toPage(p, answer?.nextCursor ?? null),
  });

  /** The Table's pagination and onChange, for the page the server answered. */
  const tableProps = <T>(
    answer: CursorPage<T> | undefined,
  ): Pick<TableProps<T>, 'pagination' | 'onChange'> => {
    const { onChange: _pager, ...pager } = pagination(answer);
    return {
      pagination: pager,
      onChange: (p, _filters, sorter, extra) => {
        if (extra.action === 'paginate') return toPage(p.current ?? 1, answer?.nextCursor ?? null);
        if (extra.action === 'sort') {
          const one = Array.isArray(sorter) ? sorter[0] : sorter;
          const key = one?.order ? String(one.columnKey ?? one.field) : null;
          go({ sort: key ? `${one?.order === 'descend' ? '-' : ''}${key}` : null });
        }
      },
    };
  };

  return {
    filter,
    sort,
    cursor,
    page,
    setFilter: (f: Partial<Record<K, string | undefined>>) => go({ filter: f }),
    setSort: (next: string | null) => go({ sort: next }),
    sortable,
    query,
    pagination,
    tableProps,
  };
}
