import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../../test/test-app';

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('cis').addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A zip bomb in a workbook's clothes: a valid workbook whose sheet is followed by `megabytes` of
 * blanks (legal after the root element), deflated to a few kilobytes.
 */
async function bomb(megabytes: number): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await workbook([['type', 'name', 'environment']]));
  const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
  zip.file('xl/worksheets/sheet1.xml', sheet + ' '.repeat(megabytes * 1024 * 1024));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

const csvRows = (n: number) =>
  ['type,name,environment', ...Array.from({ length: n }, (_, i) => `application,app-${i},production`)].join(
    '\n',
  );

describe.each(DIALECTS)('CMDB import limits on %s', (dialect) => {
  let t: TestApp;
  let cfg: HttpClient;
  beforeAll(async () => {
    t = await startTestApp(dialect, {
      CMDB_IMPORT_MAX_MB: '1',
      CMDB_IMPORT_MAX_UNZIPPED_MB: '2',
      CMDB_IMPORT_MAX_ROWS: '10',
    });
    await t.seedUser('cfg', ['configuration_administrator']);
    cfg = new HttpClient(t.url);
    await cfg.login('cfg');
  });
  afterAll(() => t?.close());

  const importFile = (body: Buffer | string, format: 'csv' | 'xlsx') =>
    cfg.upload('POST', `/api/cmdb/import?format=${format}&dryRun=false`, body, `cmdb.${format}`);
  const count = async () => (await cfg.get('/api/cmdb/cis?limit=200')).body.items.length as number;

  it('CM-5 X-4 a workbook that unzips past CMDB_IMPORT_MAX_UNZIPPED_MB (a zip bomb) is refused 413 naming the limit, and nothing is imported', async () => {
    const file = await bomb(20);
    expect(file.length).toBeLessThan(200 * 1024);
    const started = Date.now();
    const r = await importFile(file, 'xlsx');
    expect(r.status, JSON.stringify(r.body)).toBe(413);
    expect(r.body.error).toMatchObject({
      code: 'too_large',
      details: {
        rule: 'CM-5 import unzipped size',
        limit: 'CMDB_IMPORT_MAX_UNZIPPED_MB',
        maxBytes: 2 * 1048576,
      },
    });
    expect(r.body.error.message).toContain('CMDB_IMPORT_MAX_UNZIPPED_MB');
    // Refused as soon as the limit is passed, not after reading all 20 MB.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await count()).toBe(0);
    // Under the limit the same kind of file imports.
    const fine = await importFile(await bomb(1), 'xlsx');
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);
  });

  it('CM-5 a file of more rows than CMDB_IMPORT_MAX_ROWS is refused 413 naming the limit, CSV and XLSX alike, and nothing is imported', async () => {
    for (const [format, file] of [
      ['csv', csvRows(11)],
      [
        'xlsx',
        await workbook(
          csvRows(11)
            .split('\n')
            .map((line) => line.split(',')),
        ),
      ],
    ] as const) {
      const r = await importFile(file, format);
      expect(r.status, `${format} ${JSON.stringify(r.body)}`).toBe(413);
      expect(r.body.error.details).toMatchObject({
        rule: 'CM-5 import rows',
        limit: 'CMDB_IMPORT_MAX_ROWS',
        maxRows: 10,
      });
    }
    expect(await count()).toBe(0);
    const ten = await importFile(csvRows(10), 'csv');
    expect(ten.status, JSON.stringify(ten.body)).toBe(200);
    expect(ten.body).toMatchObject({ applied: true, summary: { create: 10 } });
  });

  it('CM-5 an upload over CMDB_IMPORT_MAX_MB is refused 413 naming the limit, and the client can go on', async () => {
    const big = `type,name,environment,description\n${'server,x,production,"'.padEnd(2 * 1024 * 1024, 'y')}"\n`;
    const r = await importFile(big, 'csv');
    expect(r.status, JSON.stringify(r.body)).toBe(413);
    expect(r.body.error.details).toMatchObject({
      rule: 'CM-5 import file size',
      limit: 'CMDB_IMPORT_MAX_MB',
    });
    const xlsx = await importFile(Buffer.alloc(2 * 1024 * 1024, 1), 'xlsx');
    expect(xlsx.status).toBe(413);
    expect((await cfg.get('/api/auth/session')).status).toBe(200);
  });

  it('CM-5 X-4 a file neither parser can read is a 400 naming the format, a CSV that is not UTF-8 is refused, a NUL or an overlong value is named by row and column', async () => {
    const before = await count();
    for (const [file, format] of [
      [Buffer.from('this is not a workbook'), 'xlsx'],
      [(await workbook([['type', 'name', 'environment']])).subarray(0, 600), 'xlsx'],
      [Buffer.from('type,name\n"server,unterminated\n'), 'csv'],
      // 服务器 in GBK, as a Chinese Excel saves "CSV": not UTF-8.
      [Buffer.from([0x74, 0x79, 0x70, 0x65, 0x0a, 0xb7, 0xfe, 0xce, 0xf1, 0xc6, 0xf7, 0x0a]), 'csv'],
    ] as const) {
      const r = await importFile(file, format);
      expect(r.status, `${format} ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error).toMatchObject({
        code: 'invalid_input',
        details: { rule: 'CM-5 import file format', format },
      });
    }
    const nul = await importFile(
      `type,name,environment,owner\napplication,app\u0000a,production,运维\napplication,app-b,production,${'o'.repeat(101)}\n`,
      'csv',
    );
    expect(nul.status, JSON.stringify(nul.body)).toBe(200);
    expect(nul.body).toMatchObject({ ok: false, applied: false });
    expect(nul.body.errors).toEqual([
      {
        sheet: 'csv',
        row: 2,
        column: 'name',
        reason: 'must not contain the NUL character (U+0000)',
        problem: { code: 'nul_character', params: {} },
      },
      {
        sheet: 'csv',
        row: 3,
        column: 'owner',
        reason: 'at most 100 characters',
        problem: { code: 'text_max', params: { max: 100 } },
      },
    ]);
    expect(await count()).toBe(before);
  });
  it('CM-5 an import sent with an Idempotency-Key, as pipelines send on every POST, is imported, not a 500', async () => {
    const r = await cfg.request('POST', '/api/cmdb/import?format=csv&dryRun=true', csvRows(2), {
      'idempotency-key': 'import-2026-01-05',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ ok: true, summary: { ciRows: 2 } });
  });
});
