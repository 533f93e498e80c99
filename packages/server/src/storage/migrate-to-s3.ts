import fs from 'node:fs';
import { ConfigError, type Config } from '../config';
import { copyBlobs, type CopyBlobsReport } from './copy-blobs';
import { LocalBlobStore } from './local-blob-store';
import { blobStoreLocation } from './open-blob-store';
import { S3BlobStore } from './s3-blob-store';

export interface MigrationReport extends CopyBlobsReport {
  from: string;
  to: string;
}

/**
 * DS-3: moves a node's local store into the configured bucket, reading every object back from
 * the bucket to verify it. The local store is left as it was: the operator removes it once the
 * nodes run on the bucket.
 */
export async function migrateToS3(dsl: Config['dsl'], fromDir: string): Promise<MigrationReport> {
  if (dsl.store.kind !== 's3')
    throw new ConfigError(['BLOB_STORE: migrate-to-s3 copies into the S3 store: set BLOB_STORE=s3 and S3_*']);
  // Not the local store's constructor, which would make the directory it does not find.
  if (!fs.existsSync(`${fromDir}/sha256`))
    throw new Error(`${fromDir} holds no local blob store (no sha256/ directory)`);
  const report = await copyBlobs(new LocalBlobStore(fromDir), new S3BlobStore(dsl.store), { verify: true });
  return { ...report, from: fromDir, to: blobStoreLocation(dsl) };
}
