import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { CLI } from '../../test/server-process';
import { verifyLibrary } from './dsl.verify';

const run = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(DIALECTS)('definitive software library over HTTP on %s', (dialect) => {
  let t: TestApp;
  let engineer: HttpClient;
  let manager: HttpClient;
  beforeEach(async () => {
    t = await startTestApp(dialect, { DSL_MAX_UPLOAD_MB: '1' });
    await t.seedUser('eng', ['operations_engineer']);
    await t.seedUser('boss', ['operations_manager']);
    engineer = new HttpClient(t.url);
    await engineer.login('eng');
    manager = new HttpClient(t.url);
    await manager.login('boss');
  });
  afterEach(async () => {
    await t.close();
  });

  const upload = (id: string, bytes: Buffer, client = engineer) =>
    client.upload('PUT', `/api/dsl/versions/${id}/content`, bytes, 'billing-2.1.0.tar.gz');

  async function approvedVersion(bytes = Buffer.from('release artifact 发布包 v2.1.0')) {
    const v = (
      await engineer.post('/api/dsl/versions', {
        name: 'billing',
        version: '2.1.0',
        description: '计费系统',
        source: 'GitLab CI #1234',
      })
    ).body;
    expect(v.state).toBe('draft');
    const uploaded = await upload(v.id, bytes);
    expect(uploaded.status).toBe(200);
    const approved = await manager.post(`/api/dsl/versions/${v.id}/approve`, { comment: '测试通过' });
    expect(approved.status).toBe(200);
    return approved.body;
  }

  it('DS-1 an upload is streamed, hashed with SHA-256, approved by the manager, and downloads with its digest verified', async () => {
    const bytes = Buffer.from('release artifact 发布包 v2.1.0');
    const v = await approvedVersion(bytes);
    expect(v).toMatchObject({
      state: 'approved',
      digest: sha256(bytes),
      size: bytes.length,
      filename: 'billing-2.1.0.tar.gz',
      decidedBy: 'boss',
      createdBy: 'eng',
    });
    const download = await fetch(`${t.url}/api/dsl/versions/${v.id}/content`, {
      headers: { cookie: `rg_session=${engineer.cookie('rg_session')}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('x-content-sha256')).toBe(sha256(bytes));
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it('DS-1 an approved version can never be overwritten or deleted, only retired with a reason', async () => {
    const v = await approvedVersion();
    const overwrite = await upload(v.id, Buffer.from('something else'));
    expect(overwrite.status).toBe(422);
    expect(overwrite.body.error).toMatchObject({
      code: 'policy_violation',
      details: { rule: 'DS-1 approved versions are immutable' },
    });
    expect(overwrite.body.error.message).toMatch(/never be overwritten or deleted/);

    const again = await engineer.post('/api/dsl/versions', { name: 'billing', version: '2.1.0' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/can never be overwritten \(DS-1\)/);

    const del = await engineer.request('DELETE', `/api/dsl/versions/${v.id}`);
    expect(del.status).toBe(422);
    expect(del.body.error.details.rule).toBe('DS-1 approved versions are immutable');
    const edit = await engineer.patch(`/api/dsl/versions/${v.id}`, { description: 'changed' });
    expect(edit.status).toBe(422);

    const noReason = await manager.post(`/api/dsl/versions/${v.id}/retire`, { reason: '' });
    expect(noReason.status).toBe(400);
    const retired = await manager.post(`/api/dsl/versions/${v.id}/retire`, {
      reason: '存在安全漏洞 CVE-2026-0001',
    });
    expect(retired.body).toMatchObject({
      state: 'retired',
      retiredBy: 'boss',
      retireReason: '存在安全漏洞 CVE-2026-0001',
      digest: v.digest,
    });
    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('entity_id', '=', v.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'dsl.version_register:success',
      'dsl.content_upload:success',
      'dsl.version_approve:success',
      // PR-3: the refusals name the version they were about.
      'dsl.content_upload:denied',
      'dsl.version_delete:denied',
      'dsl.version_update:denied',
      'dsl.version_retire:success',
    ]);
  });

  it('DS-1 four eyes and roles: the engineer cannot approve; a draft or rejected version can be deleted', async () => {
    const v = (await engineer.post('/api/dsl/versions', { name: 'crm', version: '1.0' })).body;
    expect((await manager.post(`/api/dsl/versions/${v.id}/approve`, {})).body.error.message).toMatch(
      /\(draft\)/,
    );
    await upload(v.id, Buffer.from('crm 1.0'));
    const byEngineer = await engineer.post(`/api/dsl/versions/${v.id}/approve`, {});
    expect(byEngineer.status).toBe(403);
    expect(byEngineer.body.error.details.permission).toBe('dsl.approve');
    expect(
      (await manager.post(`/api/dsl/versions/${v.id}/reject`, { comment: '未附测试报告' })).body.state,
    ).toBe('rejected');
    expect((await engineer.request('DELETE', `/api/dsl/versions/${v.id}`)).status).toBe(204);
  });

  it('DS-1 an external reference is registered with its digest', async () => {
    const digest = 'a'.repeat(64);
    const ext = await engineer.post('/api/dsl/versions', {
      name: 'nginx',
      version: '1.26.2',
      external: { url: 'https://mirror.example.com/nginx-1.26.2.tar.gz', digest, size: 1234 },
    });
    expect(ext.body).toMatchObject({ kind: 'external', state: 'pending', digest });
    const bad = await engineer.post('/api/dsl/versions', {
      name: 'nginx',
      version: '1.27',
      external: { url: 'https://x/y', digest: 'not-a-digest' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields['external.digest']).toBeDefined();
  });

  it('DS-1 an upload over the size limit is refused and leaves no partial object', async () => {
    const v = (await engineer.post('/api/dsl/versions', { name: 'big', version: '1' })).body;
    const tooBig = await upload(v.id, Buffer.alloc(1024 * 1024 + 1, 7));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({
      code: 'too_large',
      details: { rule: 'DSL upload size limit' },
    });
    const blobDir = t.config.dsl.blobDir;
    expect(fs.readdirSync(path.join(blobDir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(blobDir, 'sha256'))).toEqual([]);
    expect((await engineer.get(`/api/dsl/versions/${v.id}`)).body.state).toBe('draft');
    // Exactly at the limit is fine.
    expect((await upload(v.id, Buffer.alloc(1024 * 1024, 7))).status).toBe(200);
  });

  it('DS-3 a corrupted stored object is detected: download refused, verify reports it, the CLI exits 1', async () => {
    const v = await approvedVersion();
    const file = path.join(t.config.dsl.blobDir, 'sha256', v.digest.slice(0, 2), v.digest);
    fs.writeFileSync(file, 'tampered bytes');
    const download = await engineer.get(`/api/dsl/versions/${v.id}/content`);
    expect(download.status).toBe(409);
    expect(download.body.error.details).toMatchObject({ rule: 'DS-3 integrity', expected: v.digest });
    expect((await engineer.get(`/api/dsl/versions/${v.id}/verify`)).body).toEqual({
      ok: false,
      digest: v.digest,
      actual: sha256(Buffer.from('tampered bytes')),
    });
    const report = await verifyLibrary(t.database.db, t.app.dsl.blobs);
    expect(report.ok).toBe(false);
    expect(report.corrupted).toEqual([
      { digest: v.digest, actual: sha256(Buffer.from('tampered bytes')), versions: ['billing 2.1.0'] },
    ]);
    const cli = await run('node', [CLI, 'dsl', 'verify'], {
      env: { ...process.env, ...t.database.env, LOG_LEVEL: 'silent' },
    }).catch((e: { code: number; stdout: string }) => e);
    expect(cli).toMatchObject({ code: 1 });
    expect(cli.stdout).toMatch(new RegExp(`corrupted ${v.digest}.*billing 2\\.1\\.0`));
  });
});
