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
    t = await startTestApp(dialect);
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
    await c.eng1.post(`/api/releases/${releaseId}/accept`, {});
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
      at: IN_WINDOW,
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
    const early = (await gate({})).body;
    expect(early.allowed).toBe(false);
    expect(failing(early)).toEqual(['PR-1 approved plan, verified', 'IM-1 pre-release verification passed']);
    await passAll();

    const allowed = (await gate({})).body;
    expect(allowed).toMatchObject({ allowed: true, environment: 'production' });
    expect(allowed.checks.every((x: any) => x.ok)).toBe(true);

    expect(failing((await gate({ at: '2026-02-01T16:00:00.000Z' })).body)).toEqual(['PR-1 window open']);
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
    expect((await gate({ at: '2026-02-01T15:45:00.000Z' })).body.allowed).toBe(true);
    await c.eng1.post(`/api/changes/${changeId}/withdraw`, { reason: '业务方撤回' });
    const revoked = (await gate({ at: '2026-02-01T15:45:00.000Z' })).body;
    expect(failing(revoked)).toEqual(['IN-2 changes still approved']);
    expect(revoked.checks.find((x: any) => !x.ok).message).toMatch(/CHG-\d{4}-\d{4}/);

    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['outcome'])
      .where('action', '=', 'gate.checked')
      .execute();
    expect(events).toHaveLength(9);
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(2);
    const noPermission = await gate({}, c.biz);
    expect(noPermission.status).toBe(403);
  });

  it('IM-7 a pipeline runs `releasegate gate check` with a scoped token: exit 0 when allowed, 1 when refused', async () => {
    await passAll();
    const token = (
      await c.impl.post('/api/tokens', { name: 'gitlab-ci', scopes: ['gate.check'], expiresInDays: 60 })
    ).body.token as string;
    const artifact = path.join(t.database.dataDir, 'billing-2.1.0.tar.gz');
    fs.writeFileSync(artifact, ARTIFACT);
    const env = { ...process.env, RELEASEGATE_URL: t.url, RELEASEGATE_TOKEN: token };
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
