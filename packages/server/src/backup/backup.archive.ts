import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';
import type { BackupEntry } from './backup.manifest';

/**
 * Writes a backup archive: a plain tar, streamed entry by entry, each hashed (SHA-256) on its way
 * in, so a blob of any size passes through a small buffer and is read once. The archive is
 * written to `<file>.partial` and renamed into place only when complete and on disk, so an
 * interrupted backup never looks like a finished one.
 */
export class ArchiveWriter {
  private readonly partial: string;
  private readonly written: Promise<void>;

  private constructor(
    private readonly file: string,
    private readonly tar: Pack,
  ) {
    this.partial = `${file}.partial`;
    this.written = pipeline(tar, fs.createWriteStream(this.partial, { flags: 'wx', mode: 0o600 }));
    // Surfaced by finish() or abort(); until then an early failure must not go unhandled.
    this.written.catch(() => undefined);
  }

  /** Starts an archive at `file`; mode 0600, as it holds every record and file of the system. */
  static create(file: string): ArchiveWriter {
    return new ArchiveWriter(file, pack());
  }

  /** Adds an entry of `size` bytes from a stream; fails if the stream yields another length. */
  async add(name: string, size: number, source: Readable): Promise<BackupEntry> {
    const hash = createHash('sha256');
    let written = 0;
    let sink!: ReturnType<Pack['entry']>;
    const entered = new Promise<void>((resolve, reject) => {
      sink = this.tar.entry({ name, size, mode: 0o600, mtime: new Date(0) }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
    try {
      for await (const chunk of source) {
        const bytes = chunk as Buffer;
        written += bytes.length;
        if (written > size) break;
        hash.update(bytes);
        if (!sink.write(bytes)) await once(sink, 'drain');
      }
    } finally {
      source.destroy();
    }
    if (written !== size) {
      const error = new Error(`${name} changed while it was copied (${written} bytes, expected ${size})`);
      sink.destroy(error);
      throw error;
    }
    sink.end(undefined); // streamx's types want an argument; undefined writes nothing more
    await entered;
    return { name, sha256: hash.digest('hex'), size };
  }

  async addFile(name: string, path: string): Promise<BackupEntry> {
    const { size } = await fs.promises.stat(path);
    return this.add(name, size, fs.createReadStream(path));
  }

  /** Adds the last entry (the manifest), closes the tar, flushes it to disk and puts it in place. */
  async finish(lastName: string, bytes: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.tar.entry({ name: lastName, mode: 0o600, mtime: new Date(0) }, bytes, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    this.tar.finalize();
    await this.written;
    const handle = await fs.promises.open(this.partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(this.partial, this.file);
  }

  /** Leaves nothing behind after a failure. */
  async abort(): Promise<void> {
    this.tar.destroy();
    await this.written.catch(() => undefined);
    await fs.promises.rm(this.partial, { force: true });
  }
}
