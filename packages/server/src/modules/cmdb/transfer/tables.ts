import { Readable } from 'node:stream';
import type { Row } from 'exceljs';
import { DomainError } from '@releasegate/domain';
import { unreadableFile } from './import-limits';

/** One sheet of an uploaded file: its name, header and rows, read as a stream. */
export interface Table {
  sheet: string;
  header: string[];
  /** Spreadsheet row numbers (the header is row 1). */
  rows: AsyncIterable<{ number: number; cells: string[] }>;
}

/**
 * The parser's iterator with its failures named: a file it cannot read is the client's 400
 * (the parser's reason given), not a 500; a refusal of ours (a limit) passes through as it is.
 */
function readable<T>(iterator: AsyncIterator<T>, format: 'csv' | 'xlsx'): AsyncIterator<T> {
  return {
    async next() {
      try {
        return await iterator.next();
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw unreadableFile(format, (error as Error).message);
      }
    },
  };
}

/** Reads a CSV file (UTF-8, with or without BOM, comma-separated) as one table. */
export async function* csvTables(source: Readable): AsyncGenerator<Table> {
  // The file libraries are loaded on first use, not at the server's start (docs/performance.md).
  const { parse } = await import('csv-parse');
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  // Piped, with errors passed on by hand: pipeline() would destroy the request on a refusal.
  source.once('error', (error) => parser.destroy(error));
  source.pipe(parser);
  const iterator = readable(parser[Symbol.asyncIterator]() as AsyncIterator<string[]>, 'csv');
  const first = await iterator.next();
  if (first.done) return;
  let number = 1;
  yield {
    sheet: 'csv',
    header: first.value.map((h) => h.trim()),
    rows: {
      async *[Symbol.asyncIterator]() {
        for (let next = await iterator.next(); !next.done; next = await iterator.next())
          yield { number: ++number, cells: next.value };
      },
    },
  };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as {
      text?: unknown;
      result?: unknown;
      richText?: { text: string }[];
      hyperlink?: string;
    };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    return '';
  }
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/**
 * ExcelJS's streaming reader now and then reaches a worksheet with the workbook part not parsed
 * (`Cannot read properties of undefined (reading 'sheets')`) on a valid file it reads the next
 * time: a race inside the library, seen three times in whole-suite runs on a loaded machine and
 * not in 400 reads of the same file alone. A mitigation, not a cure.
 */
const isReaderRace = (error: unknown) => error instanceof Error && /reading 'sheets'/.test(error.message);

/**
 * Reads an XLSX workbook (its bytes, already checked by checkedWorkbook), one table per worksheet.
 * A read that trips on the reader's race before any table came out is done once more.
 */
export async function* xlsxTables(bytes: Buffer): AsyncGenerator<Table> {
  let yielded = false;
  for (let attempt = 1; ; attempt++) {
    try {
      for await (const table of xlsxTablesOnce(Readable.from([bytes]))) {
        yielded = true;
        yield table;
      }
      return;
    } catch (error) {
      // The reader's TypeError arrives as the unreadable-file refusal, its message kept.
      if (yielded || attempt > 1 || !isReaderRace(error)) throw error;
    }
  }
}

async function* xlsxTablesOnce(source: Readable): AsyncGenerator<Table> {
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    styles: 'ignore',
    hyperlinks: 'ignore',
  });
  const sheets = readable(reader[Symbol.asyncIterator](), 'xlsx');
  for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
    const sheet = next.value;
    const iterator = readable(sheet[Symbol.asyncIterator](), 'xlsx');
    let first = await iterator.next();
    while (!first.done && first.value.cellCount === 0) first = await iterator.next();
    if (first.done) continue;
    const toCells = (row: Row) => (row.values as unknown[]).slice(1).map(cellText);
    const header = toCells(first.value);
    yield {
      // The worksheet name is set by the reader when the workbook part came first (as Excel writes it).
      sheet: (sheet as unknown as { name?: string }).name ?? 'sheet',
      header,
      rows: {
        async *[Symbol.asyncIterator]() {
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            const cells = toCells(next.value);
            if (cells.some((c) => c !== '')) yield { number: next.value.number, cells };
          }
        },
      },
    };
  }
}
