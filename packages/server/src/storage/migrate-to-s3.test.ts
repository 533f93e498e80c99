import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test/databases';
import { startS3Server, type S3Server } from '../test/s3-server';
import { CLI } from '../test/server-process';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';

const run = promisify(execFile);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The migrations on the audit trail of the data directory's database, oldest first. */
async function migrationsAudited(env: Record<string, string>) {
  const db = openDatabase(loadConfig(env));
  try {
    const rows = await db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'entity_type', 'details_json'])
      .where('action', '=', 'dsl.store_migrate')
      .orderBy('seq')
      .execute();
    return rows.map(({ details_json, ...row }) => ({
      ...row,
      details: details_json ? (JSON.parse(details_json) as unknown) : null,
    }));
  } finally {
    await db.destroy();
  }
}

/** `releasegate blobs migrate-to-s3 --json` with this environment: its report and exit code. */
async function migrate(env: Record<string, string>) {
  try {
    const { stdout } = await run('node', [CLI, 'blobs', 'migrate-to-s3', '--json'], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, report: JSON.parse(stdout), stderr: '' };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, report: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}

describe('moving a local blob store into an S3 bucket', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('DS-3 AU-1 blobs migrate-to-s3 copies every object, reads each back to verify it, and is idempotent; a corrupted one is named, not copied; every run is audited', async () => {
    const dataDir = tempDir('rg-migrate-');
    const local = new LocalBlobStore(path.join(dataDir, 'blobs'));
    const contents = [Buffer.from('billing-2.1.0 主包'), randomBytes(300 * 1024), Buffer.from('回退脚本')];
    for (const bytes of contents) await local.put(Readable.from([bytes]), 10 * 1024 * 1024);
    const bucket = await s3.newBucket();
    const env = { DATA_DIR: dataDir, ...s3.env(bucket, 'releasegate') };
    const digests = contents.map(sha256).sort();

    const first = await migrate(env);
    expect(first).toMatchObject({
      code: 0,
      report: { ok: true, listed: 3, copied: 3, present: 0, verified: 3 },
    });
    expect(first.report.to).toBe(`s3://${bucket}/releasegate/`);
    const settings = loadConfig(env).dsl.store;
    if (settings.kind !== 's3') throw new Error('not configured for S3');
    const store = new S3BlobStore(settings);
    const listed: string[] = [];
    for await (const d of store.list()) listed.push(d);
    expect(listed).toEqual(digests);

    // Again: nothing to copy, everything verified where it is.
    const second = await migrate(env);
    expect(second.report).toMatchObject({ ok: true, listed: 3, copied: 0, present: 3, verified: 3 });

    // An object changed in the bucket is replaced; a new local one is copied; a local file whose
    // bytes no longer hash to its name is named and never lands under that name.
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(digests[0]), Body: Buffer.from('not it') }),
    );
    const fresh = Buffer.from('billing-2.1.1');
    await local.put(Readable.from([fresh]), 1024);
    const rotten = Buffer.from('will rot on disk');
    const rottenDigest = sha256(rotten);
    await local.put(Readable.from([rotten]), 1024);
    fs.writeFileSync(local.pathOf(rottenDigest), 'bit rot');
    const third = await migrate(env);
    expect(third).toMatchObject({
      code: 1,
      report: {
        ok: false,
        listed: 5,
        copied: 2,
        present: 2,
        verified: 4,
        corrupted: [rottenDigest],
        failed: [],
      },
    });
    expect(await store.rehash(digests[0])).toBe(digests[0]);
    expect(await store.rehash(sha256(fresh))).toBe(sha256(fresh));
    expect(await store.has(rottenDigest)).toBe(false);
    // Every run is on the audit trail: where from, where to, what was copied, what did not verify.
    const audited = await migrationsAudited(env);
    expect(audited.map((row) => [row.outcome, row.entity_type])).toEqual([
      ['success', 'dsl'],
      ['success', 'dsl'],
      ['failed', 'dsl'],
    ]);
    expect(audited[0]?.details).toMatchObject({
      from: path.join(dataDir, 'blobs'),
      to: first.report.to,
      copied: 3,
    });
    expect(audited[2]?.details).toMatchObject({
      copied: 2,
      corrupted: [rottenDigest],
      corruptedCount: 1,
      failedCount: 0,
    });
    const temporary: string[] = [];
    for await (const key of store.listTemporary()) temporary.push(key);
    expect(temporary).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('DS-3 blobs migrate-to-s3 without BLOB_STORE=s3, or without a local store, is refused naming why', async () => {
    const dataDir = tempDir('rg-migrate-');
    const local = await migrate({ DATA_DIR: dataDir });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('BLOB_STORE: migrate-to-s3 copies into the S3 store');
    const half = await migrate({ DATA_DIR: dataDir, BLOB_STORE: 's3' });
    expect(half.stderr).toContain('S3_BUCKET: BLOB_STORE=s3 needs the bucket name');
    const none = await migrate({ DATA_DIR: dataDir, ...s3.env(await s3.newBucket()) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('holds no local blob store');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
