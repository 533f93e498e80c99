import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, tempDir } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease } from '../../test/implementation';
import { startS3Server, type S3Server } from '../../test/s3-server';
import { CLI, spawnServer, stopServer, type ServerProcess } from '../../test/server-process';

const run = promisify(execFile);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const HOUR = 3600_000;

/**
 * DS-3: two nodes on one database, each with a data directory of its own, and one bucket: the
 * test's own app, and a `releasegate serve` process. What is uploaded through one is served,
 * gated and verified through the other; neither keeps content in its data directory.
 */
describe.each(DIALECTS)('the software library in one S3 bucket across two nodes on %s', (dialect) => {
  let s3: S3Server;
  let t: TestApp;
  let shared: string;
  let node2Dir: string;
  let node2Env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    s3 = await startS3Server();
    const bucket = await s3.newBucket();
    // The keys every node of one installation shares; the data directories are the nodes' own.
    shared = tempDir('rg-nodes-');
    const common = {
      ...SESSIONS_FOR_A_DAY,
      ...s3.env(bucket, 'releasegate'),
      AUDIT_SIGNING_KEY: path.join(shared, 'audit-signing-key.pem'),
      SECRETS_KEY_FILE: path.join(shared, 'secrets.key'),
    };
    t = await startTestApp(dialect, common);
    node2Dir = tempDir('rg-node2-');
    node2Env = {
      ...t.database.env,
      ...common,
      DATA_DIR: node2Dir,
      // SQLite: the first node's database file, from a data directory of its own.
      ...(dialect === 'sqlite' && {
        DATABASE_URL: `sqlite:${path.join(t.database.dataDir, 'releasegate.db')}`,
      }),
      JOBS_ENABLED: 'false',
    };
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
    await t?.close();
    await s3?.close();
    fs.rmSync(shared, { recursive: true, force: true });
    fs.rmSync(node2Dir, { recursive: true, force: true });
  });

  it('DS-3 content uploaded through one node downloads and passes the gate through the other; dsl verify re-hashes the bucket', async () => {
    // The second node runs on the real clock: so does the first, and the plan's window is now.
    const now = Date.now();
    t.clock.set(new Date(now));
    const c = await signInRoles(t);
    const window = { start: new Date(now - HOUR).toISOString(), end: new Date(now + 2 * HOUR).toISOString() };
    const release = await readyRelease(t, c, { plan: (content) => ({ ...content, window }) });
    t.clock.set(new Date(now));
    const node2 = await spawnServer(node2Env);
    servers.push(node2);

    // The master uploaded through node 1 downloads through node 2, byte for byte.
    const versionId = (await c.eng1.get(`/api/releases/${release.id}`)).body.items[0].dslVersionId as string;
    const master = await fetch(`${node2.url}/api/dsl/versions/${versionId}/content`, {
      headers: { cookie: c.eng1.cookieHeader() },
    });
    expect(master.status).toBe(200);
    expect(sha256(Buffer.from(await master.arrayBuffer()))).toBe(release.digest);
    // The pipeline asks node 2 whether that artifact may go to production now: it may.
    const gate = await c.impl.at(node2.url).post('/api/gate/check', {
      release: release.id,
      environment: 'production',
      digests: [release.digest],
    });
    expect(gate.status, JSON.stringify(gate.body)).toBe(200);
    expect(gate.body.checks.filter((x: { ok: boolean }) => !x.ok)).toEqual([]);
    expect(gate.body.allowed).toBe(true);

    // And the other way: a version's content uploaded through node 2 is served by node 1.
    const eng1AtNode2 = c.eng1.at(node2.url);
    const other = (await eng1AtNode2.post('/api/dsl/versions', { name: 'billing-tools', version: '1.0' }))
      .body;
    const bytes = Buffer.from('计费工具 1.0 from node 2');
    const put = await eng1AtNode2.upload('PUT', `/api/dsl/versions/${other.id}/content`, bytes);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const back = await c.eng1.request('GET', `/api/dsl/versions/${other.id}/content`);
    expect(back.status).toBe(200);
    expect(back.body).toBe(bytes.toString());
    // Neither node keeps content of its own.
    for (const dir of [t.database.dataDir, node2Dir])
      expect(fs.existsSync(path.join(dir, 'blobs', 'sha256'))).toBe(false);

    // `dsl verify` on the bucket: whole, then one object changed behind the store's back.
    const env = { ...process.env, ...node2Env, LOG_LEVEL: 'silent' };
    const whole = JSON.parse((await run('node', [CLI, 'dsl', 'verify', '--json'], { env })).stdout);
    expect(whole).toMatchObject({ ok: true, corrupted: [], missing: [] });
    expect(whole.checked).toBeGreaterThanOrEqual(2);
    await s3.client.send(
      new PutObjectCommand({
        Bucket: node2Env.S3_BUCKET,
        Key: `releasegate/sha256/${release.digest}`,
        Body: Buffer.from('tampered in the bucket'),
      }),
    );
    const broken = await run('node', [CLI, 'dsl', 'verify'], { env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(broken).toMatchObject({ code: 1 });
    expect(broken.stdout).toContain(
      `corrupted ${release.digest} (now hashes to ${sha256(Buffer.from('tampered in the bucket'))})`,
    );
    // And neither node serves it.
    const refused = await c.eng1.at(node2.url).get(`/api/dsl/versions/${versionId}/content`);
    expect(refused.status).toBe(409);
  }, 180_000);
});
