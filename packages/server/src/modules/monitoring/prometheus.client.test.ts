import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/server-process';
import {
  oneValue,
  startExporter,
  startPrometheus,
  waitForValue,
  type Exporter,
  type PrometheusServer,
} from '../../test/prometheus';
import { PrometheusError, queryInstant, readScalar } from './prometheus.client';

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe('reading indicators from a real Prometheus', () => {
  let exporter: Exporter;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    exporter = await startExporter();
    exporter.setGauge('http_error_ratio', { service: 'pay' }, 0.12);
    exporter.setGauge('http_error_ratio', { service: 'billing' }, 0.01);
    prometheus = await startPrometheus({ scrapeTargets: [exporter] });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it("IM-4 reads the exporter's gauge through the query API", async () => {
    await waitForValue(prometheus.url, 'http_error_ratio{service="pay"}', oneValue(0.12));
    expect(await readScalar(prometheus.url, 'http_error_ratio{service="pay"}')).toBe(0.12);
    const [sample] = await queryInstant(prometheus.url, 'http_error_ratio{service="pay"}');
    expect(sample.labels).toMatchObject({
      __name__: 'http_error_ratio',
      service: 'pay',
      job: 'releasegate-test',
    });
    expect(sample.labels.instance).toBe(exporter.target);
    expect(Math.abs(sample.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
    // A scalar result is one sample without labels.
    expect(await queryInstant(prometheus.url, 'scalar(http_error_ratio{service="pay"}) * 100')).toEqual([
      { labels: {}, value: 12, timestamp: expect.any(Date) },
    ]);
  });

  it('IM-4 sees a changed value after the next scrape, and the old one when asked for an earlier time', async () => {
    const query = 'http_error_ratio{service="billing"}';
    await waitForValue(prometheus.url, query, oneValue(0.01));
    const before = new Date();
    const scrapes = exporter.scrapes();
    exporter.setGauge('http_error_ratio', { service: 'billing' }, 0.5);
    await waitForValue(prometheus.url, query, oneValue(0.5));
    expect(exporter.scrapes()).toBeGreaterThan(scrapes);
    expect(await readScalar(prometheus.url, query)).toBe(0.5);
    expect(await readScalar(prometheus.url, query, before)).toBe(0.01);
  });

  it('IM-4 reads NaN and ±Inf as numbers', async () => {
    exporter.setGauge('latency_p99_seconds', { service: 'nan' }, NaN);
    exporter.setGauge('latency_p99_seconds', { service: 'up' }, Infinity);
    exporter.setGauge('latency_p99_seconds', { service: 'down' }, -Infinity);
    await waitForValue(prometheus.url, 'latency_p99_seconds', (s) => s.length === 3);
    expect(await readScalar(prometheus.url, 'latency_p99_seconds{service="nan"}')).toBeNaN();
    expect(await readScalar(prometheus.url, 'latency_p99_seconds{service="up"}')).toBe(Infinity);
    expect(await readScalar(prometheus.url, 'latency_p99_seconds{service="down"}')).toBe(-Infinity);
  });

  it("IM-4 a PromQL syntax error is bad_query with Prometheus' own message", async () => {
    const error = await failure(readScalar(prometheus.url, 'http_error_ratio{service="pay"'));
    expect(error.kind).toBe('bad_query');
    expect(error.errorType).toBe('bad_data');
    expect(error.message).toMatch(/^Prometheus refused the query .*: bad_data: .*parse error/);
  });

  it('IM-4 a query matching no series is no_data; several series are ambiguous for readScalar', async () => {
    expect(await queryInstant(prometheus.url, 'http_error_ratio{service="nobody"}')).toEqual([]);
    const none = await failure(readScalar(prometheus.url, 'http_error_ratio{service="nobody"}'));
    expect(none.kind).toBe('no_data');
    expect(none.message).toContain('matched no series');

    await waitForValue(prometheus.url, 'http_error_ratio', (s) => s.length === 2);
    const several = await failure(readScalar(prometheus.url, 'http_error_ratio'));
    expect(several.kind).toBe('ambiguous');
    expect(several.message).toContain('matched 2 series');
    expect(several.message).toContain('service="pay"');
    expect(several.message).toContain('service="billing"');
    // Aggregating makes it one number.
    expect(await readScalar(prometheus.url, 'count(http_error_ratio)')).toBe(2);
  });

  it('IM-4 a range vector is refused with a hint instead of being read as a number', async () => {
    const error = await failure(readScalar(prometheus.url, 'http_error_ratio{service="pay"}[1m]'));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('range vector');
  });

  it('IM-4 a URL that is not Prometheus is bad_response', async () => {
    // The exporter answers 404 with plain text on /api/v1/query.
    const error = await failure(readScalar(exporter.url, 'up'));
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('HTTP 404');
  });
});

describe('Prometheus client failures without a Prometheus', () => {
  it('IM-4 an unreachable URL is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const error = await failure(readScalar(`http://127.0.0.1:${port}`, 'up'));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('IM-4 a server that does not answer in time is timeout; the bearer token is sent', async () => {
    const seen: http.IncomingMessage[] = [];
    const silent = http.createServer((req) => {
      seen.push(req); // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/prom`;
    try {
      const error = await failure(
        readScalar(url, 'up', undefined, { timeoutMs: 300, bearerToken: 's3cret' }),
      );
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('300 ms');
      expect(seen).toHaveLength(1);
      expect(seen[0].headers.authorization).toBe('Bearer s3cret');
      // The base URL's path prefix is kept; Prometheus is asked to stop evaluating in time too.
      expect(seen[0].url).toBe('/prom/api/v1/query?query=up&timeout=300ms');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
