import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { refusal, type Clock } from '@releasegate/domain';
import type { Config } from '../config';
import type { RequestContext } from '../context';
import type { Db } from '../db/database';
import { recordStandalone, type AuditWriter } from '../modules/audit/audit.service';
import type { AuditSigner } from '../modules/audit/audit.signing';
import { authorize } from '../authorize';
import type { BlobStore } from '../storage/blob-store';
import { ArchiveWriter } from './backup.archive';
import {
  DATABASE_ENTRY,
  FORMAT,
  MANIFEST_ENTRY,
  blobEntry,
  digestOfBlobEntry,
  signedManifestBytes,
  type BackupEntry,
  type BackupManifest,
} from './backup.manifest';
import { dumpPostgres } from './postgres-snapshot';
import { copySqlite, type AuditHead } from './sqlite-snapshot';

export interface BackupDeps {
  config: Pick<Config, 'database'>;
  db: Db;
  audit: AuditWriter;
  clock: Clock;
  signer: AuditSigner;
  blobs: BlobStore;
}

export interface BackupResult {
  file: string;
  /** SHA-256 of the manifest entry as written: what the audit event and the operator quote. */
  manifestSha256: string;
  manifest: BackupManifest;
  /** Stored objects whose bytes no longer hash to their name: archived as found, and named. */
  corrupted: string[];
}

/**
 * One archive of everything the system keeps: the database (a consistent online copy), then
 * every blob of the store, then the signed manifest. The database goes first: a blob is stored
 * before any record cites it, so every blob the copied database cites is in the store by the time
 * the store is listed. Blobs come through the BlobStore interface (list, size, open), one stream
 * at a time, never whole in memory. The backup is recorded on the audit trail (PR-3).
 */
export async function createBackup(
  deps: BackupDeps,
  ctx: RequestContext,
  file: string,
): Promise<BackupResult> {
  const principal = authorize(ctx, 'system.backup');
  const target = path.resolve(file);
  // `.partial` too: a backup that was interrupted there left it, and its name is taken.
  const taken = [target, `${target}.partial`].find((f) => fs.existsSync(f));
  if (taken)
    throw refusal(
      'conflict',
      'backup_never_overwrites',
      { code: 'backup_file_exists', params: { file: taken } },
      { file: taken },
    );
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  // The database copy waits beside the archive (same volume) until it is streamed in.
  const work = await fs.promises.mkdtemp(path.join(path.dirname(target), '.releasegate-backup-'));
  const archive = ArchiveWriter.create(target);
  let manifest: BackupManifest;
  let manifestBytes: Buffer;
  try {
    const database = deps.config.database;
    const copy = path.join(work, 'database');
    const createdAt = deps.clock.now().toISOString();
    const head: AuditHead =
      database.kind === 'sqlite'
        ? await copySqlite(database.file, copy)
        : // The owner, when there is one: it reads every object of the schema, functions included.
          await dumpPostgres(database.migrationUrl ?? database.url, database.schema ?? 'public', copy);
    const entries: BackupEntry[] = [await archive.addFile(DATABASE_ENTRY[database.kind], copy)];
    await fs.promises.rm(copy);
    let bytes = 0;
    for await (const digest of deps.blobs.list()) {
      const size = await deps.blobs.size(digest);
      if (size === null) continue; // removed since it was listed: no record cites it any more
      entries.push(await archive.add(blobEntry(digest), size, deps.blobs.open(digest)));
      bytes += size;
    }
    manifest = {
      format: FORMAT,
      createdAt,
      createdBy: principal.username,
      database: {
        kind: database.kind,
        schema: database.kind === 'postgres' ? (database.schema ?? 'public') : null,
        entry: DATABASE_ENTRY[database.kind],
      },
      auditHead: head,
      counts: { blobs: entries.length - 1, bytes },
      entries,
    };
    manifestBytes = signedManifestBytes(manifest, deps.signer);
    await archive.finish(MANIFEST_ENTRY, manifestBytes);
  } catch (error) {
    await archive.abort();
    throw error;
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
  const result: BackupResult = {
    file: target,
    manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
    manifest,
    corrupted: manifest.entries
      .filter((e) => {
        const digest = digestOfBlobEntry(e.name);
        return digest !== null && digest !== e.sha256;
      })
      .map((e) => e.name),
  };
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'system.backup',
    entityType: 'system',
    details: {
      file: target,
      manifestSha256: result.manifestSha256,
      database: manifest.database,
      auditHead: manifest.auditHead,
      entries: manifest.entries.length + 1,
      blobs: manifest.counts.blobs,
      bytes: manifest.counts.bytes,
      corrupted: result.corrupted,
      keyId: deps.signer.publicKey.keyId,
    },
  });
  return result;
}
