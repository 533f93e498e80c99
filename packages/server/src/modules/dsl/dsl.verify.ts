import type { Db } from '../../db/database';
import type { BlobStore } from '../../storage/blob-store';
import { referencedDigests } from './dsl.repository';

export interface DslVerifyReport {
  ok: boolean;
  checked: number;
  /** Stored files whose bytes no longer hash to their name. */
  corrupted: { digest: string; actual: string; versions: string[] }[];
  /** Versions whose content is missing from the store. */
  missing: { digest: string; versions: string[] }[];
  /** Stored files no version refers to (harmless; left by deletions). */
  orphaned: string[];
}

/** DS-3: re-hashes every stored object and checks every version's content is there. */
export async function verifyLibrary(db: Db, blobs: BlobStore): Promise<DslVerifyReport> {
  const refs = new Map<string, string[]>();
  for (const r of await referencedDigests(db.kysely))
    refs.set(r.digest, [...(refs.get(r.digest) ?? []), r.label]);
  const report: DslVerifyReport = { ok: true, checked: 0, corrupted: [], missing: [], orphaned: [] };
  const stored = new Set<string>();
  for await (const digest of blobs.list()) {
    stored.add(digest);
    report.checked++;
    const actual = await blobs.rehash(digest);
    if (actual !== digest)
      report.corrupted.push({ digest, actual: actual ?? 'missing', versions: refs.get(digest) ?? [] });
    if (!refs.has(digest)) report.orphaned.push(digest);
  }
  for (const [digest, versions] of refs) if (!stored.has(digest)) report.missing.push({ digest, versions });
  report.ok = report.corrupted.length === 0 && report.missing.length === 0;
  return report;
}
