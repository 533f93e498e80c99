import { FIELDS } from '@releasegate/messages';
import { createRequire } from 'node:module';
import { Readable, Transform } from 'node:stream';
import { DomainError, refusal } from '@releasegate/domain';

/**
 * CM-5: what one import may hold, so a file cannot exhaust the server. An upload over
 * CMDB_IMPORT_MAX_MB, a workbook whose content unzips to more than CMDB_IMPORT_MAX_UNZIPPED_MB
 * (a 0.66 MB XLSX can inflate to 300 MB: a zip bomb), or a file of more than CMDB_IMPORT_MAX_ROWS
 * rows is refused 413 naming its limit, as soon as it is seen, and nothing is imported.
 */
export interface ImportLimits {
  maxBytes: number;
  maxUnzippedBytes: number;
  maxRows: number;
}

/** More parts than any workbook has (each sheet is two or three); beyond it, a crafted archive. */
const MAX_ZIP_ENTRIES = 10_000;

const mib = (bytes: number) => Math.round(bytes / 1048576);

export function fileTooLarge(limits: ImportLimits): DomainError {
  return refusal(
    'too_large',
    'cmdb_import_file_size',
    { code: 'import_file_too_large', params: { mib: mib(limits.maxBytes), setting: 'CMDB_IMPORT_MAX_MB' } },
    { limit: 'CMDB_IMPORT_MAX_MB', maxBytes: limits.maxBytes },
  );
}

function unzippedTooLarge(limits: ImportLimits): DomainError {
  return refusal(
    'too_large',
    'cmdb_import_unzipped_size',
    {
      code: 'import_unzipped_too_large',
      params: { mib: mib(limits.maxUnzippedBytes), setting: 'CMDB_IMPORT_MAX_UNZIPPED_MB' },
    },
    { limit: 'CMDB_IMPORT_MAX_UNZIPPED_MB', maxBytes: limits.maxUnzippedBytes },
  );
}

export function tooManyRows(limits: ImportLimits): DomainError {
  return refusal(
    'too_large',
    'cmdb_import_rows',
    { code: 'import_too_many_rows', params: { rows: limits.maxRows, setting: 'CMDB_IMPORT_MAX_ROWS' } },
    { limit: 'CMDB_IMPORT_MAX_ROWS', maxRows: limits.maxRows },
  );
}

/** A file neither parser can read: named as such, not a 500. */
export function unreadableFile(format: 'csv' | 'xlsx', reason: string): DomainError {
  return refusal(
    'invalid_input',
    'cmdb_import_file_format',
    { code: format === 'csv' ? 'import_not_csv' : 'import_not_xlsx', params: {} },
    { format, parserSays: reason, fields: { _: [FIELDS.unreadable_file] } },
  );
}

/**
 * The upload's bytes as they arrive, refused past the file size limit. The request is piped,
 * never destroyed: the server reads on what is left so the client receives the refusal.
 */
export function meteredUpload(source: Readable, limits: ImportLimits): Readable {
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limits.maxBytes) {
        source.unpipe(meter);
        return callback(fileTooLarge(limits));
      }
      callback(null, chunk);
    },
  });
  source.once('error', (error) => meter.destroy(error));
  source.pipe(meter);
  return meter;
}

/**
 * A CSV upload checked to be UTF-8 as it streams (a GBK file saved by a Chinese Excel would
 * otherwise be imported as U+FFFD), its bytes passed on unchanged.
 */
export function utf8Checked(source: Readable): Readable {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        return callback(
          unreadableFile('csv', `it is not UTF-8 text (near byte ${offset}); save it as "CSV UTF-8"`),
        );
      }
      offset += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      try {
        decoder.decode();
        callback();
      } catch {
        callback(unreadableFile('csv', 'it ends in the middle of a UTF-8 character'));
      }
    },
  });
  source.once('error', (error) => check.destroy(error));
  return source.pipe(check);
}

/**
 * ExcelJS reads workbooks with unzipper's streaming parser; the check below uses that very module
 * (resolved from ExcelJS, not a copy of our own) so that it sees exactly the entries ExcelJS will.
 */
const unzipper = createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as {
  Parse(options: { forceStream: true }): NodeJS.ReadWriteStream & AsyncIterable<Readable & { path: string }>;
};

/**
 * An XLSX upload, read whole (it is at most CMDB_IMPORT_MAX_MB) and unzipped once without keeping
 * anything, counting: past CMDB_IMPORT_MAX_UNZIPPED_MB, or a crafted number of parts, it is
 * refused before ExcelJS caches a single string or spills a sheet to disk. Then it is handed to
 * ExcelJS's streaming reader, as the bytes (read again if the reader trips, tables.ts).
 */
export async function checkedWorkbook(source: Readable, limits: ImportLimits): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of meteredUpload(source, limits)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const zip = unzipper.Parse({ forceStream: true });
  Readable.from([bytes]).pipe(zip);
  let unzipped = 0;
  let entries = 0;
  // A truncated archive fails on the archive, possibly while parts read before it are still
  // queued, and the part it failed in never ends: the failure is passed to the part being read
  // and stops the walk at the next one, instead of waiting for ever.
  const walk: { failure: Error | null; part: Readable | null } = { failure: null, part: null };
  zip.on('error', (error: Error) => {
    walk.failure = error;
    walk.part?.destroy(error);
  });
  try {
    for await (const entry of zip) {
      if (walk.failure) throw walk.failure;
      walk.part = entry;
      if (++entries > MAX_ZIP_ENTRIES)
        throw unreadableFile('xlsx', `it has more than ${MAX_ZIP_ENTRIES} parts`);
      for await (const chunk of entry) {
        unzipped += (chunk as Buffer).length;
        if (unzipped > limits.maxUnzippedBytes) throw unzippedTooLarge(limits);
      }
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw unreadableFile('xlsx', `it is not a readable ZIP archive (${(error as Error).message})`);
  }
  return bytes;
}
