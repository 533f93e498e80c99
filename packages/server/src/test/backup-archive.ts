import fs from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';

/**
 * Tests read and rewrite small backup archives whole, in memory, to tamper with them the way an
 * attacker or a bad disk would: the product never does (it streams).
 */
export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

export async function readArchive(file: string): Promise<ArchiveEntry[]> {
  const tar = extract();
  fs.createReadStream(file).pipe(tar);
  const entries: ArchiveEntry[] = [];
  for await (const entry of tar)
    entries.push({ name: entry.header.name, data: await buffer(Readable.from(entry)) });
  return entries;
}

export async function writeArchive(file: string, entries: ArchiveEntry[]): Promise<void> {
  const tar = pack();
  const bytes = buffer(Readable.from(tar)); // read while written: the pack holds little
  for (const e of entries)
    await new Promise<void>((resolve, reject) =>
      tar.entry({ name: e.name }, e.data, (error) => (error ? reject(error) : resolve())),
    );
  tar.finalize();
  await fs.promises.writeFile(file, await bytes);
}

export async function manifestOf(file: string): Promise<any> {
  const manifest = (await readArchive(file)).find((e) => e.name === 'manifest.json');
  return JSON.parse(manifest!.data.toString('utf8'));
}
