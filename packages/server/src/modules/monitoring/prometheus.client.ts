// Reads monitoring indicators (IM-4) from a Prometheus-compatible HTTP query API
// (`GET /api/v1/query`). Only the instant query is needed: an indicator is one number at one time.
import { z } from 'zod';

export interface PrometheusSample {
  /** The series' labels, including `__name__` when the query keeps it. */
  labels: Record<string, string>;
  /** The value; Prometheus' `NaN`, `+Inf` and `-Inf` become NaN, Infinity and -Infinity. */
  value: number;
  /** The evaluation time Prometheus reports for the sample. */
  timestamp: Date;
}

export interface PrometheusQueryOptions {
  /** Aborts the request (and asks Prometheus to stop evaluating) after this long; default 10 s. */
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer …` for a Prometheus behind an authenticating proxy. */
  bearerToken?: string;
}

/**
 * - unreachable: no HTTP answer (connection refused, DNS, TLS…);
 * - timeout: no answer in time, or Prometheus gave up evaluating (errorType `timeout`/`canceled`);
 * - bad_query: Prometheus refused the query (its errorType and error are in the message);
 * - bad_response: an answer that is not a Prometheus query API answer (wrong URL, proxy page, 401…),
 *   or a result type an indicator cannot use (a range vector, a string);
 * - no_data: the query matched no series (readScalar only);
 * - ambiguous: the query matched several series where one number was expected (readScalar only).
 */
export type PrometheusErrorKind =
  'unreachable' | 'timeout' | 'bad_query' | 'bad_response' | 'no_data' | 'ambiguous';

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    /** Prometheus' own errorType for bad_query/timeout answers. */
    readonly errorType?: string,
  ) {
    super(message);
  }
}

export const DEFAULT_TIMEOUT_MS = 10_000;

// Prometheus renders sample values as strings: decimal numbers, "NaN", "+Inf" or "-Inf".
const sampleValue = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());
const queryResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: labels, value: sampleValue })),
      }),
      z.object({ resultType: z.literal('scalar'), result: sampleValue }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
      z.object({ resultType: z.literal('string'), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) {
    throw new PrometheusError(
      'bad_response',
      `Prometheus returned a sample value that is not a number: "${text}"`,
    );
  }
  return value;
}

function sample(metric: Record<string, string>, [seconds, text]: [number, string]): PrometheusSample {
  return { labels: metric, value: parseValue(text), timestamp: new Date(seconds * 1000) };
}

/** `{__name__="x", service="pay"}` style rendering of a series for messages. */
export function formatSeries(series: Record<string, string>): string {
  const { __name__: name = '', ...rest } = series;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${pairs.join(', ')}}`;
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} ${cause.message}`.trim() : cause.message;
  }
  return String(error);
}

/** Prometheus' API errorType values (web/api/v1) mapped to what the caller can do about them. */
function errorKind(errorType: string): PrometheusErrorKind {
  switch (errorType) {
    case 'bad_data': // syntax error, unknown function, bad parameter
    case 'execution': // evaluation failed (e.g. many-to-many matching)
    case 'not_found':
      return 'bad_query';
    case 'timeout':
    case 'canceled':
      return 'timeout';
    case 'unavailable': // not ready yet (starting, replaying its WAL)
      return 'unreachable';
    default:
      return 'bad_response';
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function queryUrl(baseUrl: string, promql: string, at: Date | undefined, timeoutMs: number): URL {
  let base: URL;
  try {
    // A base with a path prefix (`https://host/prometheus`) keeps it.
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new PrometheusError('unreachable', `The Prometheus URL "${baseUrl}" is not a valid URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new PrometheusError('unreachable', `The Prometheus URL "${baseUrl}" must be http or https`);
  }
  const url = new URL('api/v1/query', base);
  url.searchParams.set('query', promql);
  if (at) url.searchParams.set('time', (at.getTime() / 1000).toString());
  url.searchParams.set('timeout', `${timeoutMs}ms`);
  return url;
}

/**
 * Evaluates `promql` at `at` (default: Prometheus' now) and returns the samples of the resulting
 * instant vector (a scalar result is returned as one sample without labels).
 */
export async function queryInstant(
  baseUrl: string,
  promql: string,
  at?: Date,
  options: PrometheusQueryOptions = {},
): Promise<PrometheusSample[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = queryUrl(baseUrl, promql, at, timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
  const where = `${url.origin}${url.pathname}`;

  let status: number;
  let text: string;
  try {
    // One signal covers the connection and reading the body.
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (isTimeout(error)) {
      throw new PrometheusError('timeout', `Prometheus at ${where} did not answer within ${timeoutMs} ms`);
    }
    throw new PrometheusError(
      'unreachable',
      `Prometheus at ${where} is unreachable: ${describeFailure(error)}`,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PrometheusError(
      'bad_response',
      `${where} answered HTTP ${status} with a body that is not JSON; is this the Prometheus URL?`,
    );
  }
  const parsed = queryResponse.safeParse(json);
  if (!parsed.success) {
    throw new PrometheusError(
      'bad_response',
      `${where} answered HTTP ${status} with JSON that is not a Prometheus query response: ${z.prettifyError(parsed.error)}`,
    );
  }
  const body = parsed.data;
  if (body.status === 'error') {
    throw new PrometheusError(
      errorKind(body.errorType),
      `Prometheus refused the query ${JSON.stringify(promql)}: ${body.errorType}: ${body.error}`,
      body.errorType,
    );
  }
  if (status < 200 || status > 299) {
    throw new PrometheusError('bad_response', `${where} answered HTTP ${status} with a success body`);
  }
  const data = body.data;
  switch (data.resultType) {
    case 'vector':
      return data.result.map((s) => sample(s.metric, s.value));
    case 'scalar':
      return [sample({}, data.result)];
    case 'matrix':
    case 'string':
      throw new PrometheusError(
        'bad_response',
        `The query ${JSON.stringify(promql)} returns a ${data.resultType === 'matrix' ? 'range vector' : 'string'}; an indicator needs an instant vector or a scalar (wrap a range selector in a function such as avg_over_time)`,
      );
  }
}

/**
 * Evaluates `promql` and returns its single number. Throws `no_data` when no series matches and
 * `ambiguous` when several do (aggregate them, e.g. `sum(...)`, or narrow the labels). NaN and
 * ±Infinity are returned as they are; the caller decides what they mean for a threshold.
 */
export async function readScalar(
  baseUrl: string,
  promql: string,
  at?: Date,
  options: PrometheusQueryOptions = {},
): Promise<number> {
  const samples = await queryInstant(baseUrl, promql, at, options);
  if (samples.length === 0) {
    throw new PrometheusError('no_data', `The query ${JSON.stringify(promql)} matched no series`);
  }
  if (samples.length > 1) {
    const shown = samples.slice(0, 5).map((s) => formatSeries(s.labels));
    const more = samples.length > shown.length ? ` and ${samples.length - shown.length} more` : '';
    throw new PrometheusError(
      'ambiguous',
      `The query ${JSON.stringify(promql)} matched ${samples.length} series where one number is expected (${shown.join('; ')}${more}); aggregate them (e.g. sum(...)) or narrow the labels`,
    );
  }
  return samples[0].value;
}
