// Test harness for reading indicators from a real Prometheus (IM-4): a tiny exporter whose gauges a
// test sets, and Debian's Prometheus started on loopback scraping it every second.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  PrometheusError,
  formatSeries,
  queryInstant,
  type PrometheusSample,
} from '../modules/monitoring/prometheus.client';
import { freePort } from './server-process';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface Exporter {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, as a Prometheus scrape target. */
  target: string;
  setGauge(name: string, labels: Record<string, string>, value: number): void;
  removeGauge(name: string, labels: Record<string, string>): void;
  /** How many times `/metrics` has been fetched. */
  scrapes(): number;
  close(): Promise<void>;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function seriesKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k])}"`)
    .join(',');
}

/** Serves `/metrics` in the Prometheus text exposition format (0.0.4) on 127.0.0.1:0. */
export async function startExporter(): Promise<Exporter> {
  // metric name → series key (rendered labels) → value
  const gauges = new Map<string, Map<string, number>>();
  let scrapes = 0;
  const render = (): string => {
    let out = '';
    for (const [name, series] of gauges) {
      out += `# TYPE ${name} gauge\n`;
      for (const [key, value] of series) out += `${name}{${key}} ${formatValue(value)}\n`;
    }
    return out;
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(render());
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('exporter: no TCP address');
  const target = `127.0.0.1:${address.port}`;
  const checkNames = (name: string, labels: Record<string, string>) => {
    if (!METRIC_NAME.test(name)) throw new Error(`exporter: invalid metric name "${name}"`);
    for (const l of Object.keys(labels)) {
      if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`exporter: invalid label name "${l}"`);
    }
  };
  return {
    url: `http://${target}`,
    target,
    setGauge(name, labels, value) {
      checkNames(name, labels);
      let series = gauges.get(name);
      if (!series) gauges.set(name, (series = new Map()));
      series.set(seriesKey(labels), value);
    },
    removeGauge(name, labels) {
      checkNames(name, labels);
      gauges.get(name)?.delete(seriesKey(labels));
    },
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PrometheusServer {
  /** `http://127.0.0.1:PORT`, the base URL of the query API. */
  url: string;
  /** Prometheus' log so far (stderr), for assertion messages. */
  log(): string;
  /** Kills Prometheus and removes its config and storage. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` targets (or exporters) whose `/metrics` Prometheus scrapes every second. */
  scrapeTargets: (string | Pick<Exporter, 'target'>)[];
  /** How long to wait for `/-/ready`; default 30 s (the machine is shared and slow). */
  readyTimeoutMs?: number;
}

function config(targets: string[]): string {
  // YAML is a superset of JSON; JSON.stringify quotes the targets safely.
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: releasegate-test',
    '    static_configs:',
    `      - targets: ${JSON.stringify(targets)}`,
    '',
  ].join('\n');
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or times out. */
async function poll<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Starts Prometheus on a free loopback port with a temporary config and storage, scraping the
 * given targets every second, and resolves once `/-/ready` answers. The process is killed by
 * `stop()`, when this Node process exits, and — by a watchdog — if this process is killed.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  if (!fs.existsSync(PROMETHEUS_BIN)) {
    throw new Error(
      `${PROMETHEUS_BIN} is missing: the IM-4 tests read indicators from a real Prometheus. ` +
        'Install it with `apt-get install prometheus` (Debian; .ci/run does this) or set PROMETHEUS_BIN.',
    );
  }
  const targets = options.scrapeTargets.map((t) => (typeof t === 'string' ? t : t.target));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, config(targets));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Debian's 2.x defaults --web.console.* to /etc/prometheus; newer versions dropped the flags,
  // so they are left at their defaults.
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  // Never outlive the test: on a normal exit of this process…
  const killOnExit = () => {
    if (!exited(child)) child.kill('SIGKILL');
    removeDir();
  };
  process.on('exit', killOnExit);
  // …and if this process is killed (no 'exit' event then), a detached watchdog does it.
  const watchdog = spawn(
    'sh',
    [
      '-c',
      'tail --pid="$1" -f /dev/null; kill -9 "$2" 2>/dev/null; rm -rf "$3"',
      'watchdog',
      String(process.pid),
      String(child.pid),
      dir,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    if (!exited(child)) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    if (watchdog.pid && watchdog.exitCode === null) {
      try {
        process.kill(-watchdog.pid, 'SIGKILL'); // the shell and its tail
      } catch {
        // already gone
      }
    }
    removeDir();
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const ready = await Promise.race([
    spawnError.then((e) => `could not be started: ${e.message}`),
    poll<string>(
      async () => {
        if (exited(child)) return `exited with ${child.exitCode ?? child.signalCode}`;
        try {
          const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          return res.ok ? 'ready' : undefined;
        } catch {
          return undefined; // not listening yet
        }
      },
      readyTimeoutMs,
      100,
    ).then((r) => r ?? `was not ready within ${readyTimeoutMs} ms`),
  ]);
  if (ready !== 'ready') {
    await stop();
    throw new Error(`Prometheus (${PROMETHEUS_BIN} on ${url}) ${ready}. Its log:\n${log}`);
  }
  return { url, log: () => log, stop };
}

function summarize(samples: PrometheusSample[]): string {
  if (samples.length === 0) return 'no series';
  return samples.map((s) => `${formatSeries(s.labels)} ${s.value}`).join('; ');
}

/**
 * Polls `promql` until the samples satisfy `predicate` (e.g. the exporter's new value has been
 * scraped) and returns them; fails with the last answer after `timeoutMs` (default 20 s).
 */
export async function waitForValue(
  url: string,
  promql: string,
  predicate: (samples: PrometheusSample[]) => boolean,
  { timeoutMs = 20_000 }: { timeoutMs?: number } = {},
): Promise<PrometheusSample[]> {
  let last = 'no answer yet';
  const found = await poll(
    async () => {
      try {
        const samples = await queryInstant(url, promql, undefined, { timeoutMs: 5_000 });
        last = summarize(samples);
        return predicate(samples) ? samples : undefined;
      } catch (error) {
        if (!(error instanceof PrometheusError)) throw error;
        last = `${error.kind}: ${error.message}`;
        return undefined;
      }
    },
    timeoutMs,
    200,
  );
  if (!found) {
    throw new Error(
      `Prometheus at ${url} did not return the awaited value for ${promql} within ${timeoutMs} ms; last answer: ${last}`,
    );
  }
  return found;
}

/** A predicate for `waitForValue`: exactly one series, whose value is `value` (NaN matches NaN). */
export function oneValue(value: number): (samples: PrometheusSample[]) => boolean {
  return (samples) =>
    samples.length === 1 &&
    (Number.isNaN(value) ? Number.isNaN(samples[0].value) : samples[0].value === value);
}
