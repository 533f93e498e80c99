#!/usr/bin/env node
// releasegate-ci.mjs: the ReleaseGate client for pipelines (PR-1, PR-5, IM-2, IM-5, IM-7).
//
// One file, plain JavaScript, Node.js >= 18 built-ins only (fetch, crypto, fs, util.parseArgs):
// a pipeline fetches it from its ReleaseGate server (GET /downloads/releasegate-ci.mjs), checks
// its SHA-256 and runs it with `node`. No npm install, no checkout of ReleaseGate.
//
// Exit codes: 0 allowed / done, 1 refused (the gate said no, the server refused the action with
// a 4xx, a step reported failed, evidence that does not match), 2 error (bad usage, network,
// timeout, 5xx, rate limit not lifted in time).

import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const VERSION = '0.1.0';
const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_ERROR = 2;
/** Statuses worth asking again: the server or a proxy in front of it is briefly unavailable. */
const RETRY_STATUSES = new Set([502, 503, 504]);
/** The longest Retry-After honoured; a longer one ends the run as an error. */
const MAX_RETRY_AFTER_MS = 300_000;
/** What one POST /logs carries at most: the route takes 5000 lines, the server 1 MiB a body. */
const LOG_BATCH_LINES = 5000;
const LOG_BATCH_BYTES = 768 * 1024;
const LOG_LINE_CHARS = 16_384;
const STEP_OUTPUT_CHARS = 65_536;

// ---------------------------------------------------------------------------------------------
// Language (X-3): Chinese when LC_ALL, LC_MESSAGES or LANG says zh, else English. The server
// renders its refusals and the gate's checks in the language of Accept-Language.

const env = process.env;
const language = /^zh/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'zh' : 'en';

const TEXT = {
  en: {
    allowed: 'ALLOWED',
    refusedGate: 'REFUSED',
    gateLine: (a, verdict) => `${verdict}: ${a.release} to ${a.environment} at ${a.at}`,
    reported: (o, a) =>
      `${a.duplicate ? 'ALREADY REPORTED' : 'REPORTED'}: ${o.release} ${o.phase} step ${o.step} ${o.event}` +
      `${o.status ? ` (${o.status})` : ''}; ${a.done} of ${a.total} ${o.phase} steps done`,
    pushed: (r, a) =>
      `PUSHED: ${a.accepted} lines to ${r}, ${a.flagged} flagged by the plan's error patterns`,
    nothingToPush: (r) => `NOTHING TO PUSH: no non-empty line for ${r}`,
    verified: (v) => `VERIFIED: evidence ${v.digest} of ${v.release}: ${v.size} bytes, SHA-256 matches`,
    mismatch: (v) =>
      `MISMATCH: evidence ${v.digest} of ${v.release}: the server sent content with SHA-256 ${v.sha256}`,
    fileMatches: (f) => `  ${f}: the same SHA-256`,
    fileDiffers: (f, d) => `  ${f}: SHA-256 ${d} differs`,
    refused: (e) => `REFUSED (HTTP ${e.status} ${e.code}): ${e.message}`,
    error: (m) => `ERROR: ${m}`,
    retry: (why, ms, n, of) => `retrying in ${seconds(ms)} s (${why}), attempt ${n} of ${of}`,
    timeout: (ms, url) => `no answer from ${url} within ${seconds(ms)} s`,
    network: (url, m) => `could not reach ${url}: ${m}`,
    http: (s) => `HTTP ${s}`,
    retryAfterTooLong: (ms) => `the server asks to wait ${seconds(ms)} s, longer than this client waits`,
    usage: (m) => `${m}\nRun with --help for usage.`,
    required: (name) => `--${name} is required`,
    noUrl: 'the server address is missing: --url or RELEASEGATE_URL',
    noToken: 'the API token is missing: RELEASEGATE_TOKEN or --token',
  },
  zh: {
    allowed: '允许',
    refusedGate: '拒绝',
    gateLine: (a, verdict) =>
      `${verdict}：${a.release} 部署到 ${a.environment}（北京时间 ${beijingMinute(a.at)}）`,
    reported: (o, a) =>
      `${a.duplicate ? '已报告过（重复报告只计一次）' : '已报告'}：${o.release} ` +
      `${o.phase === 'rollback' ? '回退' : '实施'}步骤 ${o.step} ${o.event === 'start' ? '开始' : '结束'}` +
      `${o.status ? `（${o.status === 'succeeded' ? '成功' : '失败'}）` : ''}；` +
      `${o.phase === 'rollback' ? '回退' : '实施'}步骤已完成 ${a.done}/${a.total}`,
    pushed: (r, a) => `已推送：${a.accepted} 行日志到 ${r}，其中 ${a.flagged} 行匹配计划的错误模式`,
    nothingToPush: (r) => `没有可推送的日志：${r} 没有非空行`,
    verified: (v) => `已核验：${v.release} 的证据 ${v.digest}，${v.size} 字节，SHA-256 一致`,
    mismatch: (v) => `不一致：${v.release} 的证据 ${v.digest}，服务器返回内容的 SHA-256 为 ${v.sha256}`,
    fileMatches: (f) => `  ${f}：SHA-256 一致`,
    fileDiffers: (f, d) => `  ${f}：SHA-256 为 ${d}，不一致`,
    refused: (e) => `被拒绝（HTTP ${e.status} ${e.code}）：${e.message}`,
    error: (m) => `错误：${m}`,
    retry: (why, ms, n, of) => `${seconds(ms)} 秒后重试（${why}），第 ${n}/${of} 次`,
    timeout: (ms, url) => `${url} 在 ${seconds(ms)} 秒内没有应答`,
    network: (url, m) => `无法连接 ${url}：${m}`,
    http: (s) => `HTTP ${s}`,
    retryAfterTooLong: (ms) => `服务器要求等待 ${seconds(ms)} 秒，超过本客户端的等待上限`,
    usage: (m) => `${m}\n用 --help 查看用法。`,
    required: (name) => `缺少必填参数 --${name}`,
    noUrl: '缺少服务器地址：--url 或 RELEASEGATE_URL',
    noToken: '缺少 API 令牌：RELEASEGATE_TOKEN 或 --token',
  },
}[language];

const seconds = (ms) => String(Number((ms / 1000).toFixed(2)));

/** An ISO time as Beijing time to the minute (UTC+8, no daylight saving), e.g. 2026-02-01 23:00. */
function beijingMinute(iso) {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return String(iso);
  return new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------
// Usage

const HELP = `releasegate-ci ${VERSION}: the ReleaseGate client for pipelines (Node.js >= 18, no dependencies)

Usage:
  node releasegate-ci.mjs gate check --release <number> --environment <env> (--file <path> | --digest <sha256>)...
  node releasegate-ci.mjs step start --release <number> --step <n> [--phase implementation|rollback]
                                     [--executor <name>] [--report-id <id>]
  node releasegate-ci.mjs step finish --release <number> --step <n> [--status succeeded|failed]
                                     [--result <text>] [--output-file <path>] [--report-id <id>]
  node releasegate-ci.mjs logs push --release <number> [--file <path>] [--source <name>] [--step <n>]
  node releasegate-ci.mjs evidence verify --release <number> --digest <sha256> [--file <path>]

Commands:
  gate check       May these artifacts be deployed to this environment now? --file hashes a file
                   (SHA-256) here; --digest passes a SHA-256; both repeat. Exit 0 allowed, 1 refused.
                   Token scope: gate.check.
  step start       A step of the approved plan starts (numbered from 1, as the plan shows them).
  step finish      A running step ends; --status failed exits 1 so the job fails too.
                   --report-id makes a report idempotent: sent again (a retried job) it counts once.
                   Without it, this run's retries reuse one generated id. Token scope: release.implement.
  logs push        Pushes log lines (--file, or standard input without --file or with --file -) to the
                   release; lines matching the plan's error patterns are flagged. Token scope:
                   release.implement.
  evidence verify  Downloads an evidence file cited by the release's checks (the server re-hashes it
                   first) and checks its SHA-256 against --digest and, with --file, against a local
                   copy. Exit 0 when all match, 1 when not. Token scope: release.read.

Options:
  --url <url>            ReleaseGate address (env RELEASEGATE_URL)
  --token <token>        API token (env RELEASEGATE_TOKEN); prefer the variable: arguments show in ps
  --timeout <seconds>    per attempt (env RELEASEGATE_TIMEOUT, default 30)
  --retries <n>          retries on network errors, timeouts, 502/503/504 and 429 (env RELEASEGATE_RETRIES,
                         default 3); a refusal is never retried. 429 waits its Retry-After.
  --retry-delay <ms>     first backoff delay, doubled each retry (env RELEASEGATE_RETRY_DELAY_MS, default 1000)
  --json                 print the answer as JSON (errors as {"error":{...}})
  --help, --version

Output is in Chinese when LC_ALL, LC_MESSAGES or LANG starts with zh (zh_CN.UTF-8), else English.
Exit codes: 0 allowed/ok, 1 refused, 2 error (usage, network, timeout, HTTP 5xx).`;

class CliError extends Error {
  /** @param {number} exitCode @param {string} message @param {{status?: number, code?: string}} [info] */
  constructor(exitCode, message, info = {}) {
    super(message);
    this.exitCode = exitCode;
    this.status = info.status ?? null;
    this.code = info.code ?? (exitCode === EXIT_ERROR ? 'error' : 'refused');
  }
}

const usageError = (message) => new CliError(EXIT_ERROR, message, { code: 'usage' });

const COMMON = {
  url: { type: 'string' },
  token: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'retry-delay': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const STEP_OPTIONS = {
  release: { type: 'string' },
  step: { type: 'string' },
  phase: { type: 'string' },
  executor: { type: 'string' },
  'report-id': { type: 'string' },
};

const COMMANDS = {
  'gate check': {
    release: { type: 'string' },
    environment: { type: 'string' },
    digest: { type: 'string', multiple: true },
    file: { type: 'string', multiple: true },
  },
  'step start': STEP_OPTIONS,
  'step finish': {
    ...STEP_OPTIONS,
    status: { type: 'string' },
    result: { type: 'string' },
    'output-file': { type: 'string' },
  },
  'logs push': {
    release: { type: 'string' },
    file: { type: 'string' },
    source: { type: 'string' },
    step: { type: 'string' },
  },
  'evidence verify': {
    release: { type: 'string' },
    digest: { type: 'string' },
    file: { type: 'string' },
  },
};

function required(values, name) {
  const v = values[name];
  if (v === undefined || v === '') throw usageError(TEXT.required(name));
  return v;
}

function positiveInteger(text, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const n = Number(text);
  if (!/^\d+$/.test(String(text).trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw usageError(
      `--${name} takes a whole number from ${min}${max < 1e9 ? ` to ${max}` : ''}, not "${text}"`,
    );
  return n;
}

function configOf(values) {
  const url = values.url ?? env.RELEASEGATE_URL;
  const token = values.token ?? env.RELEASEGATE_TOKEN;
  if (!url) throw usageError(TEXT.noUrl);
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`RELEASEGATE_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw usageError(`RELEASEGATE_URL must be http or https: ${url}`);
  if (!token) throw usageError(TEXT.noToken);
  const timeout = values.timeout ?? env.RELEASEGATE_TIMEOUT ?? '30';
  const timeoutSeconds = Number(timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw usageError(`--timeout takes seconds greater than 0, not "${timeout}"`);
  return {
    base: url.replace(/\/+$/, ''),
    token,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    retries: positiveInteger(values.retries ?? env.RELEASEGATE_RETRIES ?? '3', 'retries', { max: 20 }),
    retryDelayMs: positiveInteger(
      values['retry-delay'] ?? env.RELEASEGATE_RETRY_DELAY_MS ?? '1000',
      'retry-delay',
      { max: 600_000 },
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP: timeouts, retries with backoff, Retry-After, refusals

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds or as an HTTP date, in milliseconds; null when absent or unreadable. */
function retryAfterMs(header) {
  if (!header) return null;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Exponential backoff with jitter: delay, 2×delay, 4×delay… (each 50–100 %), at most 30 s. */
const backoffMs = (cfg, attempt) =>
  Math.round(Math.min(cfg.retryDelayMs * 2 ** attempt, 30_000) * (0.5 + Math.random() / 2));

const note = (line) => process.stderr.write(`releasegate-ci: ${line}\n`);

/**
 * One call to the API, asked again on a network error, a timeout, 502/503/504 and 429 (after its
 * Retry-After), at most cfg.retries times. Every attempt has its own timeout, which covers reading
 * the answer too. A 4xx answer is a refusal (exit 1) and is never asked again; a 5xx, or a 429
 * still there after the retries, is an error (exit 2).
 *
 * `read(response)` reads a successful answer (the default: JSON).
 */
async function call(cfg, method, path, { body, headers = {}, read } = {}) {
  const url = cfg.base + path;
  const attempts = cfg.retries + 1;
  for (let attempt = 0; ; attempt++) {
    const last = attempt + 1 >= attempts;
    let response;
    let text;
    let result;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          'accept-language': language === 'zh' ? 'zh-CN, zh;q=0.9' : 'en',
          authorization: `Bearer ${cfg.token}`,
          'user-agent': `releasegate-ci/${VERSION} node/${process.versions.node}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(cfg.timeoutMs),
        redirect: 'manual',
      });
      if (response.ok && read) result = await read(response);
      else text = await response.text();
    } catch (error) {
      const timedOut = error?.name === 'TimeoutError' || error?.name === 'AbortError';
      const why = timedOut
        ? TEXT.timeout(cfg.timeoutMs, cfg.base)
        : TEXT.network(
            cfg.base,
            error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error),
          );
      if (last) throw new CliError(EXIT_ERROR, why, { code: timedOut ? 'timeout' : 'network' });
      const wait = backoffMs(cfg, attempt);
      note(TEXT.retry(why, wait, attempt + 2, attempts));
      await sleep(wait);
      continue;
    }
    const status = response.status;
    if (response.ok) {
      if (read) return result;
      try {
        return text ? JSON.parse(text) : {};
      } catch {
        throw new CliError(EXIT_ERROR, `${TEXT.http(status)}: not JSON: ${text.slice(0, 200)}`);
      }
    }
    const problem = errorOf(text, status);
    if ((RETRY_STATUSES.has(status) || status === 429) && !last) {
      const asked = retryAfterMs(response.headers.get('retry-after'));
      if (asked !== null && asked > MAX_RETRY_AFTER_MS)
        throw new CliError(EXIT_ERROR, TEXT.retryAfterTooLong(asked), { status, code: problem.code });
      const wait = asked ?? backoffMs(cfg, attempt);
      note(TEXT.retry(`${TEXT.http(status)} ${problem.code}`, wait, attempt + 2, attempts));
      await sleep(wait);
      continue;
    }
    // A redirect is not followed: the token would go wherever it points. Fix RELEASEGATE_URL.
    const refusal = status >= 400 && status < 500 && status !== 429 && status !== 408;
    throw new CliError(refusal ? EXIT_REFUSED : EXIT_ERROR, problem.message, { status, code: problem.code });
  }
}

/** The API's one error shape, { error: { code, message } }, or what a proxy sent instead. */
function errorOf(text, status) {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === 'object' && body.error)
      return {
        code: String(body.error.code ?? status),
        message: String(body.error.message ?? TEXT.http(status)),
      };
  } catch {
    // not JSON: a proxy's page
  }
  const location = status >= 300 && status < 400 ? ' (a redirect: check RELEASEGATE_URL)' : '';
  return {
    code: `http_${status}`,
    message: `${TEXT.http(status)}${location}${text ? `: ${text.trim().slice(0, 200)}` : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Commands

async function sha256File(file) {
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  } catch (error) {
    throw usageError(`cannot read ${file}: ${error.code ?? error.message}`);
  }
  return hash.digest('hex');
}

const SHA256 = /^[0-9a-fA-F]{64}$/;
const releasePath = (release) => `/api/releases/${encodeURIComponent(release)}`;

async function gateCheck(cfg, o) {
  const release = required(o, 'release');
  const environment = required(o, 'environment');
  const given = o.digest ?? [];
  for (const d of given)
    if (!SHA256.test(d)) throw usageError(`--digest takes a SHA-256 (64 hex digits), not "${d}"`);
  const files = o.file ?? [];
  if (given.length + files.length === 0)
    throw usageError('name what is deployed: --file <path> or --digest <sha256>');
  const digests = [...given.map((d) => d.toLowerCase())];
  for (const f of files) digests.push(await sha256File(f));
  const answer = await call(cfg, 'POST', '/api/gate/check', { body: { release, environment, digests } });
  const lines = [TEXT.gateLine(answer, answer.allowed ? TEXT.allowed : TEXT.refusedGate)];
  const colon = language === 'zh' ? '：' : ': ';
  for (const c of answer.checks ?? []) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.rule}${colon}${c.message}`);
  return { answer, text: lines.join('\n'), exitCode: answer.allowed ? EXIT_OK : EXIT_REFUSED };
}

function stepOptions(o, event) {
  const phase = o.phase ?? 'implementation';
  if (phase !== 'implementation' && phase !== 'rollback')
    throw usageError(`--phase is implementation or rollback, not "${phase}"`);
  const status = event === 'finish' ? (o.status ?? 'succeeded') : undefined;
  if (status !== undefined && status !== 'succeeded' && status !== 'failed')
    throw usageError(`--status is succeeded or failed, not "${status}"`);
  return {
    release: required(o, 'release'),
    step: positiveInteger(required(o, 'step'), 'step', { min: 1, max: 500 }),
    phase,
    event,
    status,
  };
}

async function reportStep(cfg, o, event) {
  const s = stepOptions(o, event);
  // One id for every attempt of this run, so a retry after a lost answer counts once; the
  // pipeline's own id (--report-id "$CI_JOB_ID-2-finish") also covers a retried job.
  const reportId = o['report-id'] || `releasegate-ci-${randomUUID()}`;
  let output;
  if (event === 'finish' && o['output-file']) {
    try {
      output = fs.readFileSync(o['output-file'], 'utf8').slice(-STEP_OUTPUT_CHARS);
    } catch (error) {
      throw usageError(`cannot read ${o['output-file']}: ${error.code ?? error.message}`);
    }
  }
  const body = {
    reportId,
    executor: o.executor ?? defaultExecutor(),
    ...(event === 'finish' && { status: s.status, result: o.result ?? null, output: output ?? null }),
  };
  const answer = await call(
    cfg,
    'POST',
    `${releasePath(s.release)}/steps/${s.phase}/${s.step - 1}/${event}`,
    {
      body,
    },
  );
  const progress = answer[s.phase]?.progress ?? { done: 0, total: 0 };
  const text = TEXT.reported(s, { duplicate: answer.duplicate, done: progress.done, total: progress.total });
  return { answer, text, exitCode: s.status === 'failed' ? EXIT_REFUSED : EXIT_OK };
}

/** Who runs the step when --executor is not given: the CI system's job, when it says. */
function defaultExecutor() {
  if (env.GITLAB_CI && env.CI_JOB_ID)
    return `GitLab CI job ${env.CI_JOB_ID}${env.CI_RUNNER_DESCRIPTION ? ` (${env.CI_RUNNER_DESCRIPTION})` : ''}`;
  if (env.GITHUB_ACTIONS && env.GITHUB_RUN_ID)
    return `GitHub Actions run ${env.GITHUB_RUN_ID}/${env.GITHUB_RUN_ATTEMPT ?? 1}`;
  if (env.JENKINS_URL && env.BUILD_TAG) return `Jenkins ${env.BUILD_TAG}`;
  return null;
}

async function readStdin() {
  if (process.stdin.isTTY)
    throw usageError('logs push reads standard input: pipe the log in, or pass --file <path>');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const levelOf = (line) =>
  /\b(error|fatal|exception|panic)\b|ORA-\d/i.test(line)
    ? 'error'
    : /\bwarn(ing)?\b/i.test(line)
      ? 'warn'
      : 'info';

async function logsPush(cfg, o) {
  const release = required(o, 'release');
  const step = o.step === undefined ? null : positiveInteger(o.step, 'step', { min: 1, max: 500 }) - 1;
  const source = (o.source ?? 'pipeline').slice(0, 100);
  let text;
  if (o.file && o.file !== '-') {
    try {
      text = fs.readFileSync(o.file, 'utf8');
    } catch (error) {
      throw usageError(`cannot read ${o.file}: ${error.code ?? error.message}`);
    }
  } else text = await readStdin();
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => ({ level: levelOf(l), message: l.slice(0, LOG_LINE_CHARS), source, stepIndex: step }));
  const total = { accepted: 0, flagged: 0 };
  if (lines.length === 0) return { answer: total, text: TEXT.nothingToPush(release), exitCode: EXIT_OK };
  const path = `${releasePath(release)}/logs`;
  let batch = [];
  let bytes = 0;
  const send = async () => {
    const body = { lines: batch };
    // The same lines sent again (a retry whose answer was lost, a retried job) are answered as
    // the first time and kept once: the key is what they say.
    const key = createHash('sha256')
      .update(`${path}\n${JSON.stringify(body)}`)
      .digest('hex');
    const answer = await call(cfg, 'POST', path, { body, headers: { 'idempotency-key': key } });
    total.accepted += answer.accepted ?? 0;
    total.flagged += answer.flagged ?? 0;
    batch = [];
    bytes = 0;
  };
  for (const line of lines) {
    const size = Buffer.byteLength(JSON.stringify(line)) + 1;
    if (batch.length > 0 && (batch.length >= LOG_BATCH_LINES || bytes + size > LOG_BATCH_BYTES)) await send();
    batch.push(line);
    bytes += size;
  }
  await send();
  return { answer: total, text: TEXT.pushed(release, total), exitCode: EXIT_OK };
}

async function evidenceVerify(cfg, o) {
  const release = required(o, 'release');
  const digest = required(o, 'digest').toLowerCase();
  if (!SHA256.test(digest)) throw usageError(`--digest takes a SHA-256 (64 hex digits), not "${digest}"`);
  // The server re-hashes the stored file before it sends it (a corrupted one is not served);
  // this checks again what actually arrived, byte for byte.
  const received = await call(cfg, 'GET', `${releasePath(release)}/evidence/${digest}`, {
    headers: { accept: 'application/octet-stream, application/json' },
    read: async (response) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of response.body) {
        hash.update(chunk);
        size += chunk.length;
      }
      return { sha256: hash.digest('hex'), size, header: response.headers.get('x-content-sha256') };
    },
  });
  const result = {
    ok: received.sha256 === digest,
    release,
    digest,
    sha256: received.sha256,
    size: received.size,
  };
  const lines = [result.ok ? TEXT.verified(result) : TEXT.mismatch(result)];
  if (o.file) {
    const local = await sha256File(o.file);
    result.file = { path: o.file, sha256: local, matches: local === digest };
    result.ok = result.ok && local === digest;
    lines.push(local === digest ? TEXT.fileMatches(o.file) : TEXT.fileDiffers(o.file, local));
  }
  return { answer: result, text: lines.join('\n'), exitCode: result.ok ? EXIT_OK : EXIT_REFUSED };
}

const RUN = {
  'gate check': gateCheck,
  'step start': (cfg, o) => reportStep(cfg, o, 'start'),
  'step finish': (cfg, o) => reportStep(cfg, o, 'finish'),
  'logs push': logsPush,
  'evidence verify': evidenceVerify,
};

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  const json = argv.includes('--json');
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(`${HELP}\n`);
      return argv.length === 0 ? EXIT_ERROR : EXIT_OK;
    }
    if (argv[0] === '--version') {
      process.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    const name = `${argv[0]} ${argv[1] ?? ''}`.trim();
    // `logs` alone is `logs push`, as the server's CLI spells it.
    const command = COMMANDS[name] ? name : argv[0] === 'logs' ? 'logs push' : null;
    if (!command) throw usageError(`unknown command: ${name || argv[0]}`);
    const rest = argv.slice(command === name ? 2 : 1);
    let values;
    try {
      ({ values } = parseArgs({ args: rest, options: { ...COMMON, ...COMMANDS[command] }, strict: true }));
    } catch (error) {
      throw usageError(error.message);
    }
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return EXIT_OK;
    }
    const cfg = configOf(values);
    const outcome = await RUN[command](cfg, values);
    process.stdout.write(`${json ? JSON.stringify(outcome.answer) : outcome.text}\n`);
    return outcome.exitCode;
  } catch (error) {
    if (!(error instanceof CliError)) {
      const message = error?.stack ?? String(error);
      if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'internal', message } })}\n`);
      else process.stderr.write(`${TEXT.error(message)}\n`);
      return EXIT_ERROR;
    }
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, status: error.status } })}\n`,
      );
    else if (error.code === 'usage') process.stderr.write(`${TEXT.error(TEXT.usage(error.message))}\n`);
    else if (error.exitCode === EXIT_REFUSED) process.stderr.write(`${TEXT.refused(error)}\n`);
    else process.stderr.write(`${TEXT.error(error.message)}\n`);
    return error.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
