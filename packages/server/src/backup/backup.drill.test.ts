import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { openDatabase, type Db } from '../db/database';
import { openBlobStore } from '../storage/open-blob-store';
import { DIALECTS, createTestDatabase, tempDir, type TestDatabase } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { signInRoles } from '../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../test/implementation';
import { CLI, spawnServer, stopServer, type ServerProcess } from '../test/server-process';
import { readArchive } from '../test/backup-archive';
import { startS3Server, type S3Server } from '../test/s3-server';

const run = promisify(execFile);
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * The drill an operator runs before trusting backups: write under load, back up while writing,
 * restore somewhere fresh, and check that the restored system is whole. On each dialect, with the
 * local blob store and with an S3 bucket (DS-3): restored into a new, empty bucket, so that every
 * object the restored system serves came out of the archive.
 */
const CASES = DIALECTS.flatMap((dialect) =>
  (['local', 's3'] as const).map((store) => [dialect, store] as const),
);

describe.each(CASES)('backup and restore drill on %s with the %s blob store', (dialect, storeKind) => {
  let t: TestApp;
  let s3: S3Server | null = null;
  /** The blob store settings of the original (`bucket`) and the restored system. */
  let storeEnv: Record<string, string> = {};
  let restoredStoreEnv: Record<string, string> = {};
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let work: string;
  let keyFile: string;
  let fresh: TestDatabase | null = null;
  let restoredDb: Db | null = null;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    work = tempDir('rg-drill-');
    // As in production: the signing key lives outside the data directory, and the restored
    // system signs with the same key.
    keyFile = path.join(work, 'keys', 'audit-signing-key.pem');
    if (storeKind === 's3') {
      s3 = await startS3Server();
      storeEnv = s3.env(await s3.newBucket(), 'releasegate');
      restoredStoreEnv = s3.env(await s3.newBucket(), 'restored');
    }
    t = await startTestApp(dialect, { ...SESSIONS_FOR_A_DAY, AUDIT_SIGNING_KEY: keyFile, ...storeEnv });
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
    await restoredDb?.destroy();
    await fresh?.destroy();
    await t.close();
    await s3?.close();
    s3 = null;
    fs.rmSync(work, { recursive: true, force: true });
  });

  /**
   * A release in post-release management with an evidence file cited by a check and its
   * archive made, and its evidence package exported — all before the backup.
   */
  async function archivedRelease() {
    const r = await readyRelease(t, c, { checks: false });
    const evidenceBytes = Buffer.from(`环境检查截图 ${randomBytes(8).toString('hex')}`);
    const evidence = await c.impl.upload(
      'PUT',
      `/api/releases/${r.id}/evidence`,
      evidenceBytes,
      'env-check.txt',
    );
    expect(evidence.status).toBe(200);
    for (const key of ['environment_check', 'backup_verification', 'rollback_test', 'emergency_plan']) {
      const check = await c.impl.post(`/api/releases/${r.id}/checks/${key}`, {
        result: 'passed',
        ...(key === 'environment_check'
          ? { evidence: { digest: evidence.body.digest, filename: 'env-check.txt' } }
          : { note: `${key} 通过` }),
      });
      expect(check.status, JSON.stringify(check.body)).toBe(200);
    }
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    t.clock.set('2026-02-01T15:10:00Z');
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/complete`)).body.state).toBe(
      'post_release',
    );
    expect((await c.eng1.post(`/api/releases/${r.id}/archive`)).status).toBe(200);
    const pkg = await fetch(`${t.url}/api/releases/${r.id}/evidence-package`, {
      headers: { cookie: c.aud.cookieHeader() },
    });
    expect(pkg.status).toBe(200);
    const pkgFile = path.join(work, 'evidence.zip');
    fs.writeFileSync(pkgFile, Buffer.from(await pkg.arrayBuffer()));
    const release = (await c.eng1.get(`/api/releases/${r.id}`)).body;
    const dslVersionId = release.items.find((i: any) => i.kind === 'software').dslVersionId as string;
    return { id: r.id, artifactDigest: r.digest, dslVersionId, evidenceBytes, pkgFile };
  }

  it('DS-1 DS-3 PR-3 PO-3 X-1 a backup taken while a server writes (DSL uploads, evidence) restores into a fresh data directory: the audit trail, the library and an earlier evidence package verify, and every acknowledged write is there', async () => {
    const release = await archivedRelease();
    await t.app.fastify.close();

    // A real server process on the same data, written to through the API by several clients.
    const server = await spawnServer({ ...t.database.env, AUDIT_SIGNING_KEY: keyFile, ...storeEnv });
    servers.push(server);
    const as = async (name: string) => {
      const client = new HttpClient(server.url);
      expect((await client.login(name)).status).toBe(200);
      return client;
    };
    const [eng, boss, impl] = [await as('eng1'), await as('boss'), await as('impl')];
    const acked = { versions: [] as { id: string; digest: string }[], evidence: [] as string[] };
    let stop = false;
    const dslWriter = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const bytes = randomBytes(48 * 1024 + i);
        const v = await eng.post('/api/dsl/versions', { name: `load-${w}`, version: `1.0.${i}` });
        if (v.status !== 201) continue;
        if ((await eng.upload('PUT', `/api/dsl/versions/${v.body.id}/content`, bytes)).status !== 200)
          continue;
        if ((await boss.post(`/api/dsl/versions/${v.body.id}/approve`, {})).status === 200)
          acked.versions.push({ id: v.body.id, digest: sha256(bytes) });
      }
    };
    const evidenceWriter = async () => {
      while (!stop) {
        const bytes = randomBytes(16 * 1024);
        const r = await impl.upload('PUT', `/api/releases/${release.id}/evidence`, bytes, 'log.txt');
        if (r.status === 200) acked.evidence.push(r.body.digest);
      }
    };
    const until = async (enough: () => boolean) => {
      while (!enough()) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const load = Promise.all([dslWriter(1), dslWriter(2), evidenceWriter()]);
    await until(() => acked.versions.length >= 4 && acked.evidence.length >= 4);

    const before = { versions: [...acked.versions], evidence: [...acked.evidence] };
    const archive = path.join(work, 'backups', 'drill.tar');
    const env = {
      ...process.env,
      ...t.database.env,
      AUDIT_SIGNING_KEY: keyFile,
      ...storeEnv,
      LOG_LEVEL: 'silent',
    };
    const backup = await run('node', [CLI, 'backup', archive], { env });
    expect(backup.stdout).toMatch(/backup written to .*drill\.tar/);
    // The server kept writing through the backup, and goes on a little after it.
    const after = acked.versions.length + acked.evidence.length;
    await until(() => acked.versions.length + acked.evidence.length >= after + 2);
    stop = true;
    await load;
    await stopServer(server);

    const manifestBytes = (await readArchive(archive)).find((e) => e.name === 'manifest.json')!.data;
    const manifest = JSON.parse(manifestBytes.toString('utf8'));
    expect(manifest).toMatchObject({ format: 'releasegate.backup/1', database: { kind: dialect } });
    // The original went on past the copy: the backup is a point in a stream of writes.
    const last = await t.database.db.kysely
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    expect(Number(last.seq)).toBeGreaterThan(manifest.auditHead.seq + 2);
    // The backup is on the original's audit trail, citing the manifest it wrote.
    const recorded = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('details_json')
      .where('action', '=', 'system.backup')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(recorded.details_json!)).toMatchObject({
      manifestSha256: sha256(manifestBytes),
      blobs: manifest.counts.blobs,
      auditHead: manifest.auditHead,
    });

    // Restore into a fresh data directory (SQLite) or a fresh schema (PostgreSQL).
    fresh = await createTestDatabase(dialect, { migrate: false });
    if (dialect === 'sqlite') {
      await fresh.db.destroy();
      fs.rmSync(fresh.dataDir, { recursive: true, force: true });
    }
    const restoredEnv = { ...fresh.env, AUDIT_SIGNING_KEY: keyFile, ...restoredStoreEnv };
    const renv = { ...process.env, ...restoredEnv, LOG_LEVEL: 'silent' };
    const restored = await run('node', [CLI, 'restore', archive], { env: renv });
    expect(restored.stdout).toMatch(new RegExp(`audit chain up to event #${manifest.auditHead.seq}`));
    expect(restored.stdout).toContain(
      `blob store: ${manifest.counts.blobs} files in ${storeKind === 's3' ? `s3://${restoredStoreEnv.S3_BUCKET}/restored/` : fresh.dataDir}`,
    );

    const audit = JSON.parse((await run('node', [CLI, 'audit', 'verify', '--json'], { env: renv })).stdout);
    expect(audit).toMatchObject({ ok: true });
    const library = JSON.parse((await run('node', [CLI, 'dsl', 'verify', '--json'], { env: renv })).stdout);
    expect(library).toMatchObject({ ok: true, corrupted: [], missing: [] });
    const publicKey = path.join(work, 'kept.pem');
    fs.writeFileSync(publicKey, (await run('node', [CLI, 'audit', 'public-key'], { env: renv })).stdout);
    const evidence = await run('node', [
      CLI,
      'evidence',
      'verify',
      release.pkgFile,
      '--public-key',
      publicKey,
    ]);
    expect(evidence.stdout).toMatch(/^OK: \d+ files checked/);

    // The restored trail is exactly the original's up to the manifest's head, then the restore.
    restoredDb = openDatabase(loadConfig(restoredEnv));
    const chain = (db: Db) =>
      db.kysely
        .selectFrom('audit_events')
        .select(['seq', 'hash', 'action'])
        .where('seq', '<=', manifest.auditHead.seq + 1)
        .orderBy('seq')
        .execute();
    const [original, copy] = [await chain(t.database.db), await chain(restoredDb)];
    expect(copy.slice(0, -1)).toEqual(original.slice(0, manifest.auditHead.seq));
    expect(copy.at(-1)).toMatchObject({ seq: manifest.auditHead.seq + 1, action: 'system.restore' });

    // Every write acknowledged before the backup began is there, records and files alike.
    const store = await openBlobStore(loadConfig(restoredEnv).dsl);
    const versions = await restoredDb.kysely
      .selectFrom('dsl_versions')
      .select(['id', 'digest', 'state'])
      .execute();
    for (const v of before.versions) {
      expect(versions).toContainEqual({ id: v.id, digest: v.digest, state: 'approved' });
      expect(await store.rehash(v.digest)).toBe(v.digest);
    }
    for (const digest of before.evidence) expect(await store.rehash(digest)).toBe(digest);
    const uploads = await restoredDb.kysely
      .selectFrom('audit_events')
      .select('details_json')
      .where('action', '=', 'release.evidence_upload')
      .execute();
    const cited = uploads.map((u) => (JSON.parse(u.details_json!) as { digest: string }).digest);
    expect(cited).toEqual(expect.arrayContaining(before.evidence));

    // What answered 409 after the old restore: the approved master and the evidence file serve.
    const again = await spawnServer(restoredEnv);
    servers.push(again);
    const reader = new HttpClient(again.url);
    expect((await reader.login('eng1')).status).toBe(200);
    const master = await fetch(`${again.url}/api/dsl/versions/${release.dslVersionId}/content`, {
      headers: { cookie: reader.cookieHeader() },
    });
    expect(master.status).toBe(200);
    expect(sha256(Buffer.from(await master.arrayBuffer()))).toBe(release.artifactDigest);
    const file = await fetch(
      `${again.url}/api/releases/${release.id}/evidence/${sha256(release.evidenceBytes)}`,
      {
        headers: { cookie: reader.cookieHeader() },
      },
    );
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(release.evidenceBytes);
  }, 300_000);
});
