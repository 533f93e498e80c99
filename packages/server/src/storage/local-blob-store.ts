import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobMeter, sha256Of } from './blob-meter';
import { isSha256Hex, type BlobStore, type StoredBlob } from './blob-store';

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
    const meter = new BlobMeter(maxBytes);
    const stored = pipeline(meter, fs.createWriteStream(temp, { flags: 'wx' }));
    const detach = meter.feedFrom(source);
    try {
      await stored;
      const digest = meter.digest();
      const target = this.pathOf(digest);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      if (fs.existsSync(target)) await fs.promises.rm(temp);
      else {
        const handle = await fs.promises.open(temp, 'r');
        await handle.sync();
        await handle.close();
        await fs.promises.rename(temp, target);
      }
      return { digest, size: meter.bytes };
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      detach();
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
    return sha256Of(this.open(digest));
  }
}
