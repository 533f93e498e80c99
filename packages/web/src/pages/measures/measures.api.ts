import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, routeUrl } from '../../api/client';
import type { paths } from '../../api/openapi';
import type { ReleaseOutcome, ReleaseType } from '../../api/types';

type Get = {
  [P in keyof paths]: paths[P] extends {
    get: { responses: { 200: { content: { 'application/json': infer T } } } };
  }
    ? T
    : never;
};

/** The shapes of /api/measures, from the OpenAPI document (npm run api:types). */
export type QuartersView = Get['/api/measures/quarters'];
export type QuarterMeasures = QuartersView['quarters'][number];
export type Ratio = QuarterMeasures['cmdbOnTimeRate'];
export type MeasureRuleKey = keyof QuartersView['rules'];
export type QuarterReleases = Get['/api/measures/quarters/{quarter}/releases'];
export type ReleaseRecordView = QuarterReleases['items'][number];

export type RecordSort = NonNullable<
  NonNullable<paths['/api/measures/quarters/{quarter}/releases']['get']['parameters']['query']>['sort']
>;

export interface ReleasesQuery {
  outcome?: ReleaseOutcome;
  type?: ReleaseType;
  sort: RecordSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const measuresQueryKey = ['measures'] as const;

export function quarterMeasures(from: string, to: string, signal?: AbortSignal): Promise<QuartersView> {
  return api.GET('/api/measures/quarters', { params: { query: { from, to } }, signal });
}

export function quarterReleases(
  quarter: string,
  query: ReleasesQuery,
  signal?: AbortSignal,
): Promise<QuarterReleases> {
  return api.GET('/api/measures/quarters/{quarter}/releases', {
    params: { path: { quarter }, query },
    signal,
  });
}

/** The report's address; a plain link downloads it with the session cookie. */
export function quarterExportUrl(quarter: string, format: 'xlsx' | 'csv', lang: 'zh' | 'en'): string {
  return routeUrl('/api/measures/quarters/{quarter}/export', { path: { quarter }, query: { format, lang } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

/** The measures of the quarters from `from` to `to`; the last answer stays while another range loads. */
export function useQuarterMeasures(from: string, to: string) {
  return useQuery({
    queryKey: [...measuresQueryKey, 'quarters', [from, to]],
    queryFn: ({ signal }) => quarterMeasures(from, to, signal),
    placeholderData: keepPreviousData,
  });
}

/** A quarter's releases, a page at a time; the last page stays while the next loads. */
export function useQuarterReleases(quarter: string, query: ReleasesQuery) {
  return useQuery({
    queryKey: [...measuresQueryKey, 'releases', quarter, query],
    queryFn: ({ signal }) => quarterReleases(quarter, query, signal),
    placeholderData: keepPreviousData,
  });
}
