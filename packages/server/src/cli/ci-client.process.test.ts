import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, tempDir } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { signInRoles } from '../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease } from '../test/implementation';
import { CI_CLIENT, jobEnv, runClient } from '../test/ci-client';

const CLIENT_BYTES = fs.readFileSync(CI_CLIENT);
const CLIENT_SHA256 = createHash('sha256').update(CLIENT_BYTES).digest('hex');
const EVIDENCE = Buffer.from('%PDF rollback rehearsal 回退演练');

describe.each(DIALECTS)('the pipeline client releasegate-ci.mjs against a real server on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let release: { id: string; number: string; digest: string; artifact: Buffer };
  let token: string;
  let gateOnly: string;
  let dir: string;
  let evidence: { digest: string; filename: string };
  const env = (extra: Record<string, string> = {}) =>
    jobEnv({ RELEASEGATE_URL: t.url, RELEASEGATE_TOKEN: token, ...extra });

  beforeAll(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T13:00:00.000Z');
    c = await signInRoles(t);
    const r = await readyRelease(t, c);
    const number = (await c.impl.get(`/api/releases/${r.id}`)).body.number as string;
    release = { id: r.id, number, digest: r.digest, artifact: r.artifact };
    const issue = async (scopes: string[]) =>
      (await c.impl.post('/api/tokens', { name: `ci ${scopes.join(' ')}`, scopes, expiresInDays: 30 })).body
        .token as string;
    token = await issue(['gate.check', 'release.read', 'release.implement']);
    gateOnly = await issue(['gate.check']);
    dir = tempDir('rg-ci-client-');
    fs.writeFileSync(path.join(dir, 'app.tar.gz'), release.artifact);
    // A check cites an evidence file (checks are recorded before implementation starts).
    evidence = (await c.impl.upload('PUT', `/api/releases/${r.id}/evidence`, EVIDENCE, 'rehearsal.pdf'))
      .body as { digest: string; filename: string };
    const cited = await c.impl.post(`/api/releases/${r.id}/checks/rollback_test`, {
      result: 'passed',
      evidence,
    });
    expect(cited.status, JSON.stringify(cited.body)).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('IM-7 the server serves the client at /downloads/releasegate-ci.mjs to anyone, with its SHA-256 (ETag, X-Content-SHA256, the tokens page endpoint)', async () => {
    const response = await fetch(`${t.url}/downloads/releasegate-ci.mjs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('x-content-sha256')).toBe(CLIENT_SHA256);
    expect(response.headers.get('etag')).toBe(`"sha256-${CLIENT_SHA256}"`);
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(Buffer.from(await response.arrayBuffer()).equals(CLIENT_BYTES)).toBe(true);
    const again = await fetch(`${t.url}/downloads/releasegate-ci.mjs`, {
      headers: { 'if-none-match': `"sha256-${CLIENT_SHA256}"` },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${t.url}/downloads/releasegate-ci.mjs`, { method: 'HEAD' })).status).toBe(200);
    // Its SHA-256 and size for the API tokens page: to anyone signed in, not to the anonymous.
    expect((await fetch(`${t.url}/api/downloads/ci-client`)).status).toBe(401);
    expect((await c.biz.get('/api/downloads/ci-client')).body).toEqual({
      file: 'releasegate-ci.mjs',
      path: '/downloads/releasegate-ci.mjs',
      sha256: CLIENT_SHA256,
      size: CLIENT_BYTES.length,
    });
  });

  it('PR-1 PR-5 IM-7 gate check: exit 0 when allowed, 1 when refused (the gate or a 4xx), 2 on bad usage; --json for machines', async () => {
    t.clock.set('2026-02-01T15:00:00.000Z');
    const file = path.join(dir, 'app.tar.gz');
    const allowed = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--file', file],
      env(),
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain(`ALLOWED: ${release.number} to production`);
    expect(allowed.stdout).toContain('✓ PR-5 approved versions only');
    // A digest given directly, with --json.
    const json = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production'].concat([
        '--digest',
        release.digest.toUpperCase(),
        '--json',
      ]),
      env(),
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ allowed: true, release: release.number });

    // An artifact that is not the approved version: refused, exit 1, the failing check named.
    fs.writeFileSync(path.join(dir, 'other.tar.gz'), 'not what was approved');
    const refused = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production'].concat([
        '--file',
        path.join(dir, 'other.tar.gz'),
      ]),
      env(),
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`REFUSED: ${release.number} to production`);
    expect(refused.stdout).toMatch(/✗ PR-5 approved versions only: /);

    // Refusals of the action (4xx) are exit 1 with the server's message; never retried.
    const unknown = await runClient(
      ['gate', 'check', '--release', 'REL-2099-9999', '--environment', 'production', '--file', file],
      env(),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^REFUSED \(HTTP 404 not_found\): Release REL-2099-9999 does not exist/);
    expect(unknown.stderr).not.toContain('retrying');
    const badToken = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--file', file],
      env({ RELEASEGATE_TOKEN: 'rg_not_a_token' }),
    );
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('REFUSED (HTTP 401 unauthenticated)');
    const jsonRefusal = await runClient(
      ['gate', 'check', '--release', 'REL-2099-9999', '--environment', 'production', '--digest'].concat([
        release.digest,
        '--json',
      ]),
      env(),
    );
    expect(jsonRefusal.code).toBe(1);
    expect(JSON.parse(jsonRefusal.stdout)).toMatchObject({ error: { code: 'not_found', status: 404 } });

    // Bad usage: exit 2, nothing asked.
    for (const args of [
      ['gate', 'check', '--release', release.number, '--environment', 'production'],
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--digest', 'abc'],
      ['gate', 'check', '--environment', 'production', '--file', file],
      [
        'gate',
        'check',
        '--release',
        release.number,
        '--environment',
        'production',
        '--file',
        file,
        '--bogus',
      ],
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--file', '/no/such'],
      ['deploy', 'now'],
    ]) {
      const r = await runClient(args, env());
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^ERROR: /);
    }
    const noUrl = await runClient(['gate', 'check'], jobEnv({ RELEASEGATE_TOKEN: token }));
    expect(noUrl.code).toBe(2);
    const help = await runClient(['--help'], env());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gate check');
  });

  it('X-3 under LANG=zh_CN.UTF-8 the summary, every check and every refusal are in Chinese', async () => {
    t.clock.set('2026-02-01T15:00:00.000Z');
    const zh = env({ LANG: 'zh_CN.UTF-8' });
    const file = path.join(dir, 'app.tar.gz');
    const allowed = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--file', file],
      zh,
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(
      `允许：${release.number} 部署到 production（北京时间 2026-02-01 23:00）`,
    );
    expect(allowed.stdout).not.toMatch(/approved versions only/);
    t.clock.set('2026-02-01T17:00:00.000Z');
    const late = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--file', file],
      zh,
    );
    expect(late.code).toBe(1);
    expect(late.stdout).toContain(`拒绝：${release.number} 部署到 production`);
    expect(late.stdout).toMatch(/✗ [^\n]*窗口/);
    t.clock.set('2026-02-01T15:00:00.000Z');
    const unknown = await runClient(
      ['gate', 'check', '--release', 'REL-2099-9999', '--environment', 'production', '--file', file],
      zh,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^被拒绝（HTTP 404 not_found）：.*REL-2099-9999 不存在/);
    const usage = await runClient(['gate', 'check', '--environment', 'production'], zh);
    expect(usage.stderr).toContain('缺少必填参数 --release');
    // LC_ALL wins over LANG, as in the C library.
    const english = await runClient(
      ['gate', 'check', '--release', release.number, '--environment', 'production', '--file', file],
      env({ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_US.UTF-8' }),
    );
    expect(english.stdout).toContain('ALLOWED');
  });

  it('IM-2 IM-5 IM-7 step start/finish and logs push: reports idempotent by report id, steps in plan order, a failed step exits 1; logs from a file or stdin, error patterns flagged', async () => {
    t.clock.set('2026-02-01T15:00:00.000Z');
    expect((await c.impl.post(`/api/releases/${release.id}/implementation/start`)).status).toBe(200);
    const step = (event: string, n: number, ...more: string[]) =>
      runClient(['step', event, '--release', release.number, '--step', String(n), ...more], env());
    // Step 2 before step 1: refused by IM-2, exit 1.
    const early = await step('start', 2);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^REFUSED \(HTTP 4\d\d /);

    const started = await step('start', 1, '--report-id', 'job-77-1-start', '--executor', 'gitlab-runner 7');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toBe(
      `REPORTED: ${release.number} implementation step 1 start; 0 of 2 implementation steps done\n`,
    );
    // The same report again (a retried job) counts once.
    const again = await step('start', 1, '--report-id', 'job-77-1-start');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^ALREADY REPORTED: /);

    const log = path.join(dir, 'deploy.log');
    fs.writeFileSync(
      log,
      'deploying billing 2.1.0\n\nWARN slow disk\nORA-01017: invalid username/password\n',
    );
    const pushed = await runClient(
      ['logs', 'push', '--release', release.number, '--file', log, '--source', 'gitlab', '--step', '1'],
      env(),
    );
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toBe(
      `PUSHED: 3 lines to ${release.number}, 1 flagged by the plan's error patterns\n`,
    );
    const fromStdin = await runClient(
      ['logs', 'push', '--release', release.number, '--source', 'gitlab', '--json'],
      env(),
      'connection refused to db-primary:5432\nall good\n',
    );
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual({ accepted: 2, flagged: 1 });
    const kept = (await c.impl.get(`/api/releases/${release.id}/logs`)).body;
    expect(JSON.stringify(kept)).toContain('ORA-01017');

    const finished = await step(
      'finish',
      1,
      '--report-id',
      'job-77-1-finish',
      '--result',
      'deployed',
      '--output-file',
      log,
    );
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout).toContain('step 1 finish (succeeded); 1 of 2 implementation steps done');
    const progress = (await c.impl.get(`/api/releases/${release.id}/progress`)).body;
    const run = progress.implementation.steps?.[0]?.runs?.[0] ?? progress.implementation.steps?.[0];
    expect(JSON.stringify(run)).toContain('gitlab-runner 7');

    // A failed step is reported, and the job fails with it.
    expect((await step('start', 2, '--report-id', 'job-77-2-start')).code).toBe(0);
    const failed = await step('finish', 2, '--status', 'failed', '--result', 'exit 3');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('step 2 finish (failed)');
    const zh = await runClient(
      ['step', 'start', '--release', release.number, '--step', '2'],
      env({ LANG: 'zh_CN.UTF-8' }),
    );
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain(`已报告：${release.number} 实施步骤 2 开始`);
    // A token without release.implement: refused, exit 1.
    const scoped = await runClient(
      ['step', 'finish', '--release', release.number, '--step', '2'],
      env({ RELEASEGATE_TOKEN: gateOnly }),
    );
    expect(scoped.code).toBe(1);
    expect(scoped.stderr).toContain('REFUSED (HTTP 403 forbidden)');
  });

  it('PO-3 IM-1 evidence verify downloads an evidence file the release cites and checks its SHA-256, and a local copy', async () => {
    const local = path.join(dir, 'rehearsal.pdf');
    fs.writeFileSync(local, EVIDENCE);
    const ok = await runClient(
      ['evidence', 'verify', '--release', release.number, '--digest', evidence.digest, '--file', local],
      env(),
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`VERIFIED: evidence ${evidence.digest}`);
    fs.writeFileSync(local, 'changed');
    const differs = await runClient(
      ['evidence', 'verify', '--release', release.number, '--digest', evidence.digest, '--file', local],
      env(),
    );
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain('differs');
    const notCited = await runClient(
      ['evidence', 'verify', '--release', release.number, '--digest', 'e'.repeat(64)],
      env(),
    );
    expect(notCited.code).toBe(1);
    expect(notCited.stderr).toContain('HTTP 404');
  });
});

/** A request the scripted server received. */
interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = (res: http.ServerResponse) => void;

/**
 * Runs the client against a server whose answers the test scripts (each request gets the next
 * answer; the last one repeats), and returns what the client did and what the server saw.
 */
async function againstScript(answers: Answer[], args: string[], input?: string) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body });
      answers[Math.min(seen.length, answers.length) - 1](res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  try {
    const run = await runClient(
      [...args, '--retry-delay', '10'],
      jobEnv({ RELEASEGATE_URL: url, RELEASEGATE_TOKEN: 'secret' }),
      input,
    );
    return { run, seen, url };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (res) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const unavailable = (message: string, status = 503) =>
  json(status, { error: { code: 'unavailable', message } });
const GATE_ALLOWED = {
  allowed: true,
  release: 'REL-2026-0042',
  environment: 'production',
  at: '2026-02-01T15:00:00.000Z',
  checks: [{ ok: true, rule: 'PR-1 window open', message: 'inside the window' }],
};
const gateArgs = ['gate', 'check', '--release', 'REL-2026-0042', '--environment', 'production'].concat([
  '--digest',
  'a'.repeat(64),
]);

describe('the pipeline client when the network or the server fails', () => {
  it('X-3 IM-7 a server that never answers: each attempt times out (--timeout), retried, then exit 2', async () => {
    const sockets: net.Socket[] = [];
    let requests = 0;
    // Takes the connection, reads the request, never answers.
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => requests++);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const r = await runClient(
        [...gateArgs, '--timeout', '0.5', '--retries', '1', '--retry-delay', '10'],
        jobEnv({ RELEASEGATE_URL: url, RELEASEGATE_TOKEN: 't' }),
      );
      expect(r.code).toBe(2);
      expect(requests).toBe(2);
      expect(r.stderr.match(/retrying in/g)).toHaveLength(1);
      expect(r.stderr).toContain(`retrying in`);
      expect(r.stderr).toContain(`ERROR: no answer from ${url} within 0.5 s`);
      expect(r.ms).toBeLessThan(20_000);
      const zh = await runClient(
        [...gateArgs, '--timeout', '0.3', '--retries', '0'],
        jobEnv({ RELEASEGATE_URL: url, RELEASEGATE_TOKEN: 't', LANG: 'zh_CN.UTF-8' }),
      );
      expect(zh.code).toBe(2);
      expect(zh.stderr).toContain('在 0.3 秒内没有应答');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('IM-7 503 then 502 then an answer: retried with backoff, exit 0; step reports keep one report id and log pushes one Idempotency-Key across the retries', async () => {
    const gate = await againstScript(
      [
        unavailable('starting'),
        (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'),
        json(200, GATE_ALLOWED),
      ],
      gateArgs,
    );
    expect(gate.run.code, gate.run.stderr).toBe(0);
    expect(gate.seen.length).toBe(3);
    expect(gate.run.stderr).toMatch(/retrying in [\d.]+ s \(HTTP 503 unavailable\), attempt 2 of 4/);
    expect(gate.run.stderr).toMatch(/retrying in [\d.]+ s \(HTTP 502 http_502\), attempt 3 of 4/);
    expect(gate.seen[0].headers.authorization).toBe('Bearer secret');
    expect(gate.seen[0].headers['accept-language']).toBe('en');

    // One report id for every attempt, so a report whose answer was lost does not count twice.
    const step = await againstScript(
      [
        unavailable('gateway timeout', 504),
        json(200, { duplicate: true, implementation: { progress: { done: 0, total: 2 } } }),
      ],
      ['step', 'start', '--release', 'REL-2026-0042', '--step', '1'],
    );
    expect(step.run.code, step.run.stderr).toBe(0);
    expect(step.run.stdout).toMatch(/^ALREADY REPORTED: /);
    const ids = step.seen.map((x) => (JSON.parse(x.body) as { reportId: string }).reportId);
    expect(ids[0]).toMatch(/^releasegate-ci-/);
    expect(ids[1]).toBe(ids[0]);
    expect(step.seen[0].url).toBe('/api/releases/REL-2026-0042/steps/implementation/0/start');

    // One Idempotency-Key made of the lines, so a retried push is kept once.
    const logs = await againstScript(
      [unavailable('starting'), json(200, { accepted: 1, flagged: 0 })],
      ['logs', 'push', '--release', 'REL-2026-0042'],
      'deployed\n',
    );
    expect(logs.run.code, logs.run.stderr).toBe(0);
    const keys = logs.seen.map((x) => x.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('IM-7 a 4xx is never retried (exit 1); a 5xx that stays is exit 2 after the retries; 429 waits its Retry-After', async () => {
    const refused = await againstScript(
      [json(422, { error: { code: 'policy_violation', message: 'Outside the planned window' } })],
      gateArgs,
    );
    expect(refused.run.code).toBe(1);
    expect(refused.seen.length).toBe(1);
    expect(refused.run.stderr).toBe('REFUSED (HTTP 422 policy_violation): Outside the planned window\n');

    // 500 is not a transient status: asked once, an error.
    const failing = await againstScript(
      [json(500, { error: { code: 'internal', message: 'boom' } })],
      gateArgs,
    );
    expect(failing.run.code).toBe(2);
    expect(failing.seen.length).toBe(1);

    const down = await againstScript([unavailable('down')], [...gateArgs, '--retries', '2']);
    expect(down.run.code).toBe(2);
    expect(down.seen.length).toBe(3);
    expect(down.run.stderr).toContain('ERROR: down');

    const limited = await againstScript(
      [
        json(429, { error: { code: 'too_many_requests', message: 'slow down' } }, { 'retry-after': '1' }),
        json(200, GATE_ALLOWED),
      ],
      gateArgs,
    );
    expect(limited.run.code, limited.run.stderr).toBe(0);
    expect(limited.seen.length).toBe(2);
    expect(limited.run.stderr).toContain('retrying in 1 s (HTTP 429 too_many_requests)');
    expect(limited.run.ms).toBeGreaterThanOrEqual(1000);
  });

  it('IM-7 a server that is not there: exit 2 after the retries', async () => {
    const { url } = await againstScript([json(200, {})], ['--version']);
    const r = await runClient(
      [...gateArgs, '--retries', '1', '--retry-delay', '10'],
      jobEnv({ RELEASEGATE_URL: url, RELEASEGATE_TOKEN: 't' }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ERROR: could not reach ${url}: ECONNREFUSED`);
  });
});
