import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { BlobStore } from '../storage/blob-store';
import {
  DATABASE_ENTRY,
  MANIFEST_ENTRY,
  digestOfBlobEntry,
  type BackupManifest,
  type DatabaseKind,
} from './backup.manifest';

/** A manifest is small beside what it lists (some 150 bytes a blob); beyond this it is not one. */
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;

export interface StagedEntry {
  sha256: string;
  size: number;
}

export interface StagedArchive {
  /** Every entry read, by name, with the SHA-256 and size of the bytes it held. */
  entries: Map<string, StagedEntry>;
  manifestBytes: Buffer | null;
  /** Where the database entry was written, and of which kind; null when there was none. */
  database: { kind: DatabaseKind; file: string } | null;
  /** What made the archive unusable as it was read: unknown names, repeats, a torn tar. */
  problems: string[];
}

export interface StagingPlaces {
  /** The file the database entry is written to (for SQLite: beside the live database). */
  databaseFile: string;
  /** An empty store the blobs are put into; `put` re-hashes each one. */
  blobs: BlobStore;
}

/**
 * Reads a whole backup archive into a staging area, hashing every entry as it is written, and
 * touches nothing else. Names are never used as paths: a blob goes into the staging store under
 * the digest of its own bytes, the database to the one file given, anything else is read and
 * dropped — so an archive naming `../../etc/passwd` writes nothing anywhere.
 */
export async function stageArchive(file: string, places: StagingPlaces): Promise<StagedArchive> {
  const staged: StagedArchive = { entries: new Map(), manifestBytes: null, database: null, problems: [] };
  const tar = extract();
  const input = fs.createReadStream(file);
  input.on('error', (error) => tar.destroy(error));
  input.pipe(tar);
  try {
    for await (const entry of tar) {
      const name = entry.header.name;
      const body = Readable.from(entry);
      if (entry.header.type !== 'file') {
        staged.problems.push(`${name}: a ${entry.header.type} entry; a backup holds files only`);
        body.resume();
      } else if (staged.entries.has(name)) {
        staged.problems.push(`${name}: appears twice`);
        body.resume();
      } else if (staged.manifestBytes) {
        staged.problems.push(`${name}: comes after ${MANIFEST_ENTRY}, which is the last entry`);
        body.resume();
      } else if (name === MANIFEST_ENTRY && entry.header.size > MAX_MANIFEST_BYTES) {
        staged.problems.push(`${name}: ${entry.header.size} bytes, more than a manifest can be`);
        body.resume();
      } else if (name === MANIFEST_ENTRY) {
        staged.manifestBytes = await buffer(body);
      } else {
        const read = await stageEntry(name, body, places, staged);
        if (read) staged.entries.set(name, read);
      }
      // The next entry comes only once this one is consumed (a dropped one is drained above).
      await new Promise<void>((resolve) => (body.readableEnded ? resolve() : body.once('close', resolve)));
    }
  } catch (error) {
    staged.problems.push(
      `${file} is not a complete backup archive: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    input.destroy();
  }
  return staged;
}

async function stageEntry(
  name: string,
  body: Readable,
  places: StagingPlaces,
  staged: StagedArchive,
): Promise<StagedEntry | null> {
  if (digestOfBlobEntry(name) !== null) {
    const stored = await places.blobs.put(body, Number.MAX_SAFE_INTEGER);
    return { sha256: stored.digest, size: stored.size };
  }
  const kind = (Object.keys(DATABASE_ENTRY) as DatabaseKind[]).find((k) => DATABASE_ENTRY[k] === name);
  if (!kind) {
    staged.problems.push(`${name}: not an entry a backup holds`);
    body.resume();
    return null;
  }
  if (staged.database) {
    staged.problems.push(`${name}: a second database`);
    body.resume();
    return null;
  }
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(body, meter, fs.createWriteStream(places.databaseFile, { flags: 'wx', mode: 0o600 }));
  const handle = await fs.promises.open(places.databaseFile, 'r');
  await handle.sync();
  await handle.close();
  staged.database = { kind, file: places.databaseFile };
  return { sha256: hash.digest('hex'), size };
}

/**
 * Compares what was read with what the (already verified) manifest lists: every entry present
 * with its digest and size, nothing more, the database of the manifest's kind. Each problem
 * names its entry.
 */
export function compareWithManifest(staged: StagedArchive, manifest: BackupManifest): string[] {
  const problems: string[] = [];
  const listed = new Map(manifest.entries.map((e) => [e.name, e]));
  // A blob whose manifest digest is not its name was already corrupt when backed up, and the
  // signed manifest says so: the restore leaves it out (restore.service.ts); it refuses nothing.
  for (const expected of manifest.entries) {
    const found = staged.entries.get(expected.name);
    if (!found) problems.push(`${expected.name}: missing from the archive`);
    else if (found.sha256 !== expected.sha256)
      problems.push(
        `${expected.name}: SHA-256 ${found.sha256} does not match the manifest's ${expected.sha256}`,
      );
    else if (found.size !== expected.size)
      problems.push(`${expected.name}: ${found.size} bytes, the manifest says ${expected.size}`);
  }
  for (const name of staged.entries.keys())
    if (!listed.has(name)) problems.push(`${name}: not in the manifest`);
  if (manifest.database.entry !== DATABASE_ENTRY[manifest.database.kind])
    problems.push(
      `${MANIFEST_ENTRY}: names ${manifest.database.entry} as its ${manifest.database.kind} database`,
    );
  else if (!listed.has(manifest.database.entry))
    problems.push(`${MANIFEST_ENTRY}: does not list its database ${manifest.database.entry}`);
  const blobs = manifest.entries.filter((e) => digestOfBlobEntry(e.name));
  if (blobs.length !== manifest.counts.blobs)
    problems.push(`${MANIFEST_ENTRY}: counts ${manifest.counts.blobs} blobs but lists ${blobs.length}`);
  return problems;
}
