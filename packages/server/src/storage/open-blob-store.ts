import type { Config } from '../config';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';

/** Where the configured store keeps content, for operators: a directory or `s3://bucket/prefix`. */
export function blobStoreLocation(dsl: Config['dsl']): string {
  return dsl.store.kind === 's3' ? `s3://${dsl.store.bucket}/${dsl.store.prefix}` : dsl.blobDir;
}

/**
 * DS-3: the blob store the configuration names. The S3 store is imported only when configured:
 * the AWS SDK is a large module graph that the short CLI commands need not load.
 */
export async function openBlobStore(dsl: Config['dsl']): Promise<BlobStore> {
  if (dsl.store.kind === 'local') return new LocalBlobStore(dsl.blobDir);
  const { S3BlobStore } = await import('./s3-blob-store');
  return new S3BlobStore(dsl.store);
}
