import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type HttpClient, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';
import { CLI } from '../../test/server-process';
import { SESSIONS_FOR_A_DAY } from '../../test/implementation';

const run = promisify(execFile);
const ARTIFACT = Buffer.from('billing-2.1.0.tar.gz contents');
const DIGEST = createHash('sha256').update(ARTIFACT).digest('hex');
const IN_WINDOW = '2026-02-01T15:00:00.000Z';

describe.each(DIALECTS)('pre-release verification and the deployment gate on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let releaseId: string;
  let changeId: string;
  beforeEach(async () => {
    // The gate answers on the server's clock: the day starts before the plan's window, and
    // sessions last the day the tests move the clock through.
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T13:00:00.000Z');
    c = await signInRoles(t);
    // An approved DSL version, a production CI, an approved change, and a release with a
    // software item taken to an approved major plan.
    const app = await ci(c.cfg, 'application', 'billing', { critical: true });
    const v = (await c.eng1.post('/api/dsl/versions', { name: 'billing', version: '2.1.0' })).body;
    const put = await c.eng1.upload('PUT', `/api/dsl/versions/${v.id}/content`, ARTIFACT);
    expect(put.status).toBe(200);
    expect((await c.boss.post(`/api/dsl/versions/${v.id}/approve`, {})).status).toBe(200);
    const change = await approvedChange(c, '计费升级', [app.id]);
    changeId = change.id;
    const r = await c.eng1.post('/api/releases', {
      title: '计费 2.1',
      changeIds: [change.id],
      items: [{ kind: 'software', title: 'billing 2.1.0', dslVersionId: v.id, ciIds: [app.id] }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    releaseId = r.body.id;
    await c.eng2.post(`/api/releases/${releaseId}/accept`, {});
    await c.eng1.post(`/api/releases/${releaseId}/classify`, { type: 'major' });
    await c.eng1.request('PUT', `/api/releases/${releaseId}/plan`, completePlan([app.id]));
    await c.eng1.post(`/api/releases/${releaseId}/plan/submit`);
    expect((await c.boss.post(`/api/releases/${releaseId}/plan/approve`, {})).body.state).toBe('approved');
  });
  afterEach(async () => {
    await t.close();
  });

  const passAll = async (who: HttpClient = c.impl) => {
    for (const key of ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan']) {
      const r = await who.post(`/api/releases/${releaseId}/checks/${key}`, {
        result: 'passed',
        note: `${key} 通过`,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  };
  const gate = (body: Record<string, unknown>, who: HttpClient = c.impl) =>
    who.post('/api/gate/check', {
      release: releaseId,
      environment: 'production',
      digests: [DIGEST],
      ...body,
    });
  const failing = (answer: any) => answer.checks.filter((x: any) => !x.ok).map((x: any) => x.rule);

  it('IM-1 PR-2 the release becomes ready only when every check has passed, each with evidence and actor', async () => {
    const noEvidence = await c.impl.post(`/api/releases/${releaseId}/checks/rollback_test`, {
      result: 'passed',
    });
    expect(noEvidence.status).toBe(422);
    expect(noEvidence.body.error.details.rule).toBe('IM-1 evidence');
    // An evidence file is kept in the blob store and cited by digest.
    const evidence = (
      await c.impl.upload(
        'PUT',
        `/api/releases/${releaseId}/evidence`,
        Buffer.from('%PDF rehearsal'),
        '回退演练记录.pdf',
      )
    ).body as { digest: string; filename: string };
    expect(evidence.filename).toBe('回退演练记录.pdf');
    const withFile = await c.impl.post(`/api/releases/${releaseId}/checks/rollback_test`, {
      result: 'passed',
      evidence,
    });
    expect(withFile.body.state).toBe('approved');
    // The file cited as evidence can be opened again, by its name; a digest not cited is not served.
    const opened = await c.biz.get(`/api/releases/${releaseId}/evidence/${evidence.digest}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toBe('%PDF rehearsal');
    expect(opened.headers.get('content-disposition')).toContain(encodeURIComponent('回退演练记录.pdf'));
    expect((await c.biz.get(`/api/releases/${releaseId}/evidence/${'0'.repeat(64)}`)).status).toBe(404);
    expect(
      (
        await c.biz.post(`/api/releases/${releaseId}/checks/backup_verification`, {
          result: 'passed',
          note: 'x',
        })
      ).body.error.details.rule,
    ).toBe('X-4 permission');
    await passAll();
    const ready = await c.impl.get(`/api/releases/${releaseId}`);
    expect(ready.body.state).toBe('ready');
    const checklist = (await c.impl.get(`/api/releases/${releaseId}/checks`)).body;
    expect(checklist.pending).toEqual([]);
    expect(checklist.items.find((i: any) => i.key === 'rollback_test').latest).toMatchObject({
      result: 'passed',
      actorName: 'impl',
    });
    // A failure recorded later takes readiness away again.
    expect(
      (
        await c.impl.post(`/api/releases/${releaseId}/checks/backup_verification`, {
          result: 'failed',
          note: '数据备份不完整',
        })
      ).body.state,
    ).toBe('approved');
  });

  it('PR-1 PR-5 IN-2 PL-5 IM-7 the gate refuses each of its reasons one by one and allows when all hold; every answer is audited', async () => {
    t.clock.set(IN_WINDOW);
    const early = (await gate({})).body;
    expect(early.allowed).toBe(false);
    expect(failing(early)).toEqual(['PR-1 approved plan, verified', 'IM-1 pre-release verification passed']);
    await passAll();

    const allowed = (await gate({})).body;
    expect(allowed).toMatchObject({ allowed: true, environment: 'production' });
    expect(allowed.checks.every((x: any) => x.ok)).toBe(true);

    t.clock.set('2026-02-01T16:00:00.000Z');
    expect(failing((await gate({})).body)).toEqual(['PR-1 window open']);
    t.clock.set(IN_WINDOW);
    expect(failing((await gate({ environment: 'staging' })).body)).toEqual(['PR-5 approved versions only']);
    expect(failing((await gate({ digests: ['f'.repeat(64)] })).body)).toEqual([
      'PR-5 approved versions only',
    ]);
    expect(failing((await gate({ digests: [] })).body)).toEqual(['PR-5 approved versions only']);
    await c.boss.post('/api/freeze-windows', {
      name: '紧急封网',
      startsAt: '2026-02-01T14:30:00Z',
      endsAt: '2026-02-01T15:30:00Z',
    });
    expect(failing((await gate({})).body)).toEqual(['PL-5 no freeze']);
    t.clock.set('2026-02-01T15:45:00.000Z');
    expect((await gate({})).body.allowed).toBe(true);
    await c.eng1.post(`/api/changes/${changeId}/withdraw`, { reason: '业务方撤回' });
    const revoked = (await gate({})).body;
    expect(failing(revoked)).toEqual(['IN-2 changes still approved']);
    expect(revoked.checks.find((x: any) => !x.ok).message).toMatch(/CHG-\d{4}-\d{4}/);

    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['outcome'])
      .where('action', '=', 'gate.check')
      .execute();
    expect(events).toHaveLength(9);
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(2);
    const noPermission = await gate({}, c.biz);
    expect(noPermission.status).toBe(403);
  });

  it('PR-1 IM-7 the gate decides on its own clock: a caller naming another time gets a preview that never allows, audited as a preview', async () => {
    await passAll();
    t.clock.set(IN_WINDOW);
    expect((await gate({})).body.allowed).toBe(true);
    // The window ended: the server's clock says so, whatever time the caller claims.
    t.clock.set('2026-02-02T09:00:00.000Z');
    const late = (await gate({})).body;
    expect(late).toMatchObject({ allowed: false, at: '2026-02-02T09:00:00.000Z' });
    expect(failing(late)).toEqual(['PR-1 window open']);
    const forged = (await gate({ at: IN_WINDOW })).body;
    expect(forged).toMatchObject({
      allowed: false,
      preview: true,
      wouldBeAllowed: true,
      at: IN_WINDOW,
      decidedAt: '2026-02-02T09:00:00.000Z',
    });
    // Inside a freeze too: the preview of a time outside it still allows nothing now.
    t.clock.set(IN_WINDOW);
    await c.boss.post('/api/freeze-windows', {
      name: '封网',
      startsAt: '2026-02-01T14:30:00Z',
      endsAt: '2026-02-01T15:30:00Z',
    });
    expect(failing((await gate({})).body)).toEqual(['PL-5 no freeze']);
    expect((await gate({ at: '2026-02-01T15:45:00.000Z' })).body).toMatchObject({
      allowed: false,
      preview: true,
      wouldBeAllowed: true,
    });
    const previews = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['outcome', 'details_json'])
      .where('action', '=', 'gate.preview')
      .execute();
    expect(previews.map((e) => e.outcome)).toEqual(['denied', 'denied']);
    expect(previews.every((e) => JSON.parse(e.details_json!).wouldBeAllowed === true)).toBe(true);
  });

  it('IM-7 X-3 a pipeline runs `releasegate gate check` with a scoped token: exit 0 when allowed, 1 when refused; in Chinese under LANG=zh_CN.UTF-8', async () => {
    await passAll();
    const token = (
      await c.impl.post('/api/tokens', { name: 'gitlab-ci', scopes: ['gate.check'], expiresInDays: 60 })
    ).body.token as string;
    const artifact = path.join(t.database.dataDir, 'billing-2.1.0.tar.gz');
    fs.writeFileSync(artifact, ARTIFACT);
    const { LC_ALL: _all, LC_MESSAGES: _messages, ...inherited } = process.env;
    const env = { ...inherited, LANG: 'C.UTF-8', RELEASEGATE_URL: t.url, RELEASEGATE_TOKEN: token };
    const args = [
      CLI,
      'gate',
      'check',
      '--release',
      (await c.impl.get(`/api/releases/${releaseId}`)).body.number,
      '--environment',
      'production',
      '--file',
      artifact,
    ];

    // Before the window the pipeline is stopped.
    const refused = await run('node', args, { env }).catch((e: { code: number; stdout: string }) => e);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stdout).toMatch(/^REFUSED: REL-\d{4}-\d{4} to production/);
    expect(refused.stdout).toContain('✗ PR-1 window open');
    // a terminal in Chinese reads the same answer in Chinese, from the same catalog.
    const chinese = await run('node', args, { env: { ...env, LANG: 'zh_CN.UTF-8' } }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(chinese).toMatchObject({ code: 1 });
    expect(chinese.stdout).toMatch(
      /^拒绝：REL-\d{4}-\d{4} 部署到 production（北京时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）/,
    );
    expect(chinese.stdout).toContain('✗ PR-1 在发布窗口内：当前不在发布窗口内（');
    expect(chinese.stdout).not.toMatch(/window|approved|freeze/);

    t.clock.set(IN_WINDOW);
    const ok = await run('node', [...args, '--json'], { env });
    expect(JSON.parse(ok.stdout)).toMatchObject({ allowed: true });

    const outOfScope = await run(
      'node',
      [
        ...args.slice(0, 1),
        'gate',
        'check',
        '--release',
        'REL-0000-0000',
        '--environment',
        'production',
        '--digest',
        DIGEST,
      ],
      { env },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(outOfScope).toMatchObject({ code: 2 });
    expect(outOfScope.stderr).toMatch(/not_found/);
  });
});
