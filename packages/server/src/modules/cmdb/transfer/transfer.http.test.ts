import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../../test/test-app';

async function xlsx(sheets: Record<string, (string | number | boolean)[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(DIALECTS)('CMDB import and export on %s', (dialect) => {
  let t: TestApp;
  let admin: HttpClient;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.seedUser('cfg', ['configuration_administrator']);
    admin = new HttpClient(t.url);
    await admin.login('cfg');
  });
  afterEach(async () => {
    await t.close();
  });

  const importFile = (body: Buffer | string, query: string) =>
    admin.upload('POST', `/api/cmdb/import?${query}`, body, 'cmdb.xlsx');
  const count = async () => (await admin.get('/api/cmdb/cis?limit=200')).body.items.length as number;

  const goodWorkbook = () =>
    xlsx({
      配置项: [
        ['类型', '名称', '环境', '负责人', '核心', '版本', 'attr.ip', 'attr.engine'],
        ['业务服务', '网上银行', '生产', '业务部', '是', '', '', ''],
        ['application', 'ebank-web', 'production', '开发一组', '否', '3.2.0', '', ''],
        ['database', 'ebank-db', 'production', 'DBA', 'true', '12.4', '', 'PostgreSQL'],
        ['server', 'db-host-01', 'production', '运维一组', 'yes', '', '10.1.1.1', ''],
      ],
      关系: [
        ['源类型', '源环境', '源名称', '关系', '目标类型', '目标环境', '目标名称'],
        ['application', 'production', 'ebank-web', '属于', 'service', 'production', '网上银行'],
        ['application', 'production', 'ebank-web', 'depends_on', 'database', 'production', 'ebank-db'],
        ['database', 'production', 'ebank-db', '运行于', 'server', 'production', 'db-host-01'],
      ],
    });

  it('CM-5 a dry run reports every bad row with row number, column and reason, and imports nothing', async () => {
    const file = await xlsx({
      cis: [
        ['type', 'name', 'environment', 'critical', 'attr.ip', 'attr.cpu', 'colour'],
        ['server', 'srv-a', 'production', 'no', '10.0.0.1', '8', ''],
        ['server', 'srv-b', 'moon', 'no', '', 'eight', ''],
        ['robot', 'r2d2', 'production', 'maybe', '', '', ''],
        ['server', 'srv-a', 'production', 'no', '10.0.0.2', '', ''],
      ],
      relations: [
        [
          'source_type',
          'source_environment',
          'source_name',
          'relation',
          'target_type',
          'target_environment',
          'target_name',
        ],
        ['server', 'production', 'srv-a', 'likes', 'server', 'production', 'ghost'],
      ],
    });
    for (const dryRun of ['true', 'false']) {
      const r = await importFile(file, `format=xlsx&dryRun=${dryRun}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: false, applied: false });
      expect(r.body.errors.map((e: any) => [e.sheet, e.row, e.column])).toEqual([
        ['cis', 1, 'colour'],
        ['cis', 3, 'environment'],
        ['cis', 3, 'attr.ip'],
        ['cis', 3, 'attr.cpu'],
        ['cis', 4, 'type'],
        ['cis', 4, 'critical'],
        ['cis', 5, 'name'],
        ['relations', 2, 'relation'],
        ['relations', 2, 'target_name'],
      ]);
      expect(r.body.errors[1].reason).toMatch(/must be one of: production/);
      expect(r.body.errors[6].reason).toBe('the same server in production is already on row 2');
      expect(r.body.errorCount).toBe(9);
    }
    expect(await count()).toBe(0);
  });

  it('CM-5 CM-4 X-3 a clean XLSX with Chinese headings imports CIs and relations in one go, recorded as an import with its reason as a code', async () => {
    const file = await goodWorkbook();
    const dry = await importFile(file, 'format=xlsx&dryRun=true');
    expect(dry.body).toMatchObject({
      ok: true,
      applied: false,
      summary: { ciRows: 4, relationRows: 3, create: 4, update: 0, relationsCreate: 3 },
    });
    expect(await count()).toBe(0);
    const applied = await importFile(file, 'format=xlsx&dryRun=false');
    expect(applied.body).toMatchObject({ ok: true, applied: true });
    expect(await count()).toBe(4);
    const host = (await admin.get('/api/cmdb/cis?q=db-host')).body.items[0];
    expect(host).toMatchObject({
      type: 'server',
      critical: true,
      owner: '运维一组',
      attributes: { ip: '10.1.1.1' },
    });
    const impact = (await admin.get(`/api/cmdb/cis/${host.id}/impact?depth=5`)).body;
    expect(impact.affected.map((a: any) => a.name)).toEqual(['ebank-db', 'ebank-web', '网上银行']);
    const history = (await admin.get(`/api/cmdb/cis/${host.id}/history`)).body.entries;
    expect(history.at(-1)).toMatchObject({
      change: 'created',
      reasonKind: 'import',
      reason: 'import of cmdb.xlsx',
      // the same reason as a code with its parameters, which readers see in their language.
      systemReason: { code: 'history_import_file', params: { file: 'cmdb.xlsx' } },
    });
    // A person's own reason stays their words, with no code.
    const edited = await admin.patch(`/api/cmdb/cis/${host.id}`, {
      owner: '运维二组',
      revision: host.revision,
      reason: 'import of 交接清单 by hand',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const [latest] = (await admin.get(`/api/cmdb/cis/${host.id}/history`)).body.entries;
    expect(latest).toMatchObject({
      reasonKind: 'manual',
      reason: 'import of 交接清单 by hand',
      systemReason: null,
    });
  });

  it('CM-5 export as XLSX and CSV; the export imports back with nothing to change', async () => {
    await importFile(await goodWorkbook(), 'format=xlsx&dryRun=false');
    const exported = await fetch(`${t.url}/api/cmdb/export?format=xlsx`, {
      headers: { cookie: `rg_session=${admin.cookie('rg_session')}` },
    });
    expect(exported.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = Buffer.from(await exported.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['cis', 'relations']);
    expect(wb.getWorksheet('cis')!.rowCount).toBe(5);
    expect(wb.getWorksheet('relations')!.rowCount).toBe(4);
    const again = await importFile(bytes, 'format=xlsx&dryRun=true');
    expect(again.body).toMatchObject({
      ok: true,
      summary: { create: 0, update: 0, unchanged: 4, relationsCreate: 0, relationsExisting: 3 },
    });

    const csv = await admin.get('/api/cmdb/export?format=csv&kind=cis');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0].startsWith('type,name,environment,owner,critical,version,description,attr.')).toBe(true);
    expect(lines).toHaveLength(5);
    const relCsv = (await admin.get('/api/cmdb/export?format=csv&kind=relations')).body as string;
    const back = await importFile(relCsv, 'format=csv&dryRun=true');
    expect(back.body).toMatchObject({ ok: true, summary: { relationRows: 3, relationsExisting: 3 } });
  });

  it('CM-5 a CSV import updates what changed and keeps the rest', async () => {
    await importFile(await goodWorkbook(), 'format=xlsx&dryRun=false');
    const csv = [
      'type,name,environment,owner,critical,version',
      'application,ebank-web,production,开发一组,false,3.3.0',
      'database,ebank-db,production,DBA,true,12.4',
      'application,new-app,test,x,false,0.1',
    ].join('\n');
    const r = await importFile(`\uFEFF${csv}`, 'format=csv&dryRun=false');
    expect(r.body).toMatchObject({
      ok: true,
      applied: true,
      summary: { create: 1, update: 1, unchanged: 1 },
    });
    const web = (await admin.get('/api/cmdb/cis?q=ebank-web')).body.items[0];
    expect(web.version).toBe('3.3.0');
    // Columns the file does not have (attr.engine, description) keep their values.
    const db = (await admin.get('/api/cmdb/cis?q=ebank-db')).body.items[0];
    expect(db.attributes).toEqual({ engine: 'PostgreSQL' });
  });
});
