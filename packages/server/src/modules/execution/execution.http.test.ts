import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../../test/server-process';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';

describe.each(DIALECTS)('implementation on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    // The clock moves across the plan's window: sessions must outlive it.
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const start = (id: string) => c.impl.post(`/api/releases/${id}/implementation/start`);

  it('PR-1 IM-1 implementation starts only through the gate: checks pending, outside the window, then allowed', async () => {
    const r = await readyRelease(t, c, { checks: false });
    const early = await start(r.id);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('invalid_transition');
    for (const key of ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan'])
      await c.impl.post(`/api/releases/${r.id}/checks/${key}`, { result: 'passed', note: 'ok' });
    t.clock.set('2026-02-01T17:00:00Z');
    const late = await start(r.id);
    expect(late.status).toBe(422);
    expect(late.body.error.details.rule).toBe('PR-1 window open');
    const detail = (await c.impl.get(`/api/releases/${r.id}`)).body;
    const blocked = detail.actions.find((a: any) => a.action === 'start_implementation');
    expect(blocked.blockers.map((b: any) => b.rule)).toEqual(['PR-1 window open']);
    t.clock.set('2026-02-01T15:00:00Z');
    expect((await c.biz.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(403);
    const ok = await start(r.id);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.state).toBe('implementing');
  });

  it('IN-2 a change revoked after approval blocks the start', async () => {
    const r = await readyRelease(t, c);
    await c.eng1.post(`/api/changes/${r.changeId}/withdraw`, { reason: '业务方撤回' });
    const refused = await start(r.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.rule).toBe('IN-2 changes still approved');
    expect(refused.body.error.message).toMatch(/CHG-\d{4}-\d{4}/);
    expect((await c.impl.get(`/api/releases/${r.id}`)).body.state).toBe('ready');
  });

  it('IM-2 steps run in plan order, each with executor, start, end, result and output; a step not in the plan is refused', async () => {
    const r = await readyRelease(t, c);
    await start(r.id);
    const outOfOrder = await c.impl.post(`/api/releases/${r.id}/steps/implementation/1/start`, {});
    expect(outOfOrder.status).toBe(422);
    expect(outOfOrder.body.error.details.rule).toBe('IM-2 steps in plan order');
    expect(outOfOrder.body.error.message).toContain('停止服务');
    const notInPlan = await c.impl.post(`/api/releases/${r.id}/steps/implementation/7/start`, {});
    expect(notInPlan.status).toBe(422);
    expect(notInPlan.body.error.details.rule).toBe('IM-2 a step not in the plan needs a plan revision');
    const notStarted = await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/finish`, {
      status: 'succeeded',
    });
    expect(notStarted.status).toBe(422);

    await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/start`, {
      executor: 'gitlab-runner #42',
    });
    t.clock.advanceMinutes(4);
    const finished = await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/finish`, {
      status: 'succeeded',
      result: '服务已停止',
      output: 'systemctl stop billing\nOK',
    });
    expect(finished.status).toBe(200);
    const step0 = finished.body.implementation.steps[0].run;
    expect(step0).toMatchObject({
      status: 'succeeded',
      executor: 'gitlab-runner #42',
      result: '服务已停止',
      output: 'systemctl stop billing\nOK',
      startedAt: '2026-02-01T15:00:00.000Z',
      finishedAt: '2026-02-01T15:04:00.000Z',
    });
    const early = await c.impl.post(`/api/releases/${r.id}/implementation/complete`);
    expect(early.status).toBe(422);
    expect(early.body.error.details.rule).toBe('IM-2 every step done');
    // A failed step may be tried again; the attempt is counted.
    await runStep(c.impl, r.id, 'implementation', 1, 'failed');
    const retried = await runStep(c.impl, r.id, 'implementation', 1);
    expect(retried.implementation.steps[1].run).toMatchObject({ status: 'succeeded', attempt: 2 });
    const done = await c.impl.post(`/api/releases/${r.id}/implementation/complete`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('post_release');
  });

  it('IM-3 progress: steps done and remaining, the current one, elapsed against planned', async () => {
    const r = await readyRelease(t, c);
    await start(r.id);
    await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/start`, {});
    t.clock.advanceMinutes(3);
    await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/finish`, { status: 'succeeded' });
    await c.impl.post(`/api/releases/${r.id}/steps/implementation/1/start`, {});
    t.clock.advanceMinutes(7);
    const p = (await c.biz.get(`/api/releases/${r.id}/progress`)).body;
    expect(p.implementation.progress).toMatchObject({
      total: 2,
      done: 1,
      current: { index: 1, title: '部署新版本', status: 'running' },
      plannedMinutes: 25,
      elapsedMinutes: 10,
    });
  });

  it('IM-7 a duplicate progress report counts once', async () => {
    const r = await readyRelease(t, c);
    await start(r.id);
    const report = { reportId: 'pipeline-981:step-0:start', executor: 'jenkins #981' };
    const first = await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/start`, report);
    expect(first.body.duplicate).toBe(false);
    t.clock.advanceMinutes(1);
    const again = await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/start`, report);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.implementation.steps[0].run).toMatchObject({
      attempt: 1,
      startedAt: '2026-02-01T15:00:00.000Z',
    });
    const finish = { reportId: 'pipeline-981:step-0:finish', status: 'succeeded' };
    await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/finish`, finish);
    expect(
      (await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/finish`, finish)).body.duplicate,
    ).toBe(true);
    const audited = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'release.record_step')
      .execute();
    expect(audited).toHaveLength(2);
  });

  it('IM-3 a page watching the release hears every change live (Server-Sent Events)', async () => {
    const r = await readyRelease(t, c);
    const controller = new AbortController();
    const stream = await fetch(`${t.url}/api/releases/${r.id}/live`, {
      headers: { cookie: c.biz.cookieHeader() },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value);
      }
    };
    await until(/event: hello/);
    await start(r.id);
    await until(/"type":"start_implementation"/);
    await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/start`, {});
    await until(/"type":"record_step"/);
    expect(text).toContain('"state":"implementing"');
    controller.abort();
  });

  it('IM-7 IM-5 a pipeline reports steps and pushes logs through the CLI with a scoped token; a retried report counts once', async () => {
    const r = await readyRelease(t, c);
    await start(r.id);
    const number = (await c.impl.get(`/api/releases/${r.id}`)).body.number as string;
    const scoped = async (scopes: string[]) =>
      (await c.impl.post('/api/tokens', { name: `ci-${scopes.join('-')}`, scopes, expiresInDays: 30 })).body
        .token as string;
    const run = promisify(execFile);
    const cli = (token: string, ...args: string[]) =>
      run('node', [CLI, ...args], {
        env: { ...process.env, RELEASEGATE_URL: t.url, RELEASEGATE_TOKEN: token },
      });
    const token = await scoped(['release.read', 'release.implement']);
    const startArgs = [
      'step',
      'start',
      '--release',
      number,
      '--step',
      '1',
      '--executor',
      'gitlab-runner #42',
    ];
    const first = await cli(token, ...startArgs, '--report-id', 'job-981-start');
    expect(first.stdout).toMatch(/^REPORTED: REL-\d{4}-\d{4} implementation step 1 start/);
    const retried = await cli(token, ...startArgs, '--report-id', 'job-981-start');
    expect(retried.stdout).toMatch(/^ALREADY REPORTED/);
    const output = path.join(t.database.dataDir, 'deploy.log');
    fs.writeFileSync(output, 'stopping billing\nERROR ORA-01034: ORACLE not available\nstopped\n');
    const finished = await cli(
      token,
      'step',
      'finish',
      '--release',
      number,
      '--step',
      '1',
      '--result',
      '已停止',
      '--output-file',
      output,
    );
    expect(finished.stdout).toContain('1 of 2 implementation steps done');
    const pushed = await cli(token, 'logs', '--release', number, '--file', output, '--source', 'gitlab');
    expect(pushed.stdout).toBe('PUSHED: 3 lines to ' + number + ", 1 flagged by the plan's error patterns\n");
    const p = (await c.biz.get(`/api/releases/${r.id}/progress`)).body.implementation.steps[0].run;
    expect(p).toMatchObject({
      status: 'succeeded',
      attempt: 1,
      executor: 'gitlab-runner #42',
      result: '已停止',
    });
    expect(p.output).toContain('ORA-01034');
    // A token without the implementation scope is refused, and the CLI exits non-zero.
    const readOnly = await scoped(['release.read']);
    const refused = await cli(readOnly, 'step', 'start', '--release', number, '--step', '2').catch(
      (e: any) => e,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('forbidden');
  });
});
