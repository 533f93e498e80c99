import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { notFound, refusal, type Clock } from '@releasegate/domain';
import type { Config } from '../config';
import type { RequestContext } from '../context';
import { openDatabase } from '../db/database';
import { migrateForServer } from '../db/roles';
import { createAuditWriter, recordStandalone } from '../modules/audit/audit.service';
import type { PublicKeyInfo } from '../modules/audit/audit.signing';
import { authorize } from '../authorize';
import { runningServerPid } from '../pid-file';
import { copyBlobs } from '../storage/copy-blobs';
import { LocalBlobStore } from '../storage/local-blob-store';
import { openBlobStore } from '../storage/open-blob-store';
import {
  MANIFEST_ENTRY,
  blobEntry,
  checkManifest,
  digestOfBlobEntry,
  type BackupManifest,
} from './backup.manifest';
import { loadPostgres } from './postgres-snapshot';
import { compareWithManifest, stageArchive, type StagedArchive } from './restore.staging';
import { Swap } from './restore.swap';
import { inspectSqlite } from './sqlite-snapshot';

export interface RestoreDeps {
  config: Pick<Config, 'database' | 'dataDir' | 'dsl' | 'audit'>;
  clock: Clock;
  /** Keys whose signature on the manifest is accepted: the server's own, or the operator's. */
  trustedPublicKeys: readonly PublicKeyInfo[];
}

export interface RestoreResult {
  manifest: BackupManifest;
  manifestSha256: string;
  keyId: string;
  /** What the restore replaced, kept beside it (SQLite database, blob store). */
  kept: string[];
  /** Blobs the backup itself recorded as no longer matching their name: left out. */
  leftOut: string[];
}

/**
 * Restores a backup archive, checking everything before touching anything: the whole archive is
 * read into a staging area beside the live data while hashed, and compared with its signed
 * manifest; any missing, extra or altered entry refuses the restore, naming each, and the
 * staging area is removed. Only then are the database and the blob store replaced (SQLite and
 * the blob store by renames; PostgreSQL in one transaction), migrations run as at a start, and
 * `system.restore` is recorded in the restored database.
 */
export async function restoreBackup(
  deps: RestoreDeps,
  ctx: RequestContext,
  file: string,
): Promise<RestoreResult> {
  authorize(ctx, 'system.backup');
  const { config } = deps;
  const running = runningServerPid(config.dataDir);
  if (running !== null)
    throw refusal(
      'conflict',
      'restore_needs_server_stopped',
      { code: 'restore_server_running', params: { pid: running, dir: config.dataDir } },
      { pid: running },
    );
  if (!fs.existsSync(file)) throw notFound('backup_archive', file);

  // Names what this restore stages and what it keeps aside: readable, and unique per run.
  const stamp = deps.clock.now().toISOString().replace(/\D/g, '').slice(0, 14);
  const id = `${stamp}-${randomBytes(3).toString('hex')}`;
  const staging = path.join(config.dataDir, `.restore-${id}`);
  const databaseFile =
    config.database.kind === 'sqlite'
      ? path.join(path.dirname(config.database.file), `.${path.basename(config.database.file)}.restore-${id}`)
      : path.join(staging, 'database.pgdump');
  // A refused restore into a data directory that did not exist leaves none behind either.
  const dataDirExisted = fs.existsSync(config.dataDir);
  let restored = false;
  await fs.promises.mkdir(path.dirname(databaseFile), { recursive: true });
  const stagedBlobs = path.join(staging, 'blobs');
  const blobs = new LocalBlobStore(stagedBlobs);
  try {
    const staged = await stageArchive(file, { databaseFile, blobs });
    const checked = check(staged, deps);
    // A blob that no longer matched its name at backup time was archived as found; it sits in
    // staging under the digest of its bytes, which is no blob's name — unless those bytes are
    // another blob's content, which then stays.
    const names = new Set(checked.manifest.entries.map((e) => e.name));
    const leftOut: string[] = [];
    for (const e of checked.manifest.entries) {
      const digest = digestOfBlobEntry(e.name);
      if (!digest || digest === e.sha256) continue;
      if (!names.has(blobEntry(e.sha256))) await blobs.remove(e.sha256);
      leftOut.push(e.name);
    }
    const kept = await putInPlace(deps, checked.manifest, { database: databaseFile, blobs: stagedBlobs }, id);
    const manifestSha256 = createHash('sha256').update(staged.manifestBytes!).digest('hex');
    await recordRestored(deps, ctx, {
      file: path.resolve(file),
      manifestSha256,
      backupCreatedAt: checked.manifest.createdAt,
      database: checked.manifest.database,
      auditHead: checked.manifest.auditHead,
      blobs: checked.manifest.counts.blobs,
      keyId: checked.keyId,
      kept,
      leftOut,
    });
    restored = true;
    return {
      manifest: checked.manifest,
      manifestSha256,
      keyId: checked.keyId,
      kept,
      leftOut,
    };
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
    for (const f of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`])
      await fs.promises.rm(f, { force: true });
    if (!restored && !dataDirExisted) await fs.promises.rmdir(config.dataDir).catch(() => undefined);
  }
}

/** Every reason to refuse, at once; a refusal names each entry that is wrong. */
function check(staged: StagedArchive, deps: RestoreDeps): { manifest: BackupManifest; keyId: string } {
  const problems = [...staged.problems];
  let verified: { manifest: BackupManifest; keyId: string } | null = null;
  if (!staged.manifestBytes) problems.push(`${MANIFEST_ENTRY}: missing`);
  else {
    const result = checkManifest(staged.manifestBytes, deps.trustedPublicKeys);
    if (!result.ok) problems.push(result.problem);
    else {
      verified = result;
      problems.push(...compareWithManifest(staged, result.manifest));
      const kind = deps.config.database.kind;
      if (result.manifest.database.kind !== kind)
        problems.push(
          `${MANIFEST_ENTRY}: a backup of a ${result.manifest.database.kind} database cannot be restored into ${kind}`,
        );
    }
  }
  if (verified && problems.length === 0 && staged.database?.kind === 'sqlite') {
    const copy = inspectSqlite(staged.database.file);
    const head = verified.manifest.auditHead;
    if (copy.integrity !== 'ok')
      problems.push(`${staged.database.file}: SQLite's integrity check: ${copy.integrity}`);
    else if (!copy.head || copy.head.seq !== head.seq || copy.head.hash !== head.hash)
      problems.push(
        `the database's audit chain ends at #${copy.head?.seq ?? 'nothing'}, the manifest says #${head.seq}`,
      );
  }
  if (problems.length > 0 || !verified)
    throw refusal(
      'invalid_input',
      'backup_integrity',
      { code: 'backup_refused', params: { problems } },
      { problems },
    );
  return verified;
}

/**
 * Replaces the database, then the local blob store (an S3 store: adds the blobs to it first);
 * returns what was kept aside.
 */
async function putInPlace(
  deps: RestoreDeps,
  manifest: BackupManifest,
  staged: { database: string; blobs: string },
  id: string,
): Promise<string[]> {
  const { database, dsl } = deps.config;
  const swap = new Swap(id);
  try {
    // A bucket is shared and content-addressed: the backup's blobs are added to it, before the
    // database that cites them, and nothing is taken away (objects no record cites are harmless).
    if (dsl.store.kind === 's3')
      await copyBlobs(new LocalBlobStore(staged.blobs), await openBlobStore(dsl), { verify: false });
    if (database.kind === 'sqlite')
      await swap.replace(database.file, staged.database, [`${database.file}-wal`, `${database.file}-shm`]);
    else {
      // One transaction: when it fails the schema is as it was, and the blob store untouched.
      const schema = database.schema ?? 'public';
      // PostgreSQL names are at most 63 bytes.
      const keep = `${schema.slice(0, 30)}_before_restore_${id.replace('-', '_')}`;
      const { kept } = await loadPostgres(
        database.migrationUrl ?? database.url,
        { file: staged.database, schema: manifest.database.schema ?? 'public' },
        { schema, keep },
        manifest.auditHead,
      );
      if (kept) swap.kept.push(`schema ${keep}`);
    }
    if (dsl.store.kind === 'local') {
      await fs.promises.mkdir(path.dirname(dsl.blobDir), { recursive: true });
      await swap.replace(dsl.blobDir, staged.blobs);
    }
    return swap.kept;
  } catch (error) {
    await swap.undo();
    throw error;
  }
}

/** Migrations as at a start (and the grants), then the restore on the restored trail. */
async function recordRestored(deps: RestoreDeps, ctx: RequestContext, details: Record<string, unknown>) {
  const db = openDatabase(deps.config);
  try {
    await migrateForServer(deps.config, db);
    const audit = createAuditWriter({
      dialect: db.dialect,
      clock: deps.clock,
      algorithm: deps.config.audit.hash,
    });
    await recordStandalone(db, audit, ctx, { action: 'system.restore', entityType: 'system', details });
  } finally {
    await db.destroy();
  }
}
