import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@releasegate/domain';
import {
  DIALECTS,
  createTestDatabase,
  dropAuditGuards,
  tempDir,
  type TestDatabase,
} from '../../test/databases';
import type { RequestContext } from '../../context';
import { createAuditWriter, type AuditWriter } from './audit.service';
import { chainHash, GENESIS_HASH } from './audit.chain';
import { canonicalFromRow } from './audit.verify';
import { FileCheckpointStore, checkpointText, writeCheckpoint } from './audit.checkpoint';
import { verifyTrail } from './audit.query';
import { AuditSigner, verifySignature } from './audit.signing';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../../bin/releasegate.js');
const ctx: RequestContext = { principal: null, sourceIp: '10.1.2.3', requestId: 'req-1' };

describe.each(DIALECTS)('signed checkpoints of the audit chain on %s', (dialect) => {
  let t: TestDatabase;
  let audit: AuditWriter;
  let keys: string;
  let signer: AuditSigner;
  let store: FileCheckpointStore;
  // Starts at the real time: the database's own retention guard compares with its clock.
  const clock = new ManualClock(new Date());
  const deps = () => ({ db: t.db, clock, signer, checkpoints: store });

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    audit = createAuditWriter({ dialect, clock, algorithm: 'sha256' });
    keys = tempDir('rg-keys-');
    signer = AuditSigner.loadOrCreate(path.join(keys, 'audit-signing-key.pem'), 'ed25519').signer;
    // Outside the data directory, as docs/security.md tells operators to keep it.
    store = new FileCheckpointStore(tempDir('rg-checkpoints-'));
  });
  afterEach(async () => {
    await t.destroy();
  });

  async function writeEvents(n: number) {
    for (let i = 1; i <= n; i++) {
      clock.advance(1000);
      await t.db.kysely.transaction().execute((trx) =>
        audit.record(trx, ctx, {
          action: 'user.update',
          entityType: 'user',
          entityId: `u${i}`,
          after: { n: i },
        }),
      );
    }
  }

  const dropGuards = () => dropAuditGuards(t);

  it('PR-3 X-1 a checkpoint signs the head; the chain and its checkpoints verify; an idle head is not signed twice', async () => {
    await writeEvents(3);
    const first = await writeCheckpoint(deps());
    expect(first).toMatchObject({ seq: 3, algorithm: 'ed25519', keyId: signer.publicKey.keyId });
    expect(verifySignature(signer.publicKey.pem, checkpointText(first), first.signature)).toBe(true);
    expect(await writeCheckpoint(deps())).toEqual(first);
    await writeEvents(2);
    expect((await writeCheckpoint(deps())).seq).toBe(5);
    const result = await verifyTrail(deps());
    expect(result).toMatchObject({ ok: true, eventsChecked: 5 });
    expect(result.checkpoints).toMatchObject({ ok: true, checked: 2, latest: { seq: 5 }, problems: [] });
  });

  it('PR-3 a cut tail verifies as a chain but not against the checkpoint: named as truncated', async () => {
    await writeEvents(5);
    await writeCheckpoint(deps());
    await dropGuards();
    await t.db.kysely.deleteFrom('audit_events').where('seq', '>', 3).execute();
    const result = await verifyTrail(deps());
    expect(result.firstBad).toBeUndefined(); // the chain itself cannot tell
    expect(result.ok).toBe(false);
    expect(result.checkpoints.problems).toEqual([
      expect.objectContaining({
        kind: 'truncated',
        seq: 5,
        message: expect.stringContaining('now ends at #3'),
      }),
    ]);
  });

  it('PR-3 an emptied table is named as truncated (TRUNCATE on PostgreSQL, DELETE on SQLite)', async () => {
    await writeEvents(4);
    await writeCheckpoint(deps());
    await dropGuards();
    if (dialect === 'postgres') await sql`truncate audit_events`.execute(t.db.kysely);
    else await t.db.kysely.deleteFrom('audit_events').execute();
    const result = await verifyTrail(deps());
    expect(result).toMatchObject({ ok: false, eventsChecked: 0 });
    expect(result.checkpoints.problems[0]).toMatchObject({
      kind: 'truncated',
      message: expect.stringContaining('no event at all'),
    });
  });

  it('PR-3 a chain rewritten from scratch with the public formula is named as rewritten', async () => {
    await writeEvents(4);
    await writeCheckpoint(deps());
    await dropGuards();
    // Recompute every hash after changing event 2: a perfectly consistent, forged chain.
    const rows = await t.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const after_json = row.seq === 2 ? '{"n":200}' : row.after_json;
      const canonical = canonicalFromRow({ ...row, after_json, prev_hash: prev });
      const hash = chainHash('sha256', prev, JSON.parse(canonical));
      await t.db.kysely
        .updateTable('audit_events')
        .set({ after_json, prev_hash: prev, hash })
        .where('seq', '=', row.seq)
        .execute();
      prev = hash;
    }
    const result = await verifyTrail(deps());
    expect(result.firstBad).toBeUndefined();
    expect(result.checkpoints.problems).toEqual([expect.objectContaining({ kind: 'rewritten', seq: 4 })]);
  });

  it('PR-3 a forged or altered checkpoint, or one signed by another key, is named', async () => {
    await writeEvents(2);
    await writeCheckpoint(deps());
    const line = fs.readFileSync(store.location, 'utf8').trim();
    const forged = { ...JSON.parse(line), seq: 1 };
    fs.appendFileSync(store.location, `${JSON.stringify(forged)}\nnot a checkpoint\n`);
    const stranger = AuditSigner.loadOrCreate(path.join(tempDir('rg-other-'), 'k.pem'), 'ed25519').signer;
    await writeCheckpoint({ ...deps(), signer: stranger });
    const result = await verifyTrail(deps());
    expect(result.checkpoints.problems.map((p) => p.kind).sort()).toEqual([
      'forged',
      'unknown_key',
      'unreadable',
    ]);
    // The auditor who kept the other public key trusts it too.
    const both = await verifyTrail(deps(), [signer.publicKey, stranger.publicKey]);
    expect(both.checkpoints.problems.map((p) => p.kind).sort()).toEqual(['forged', 'unreadable']);
  });

  it('PR-3 SM2 with SM3 signs checkpoints (GB/T 32918): verified here, and by OpenSSL with the public key alone', async () => {
    const sm2 = AuditSigner.loadOrCreate(path.join(keys, 'sm2.pem'), 'sm2').signer;
    expect(sm2.publicKey.algorithm).toBe('sm2');
    await writeEvents(2);
    const c = await writeCheckpoint({ ...deps(), signer: sm2 });
    expect(c.algorithm).toBe('sm2');
    expect((await verifyTrail({ ...deps(), signer: sm2 })).ok).toBe(true);
    const dir = tempDir('rg-openssl-');
    fs.writeFileSync(path.join(dir, 'pub.pem'), sm2.publicKey.pem);
    fs.writeFileSync(path.join(dir, 'text'), checkpointText(c));
    fs.writeFileSync(path.join(dir, 'sig'), Buffer.from(c.signature, 'base64'));
    const openssl = await run('openssl', [
      'dgst',
      '-sm3',
      '-verify',
      path.join(dir, 'pub.pem'),
      '-sigopt',
      'distid:1234567812345678',
      '-signature',
      path.join(dir, 'sig'),
      path.join(dir, 'text'),
    ]);
    expect(openssl.stdout.trim()).toBe('Verified OK');
    // A key OpenSSL made is used as it is.
    const made = path.join(dir, 'openssl-sm2.pem');
    await run('openssl', ['genpkey', '-algorithm', 'SM2', '-out', made]);
    expect(AuditSigner.loadOrCreate(made, 'sm2').signer.publicKey.algorithm).toBe('sm2');
    expect(() => AuditSigner.loadOrCreate(made, 'ed25519')).toThrow(/AUDIT_SIGNATURE/);
  });

  it('PR-3 `releasegate audit verify` exits 1 naming a cut tail; --public-key checks with the key the auditor kept', async () => {
    const dataDir = t.dataDir;
    const env = {
      ...process.env,
      ...t.env,
      AUDIT_SIGNING_KEY: path.join(keys, 'audit-signing-key.pem'),
      AUDIT_CHECKPOINT_DIR: path.dirname(store.location),
      DATA_DIR: dataDir,
    };
    await writeEvents(3);
    const checkpoint = await run('node', [CLI, 'audit', 'checkpoint'], { env });
    expect(checkpoint.stdout).toMatch(/checkpoint of event #3 .* signed by ed25519 key/);
    const pub = path.join(keys, 'kept-by-the-auditor.pem');
    fs.writeFileSync(pub, (await run('node', [CLI, 'audit', 'public-key'], { env })).stdout);
    const ok = await run('node', [CLI, 'audit', 'verify', '--public-key', pub], { env });
    expect(ok.stdout).toMatch(/^OK: 4 events verified; .* signed checkpoints hold, the latest of event #3/);
    await dropGuards();
    await t.db.kysely.deleteFrom('audit_events').where('seq', '>', 1).execute();
    const broken = await run('node', [CLI, 'audit', 'verify', '--public-key', pub], { env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(broken).toMatchObject({ code: 1 });
    expect(broken.stdout).toMatch(/CHECKPOINT TRUNCATED: .* reached event #3; it now ends at #1/);
  }, 60_000);
});
