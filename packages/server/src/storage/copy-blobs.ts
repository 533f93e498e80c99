import type { BlobStore } from './blob-store';

export interface CopyBlobsReport {
  /** Blobs the source listed. */
  listed: number;
  /** Written to the target by this run. */
  copied: number;
  /** Already in the target (with their size, and their digest when verified): left as they were. */
  present: number;
  /** Blobs whose bytes in the target were re-read and hash to their name. */
  verified: number;
  /** Source blobs whose bytes no longer hash to their name: not copied under it. */
  corrupted: string[];
  /** Copied, yet the target's bytes do not hash to the name when read back. */
  failed: string[];
}

/**
 * DS-3: copies every blob of one store into another — a local store into a bucket, or a restore's
 * staging store into the configured one. Idempotent: what the target already holds is not copied
 * again, so an interrupted run is simply run again. Nothing is trusted by name: the target's
 * `put` hashes what it receives, so a corrupted source blob lands (if at all) under the digest of
 * its bytes, never under its old name; with `verify`, every blob is read back from the target and
 * re-hashed, and one found wrong there is replaced.
 */
export async function copyBlobs(
  from: BlobStore,
  to: BlobStore,
  options: { verify: boolean },
): Promise<CopyBlobsReport> {
  const report: CopyBlobsReport = {
    listed: 0,
    copied: 0,
    present: 0,
    verified: 0,
    corrupted: [],
    failed: [],
  };
  for await (const digest of from.list()) {
    report.listed++;
    const size = await from.size(digest);
    if (size === null) continue; // removed since it was listed: no record cites it any more
    const there = await to.size(digest);
    if (there === size && (!options.verify || (await to.rehash(digest)) === digest)) {
      report.present++;
      if (options.verify) report.verified++;
      continue;
    }
    // Content-addressed stores never overwrite: a wrong object under the name goes first.
    if (there !== null) await to.remove(digest);
    const stored = await to.put(from.open(digest), Number.MAX_SAFE_INTEGER);
    if (stored.digest !== digest) {
      report.corrupted.push(digest);
      continue;
    }
    report.copied++;
    if (!options.verify) continue;
    if ((await to.rehash(digest)) === digest) report.verified++;
    else report.failed.push(digest);
  }
  return report;
}
