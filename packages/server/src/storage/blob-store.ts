import type { Readable } from 'node:stream';

export interface StoredBlob {
  digest: string;
  size: number;
}

/**
 * Content-addressed storage: a blob's name is the SHA-256 of its bytes. Implemented by a local
 * directory (local-blob-store.ts) and an S3-compatible bucket (s3-blob-store.ts), chosen by
 * BLOB_STORE (open-blob-store.ts).
 */
export interface BlobStore {
  /** Streams the source in while hashing it; refuses beyond maxBytes and then leaves nothing behind. */
  put(source: Readable, maxBytes: number): Promise<StoredBlob>;
  has(digest: string): Promise<boolean>;
  size(digest: string): Promise<number | null>;
  open(digest: string): Readable;
  /** Removes a blob (only for blobs no record refers to). */
  remove(digest: string): Promise<void>;
  /** Every stored digest. */
  list(): AsyncIterable<string>;
  /** Re-hashes a stored blob: the digest its bytes have now (null when missing). */
  rehash(digest: string): Promise<string | null>;
  /** Releases what the store holds open (the S3 client's sockets) when the server stops. */
  close?(): void;
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export const isSha256Hex = (value: string) => /^[0-9a-f]{64}$/.test(value);
