import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BlobTooLargeError } from './blob-store';

/**
 * What every blob store does to an upload on its way in: counts and hashes the bytes as they
 * pass, and fails with BlobTooLargeError at the first byte beyond the limit, so a store never
 * holds more than that of a refused upload at any moment.
 */
export class BlobMeter extends Transform {
  /** Not `size`: the S3 uploader takes a body's `size` for its length, known in advance. */
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new BlobTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** The SHA-256 (hex) of everything that passed; once, after the end. */
  digest(): string {
    return this.hash.digest('hex');
  }

  /**
   * Feeds the source in. It is piped, not part of a pipeline: a refusal (too large) must not
   * destroy the request it came from, which would stall its connection; what is left of it is
   * drained by whoever owns it. Returns the call that detaches the source after a failure.
   */
  feedFrom(source: Readable): () => void {
    source.once('error', (error) => this.destroy(error));
    source.pipe(this);
    return () => source.unpipe(this);
  }
}

/** The SHA-256 (hex) of a stream's bytes. */
export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
