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
