import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startS3Server, type S3Server } from '../test/s3-server';
import { BlobTooLargeError } from './blob-store';
import { S3BlobStore } from './s3-blob-store';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const MiB = 1024 * 1024;

/** A stream of the bytes in chunks, as an upload arrives. */
const chunked = (bytes: Buffer, size = 64 * 1024) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );

describe('S3-compatible blob store', () => {
  let s3: S3Server;
  let bucket: string;
  let store: S3BlobStore;

  /** Every key in the bucket, content and temporary alike. */
  const keys = async () =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.close();
  });
  beforeEach(async () => {
    bucket = await s3.newBucket();
    const { store: settings } = loadConfig(s3.env(bucket, 'rg/prod')).dsl;
    if (settings.kind !== 's3') throw new Error('not configured for S3');
    store = new S3BlobStore(settings);
  });

  it('DS-3 put, open, has, size, list, rehash and remove, content-addressed under the prefix', async () => {
    const small = Buffer.from('billing-2.1.0.tar.gz 内容');
    // More than one part (5 MiB each): the multipart upload, then the copy of the whole.
    const large = randomBytes(11 * MiB + 17);
    const a = await store.put(chunked(small), 100 * MiB);
    const b = await store.put(chunked(large), 100 * MiB);
    expect(a).toEqual({ digest: sha256(small), size: small.length });
    expect(b).toEqual({ digest: sha256(large), size: large.length });
    expect((await keys()).sort()).toEqual(
      [`rg/prod/sha256/${a.digest}`, `rg/prod/sha256/${b.digest}`].sort(),
    );

    expect(await buffer(store.open(a.digest))).toEqual(small);
    expect(sha256(await buffer(store.open(b.digest)))).toBe(b.digest);
    expect(await store.has(a.digest)).toBe(true);
    expect(await store.size(b.digest)).toBe(large.length);
    const absent = sha256(Buffer.from('never stored'));
    expect(await store.has(absent)).toBe(false);
    expect(await store.size(absent)).toBeNull();
    expect(await store.rehash(absent)).toBeNull();
    await expect(buffer(store.open(absent))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await store.rehash(b.digest)).toBe(b.digest);

    // The same bytes again (two nodes at once, say): one object.
    const again = await Promise.all([store.put(chunked(small), MiB), store.put(chunked(small), MiB)]);
    expect(again).toEqual([a, a]);
    const listed: string[] = [];
    for await (const d of store.list()) listed.push(d);
    expect(listed).toEqual([a.digest, b.digest].sort());

    await store.remove(a.digest);
    await store.remove(a.digest); // removing what is gone is no error
    expect(await store.has(a.digest)).toBe(false);
    expect(await keys()).toEqual([`rg/prod/sha256/${b.digest}`]);
    expect(() => store.keyOf('../../etc/passwd')).toThrow(/not a SHA-256 digest/);
  });

  it('DS-3 lists past one page of ListObjectsV2 (1000 keys)', async () => {
    const digests = await Promise.all(
      Array.from({ length: 1003 }, async (_, i) => {
        const bytes = Buffer.from(`object ${i}`);
        await s3.client.send(
          new PutObjectCommand({ Bucket: bucket, Key: `rg/prod/sha256/${sha256(bytes)}`, Body: bytes }),
        );
        return sha256(bytes);
      }),
    );
    const listed: string[] = [];
    for await (const d of store.list()) listed.push(d);
    expect(listed).toEqual(digests.sort());
  });

  it('DS-3 an upload over the limit is refused and leaves nothing behind, no temporary object either', async () => {
    const source = chunked(randomBytes(12 * MiB));
    await expect(store.put(source, 6 * MiB)).rejects.toBeInstanceOf(BlobTooLargeError);
    await expect(store.put(chunked(randomBytes(1000)), 999)).rejects.toThrow(
      'larger than the limit of 999 bytes',
    );
    // No object, temporary or not. (The parts of the aborted multipart upload are not objects;
    // s3rver cannot abort one, real services do, and a lifecycle rule removes what is left.)
    expect(await keys()).toEqual([]);
    // The refusal does not destroy the source (an HTTP request whose rest is drained).
    expect(source.destroyed).toBe(false);
  });

  it('DS-3 no object ever appears under a digest its bytes do not have', async () => {
    // An upload that breaks off half-way: nothing under any content key, nothing temporary.
    const bytes = randomBytes(7 * MiB);
    const broken = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 6 * MiB);
        throw new Error('connection reset by the client');
      })(),
    );
    await expect(store.put(broken, 100 * MiB)).rejects.toThrow('connection reset by the client');
    expect(await keys()).toEqual([]);

    // An object changed behind the store's back is found by re-hashing, never trusted by name.
    const stored = await store.put(chunked(Buffer.from('approved master')), MiB);
    const other = Buffer.from('replaced in the bucket');
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(stored.digest), Body: other }),
    );
    expect(await store.rehash(stored.digest)).toBe(sha256(other));
    // Storing the true bytes again does not trust the changed object either: it is not rewritten
    // (content-addressed stores never overwrite), and the re-hash keeps telling.
    expect((await store.put(chunked(Buffer.from('approved master')), MiB)).digest).toBe(stored.digest);
    expect(await store.rehash(stored.digest)).toBe(sha256(other));
    const temporary: string[] = [];
    for await (const key of store.listTemporary()) temporary.push(key);
    expect(temporary).toEqual([]);
  });
});
