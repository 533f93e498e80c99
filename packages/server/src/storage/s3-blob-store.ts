import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from '../config.storage';
import { S3_MAX_OBJECT_MB } from '../config.storage';
import { BlobMeter, sha256Of } from './blob-meter';
import { isSha256Hex, type BlobStore, type StoredBlob } from './blob-store';

/** The largest blob: what one CopyObject request copies from the temporary key. */
const MAX_OBJECT_BYTES = S3_MAX_OBJECT_MB * 1024 * 1024;

/**
 * DS-3: blobs in an S3-compatible bucket (AWS, MinIO, Ceph RGW, Aliyun OSS, Tencent COS, Huawei
 * OBS) under `<prefix>sha256/<digest>`, shared by every node. An upload is streamed to
 * `<prefix>tmp/<uuid>` while hashed, and copied to its content key only once its digest is known
 * and the whole upload stored, then the temporary object is deleted: no object is ever visible
 * under a digest its bytes do not have, and a refused or failed upload leaves nothing behind
 * (decision 0025). A crash between the two leaves a `tmp/` object that a lifecycle rule expires.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.prefix = settings.prefix;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // A copy: the configuration is frozen, and the SDK marks the credentials it is given.
      credentials: settings.credentials && { ...settings.credentials },
      // The SDK's default since 2025 adds CRC32 checksums (aws-chunked bodies, trailers) that
      // Ceph, MinIO releases before then, OSS, COS and OBS do not all understand. Integrity comes
      // from our own SHA-256 of every byte, so checksums only where the API requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Where the content of a digest is kept. */
  keyOf(digest: string): string {
    if (!isSha256Hex(digest)) throw new Error(`not a SHA-256 digest: ${digest}`);
    return `${this.prefix}sha256/${digest}`;
  }

  /** Where uploads wait until their digest is known (for a lifecycle rule). */
  get temporaryPrefix(): string {
    return `${this.prefix}tmp/`;
  }

  async put(source: Readable, maxBytes: number): Promise<StoredBlob> {
    const temp = `${this.temporaryPrefix}${randomUUID()}`;
    const meter = new BlobMeter(Math.min(maxBytes, MAX_OBJECT_BYTES));
    const detach = meter.feedFrom(source);
    // Parts are sent as they fill (at most queueSize × partSize bytes held); a failure aborts the
    // multipart upload, so its parts are not kept either.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: temp, Body: meter },
    });
    try {
      await upload.done();
      const digest = meter.digest();
      // Content-addressed: an object already under the digest holds these very bytes.
      if ((await this.size(digest)) === null)
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.keyOf(digest),
            CopySource: `${this.bucket}/${temp}`.split('/').map(encodeURIComponent).join('/'),
          }),
        );
      return { digest, size: meter.bytes };
    } catch (error) {
      detach();
      // Why the upload failed (too large, the source broke off) comes first: the uploader's
      // abort of the multipart upload that may fail after it must not hide it.
      throw meter.errored ?? error;
    } finally {
      // Best effort: a failed delete must not turn a stored blob into a failed upload, nor hide
      // why an upload failed; what it leaves under tmp/ holds no content key, and expires.
      await this.client
        .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temp }))
        .catch(() => undefined);
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== null;
  }

  async size(digest: string): Promise<number | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(digest) }),
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  open(digest: string): Readable {
    const { client, bucket } = this;
    const key = this.keyOf(digest);
    // The interface hands out a stream at once; the request is made when it is first read, and a
    // missing object is an error of the stream, as a missing file is for the local store.
    return Readable.from(
      (async function* () {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        yield* object.Body as Readable;
      })(),
      { objectMode: false },
    );
  }

  async remove(digest: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(digest) }));
  }

  async *list(): AsyncIterable<string> {
    const prefix = `${this.prefix}sha256/`;
    // Listed in key order, a page (at most 1000 keys) at a time, as the local store lists.
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: prefix },
    )) {
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(prefix.length) ?? '';
        if (isSha256Hex(name)) yield name;
      }
    }
  }

  async rehash(digest: string): Promise<string | null> {
    try {
      return await sha256Of(this.open(digest));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Every temporary object (uploads under way, or left by a crash); for tests and operators. */
  async *listTemporary(): AsyncIterable<string> {
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.temporaryPrefix },
    ))
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
  }

  close(): void {
    this.client.destroy();
  }
}

/** HeadObject answers a bare 404 (NotFound), GetObject an S3 error (NoSuchKey). */
function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
