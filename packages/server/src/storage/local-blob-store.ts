import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobTooLargeError, isSha256Hex, type BlobStore, type StoredBlob } from './blob-store';

/**
 * Blobs under `<dir>/sha256/<first two hex digits>/<digest>`. Uploads go to `<dir>/tmp` first and
 * are renamed into place only when complete and hashed, so a failed or refused upload never
 * leaves a partial object where a reader could find it.
 */
export class LocalBlobStore implements BlobStore {
  private readonly objects: string;
  private readonly tmp: string;

  constructor(dir: string) {
    this.objects = path.join(dir, 'sha256');
    this.tmp = path.join(dir, 'tmp');
    fs.mkdirSync(this.objects, { recursive: true });
    fs.mkdirSync(this.tmp, { recursive: true });
  }

  pathOf(digest: string): string {
    if (!isSha256Hex(digest)) throw new Error(`not a SHA-256 digest: ${digest}`);
    return path.join(this.objects, digest.slice(0, 2), digest);
  }

  async put(source: Readable, maxBytes: number): Promise<StoredBlob> {
    const temp = path.join(this.tmp, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // The source is piped, not part of the pipeline: a refusal (too large) must not destroy the
    // request it came from, which would stall its connection; what is left of it is drained.
    const stored = pipeline(meter, fs.createWriteStream(temp, { flags: 'wx' }));
    source.once('error', (error) => meter.destroy(error));
    source.pipe(meter);
    try {
      await stored;
      const digest = hash.digest('hex');
      const target = this.pathOf(digest);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      if (fs.existsSync(target)) await fs.promises.rm(temp);
      else {
        const handle = await fs.promises.open(temp, 'r');
        await handle.sync();
        await handle.close();
        await fs.promises.rename(temp, target);
      }
      return { digest, size };
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      source.unpipe(meter);
      throw error;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== null;
  }

  async size(digest: string): Promise<number | null> {
    try {
      return (await fs.promises.stat(this.pathOf(digest))).size;
    } catch {
      return null;
    }
  }

  open(digest: string): Readable {
    return fs.createReadStream(this.pathOf(digest));
  }

  async remove(digest: string): Promise<void> {
    await fs.promises.rm(this.pathOf(digest), { force: true });
  }

  async *list(): AsyncIterable<string> {
    for (const prefix of (await fs.promises.readdir(this.objects)).sort()) {
      for (const name of (await fs.promises.readdir(path.join(this.objects, prefix))).sort())
        if (isSha256Hex(name)) yield name;
    }
  }

  async rehash(digest: string): Promise<string | null> {
    if (!(await this.has(digest))) return null;
    const hash = createHash('sha256');
    for await (const chunk of this.open(digest)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}
