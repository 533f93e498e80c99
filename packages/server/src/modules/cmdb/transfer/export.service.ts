import { PassThrough, Readable } from 'node:stream';
import type { RequestContext } from '../../../context';
import { authorize } from '../../../authorize';
import { recordStandalone } from '../../audit';
import type { CmdbDeps } from '../cmdb.deps';
import * as repo from '../cmdb.repository';
import { ATTRIBUTE_PREFIX, CI_COLUMNS, RELATION_COLUMNS } from './columns';

async function ciColumns(deps: CmdbDeps): Promise<{ header: string[]; attributeKeys: string[] }> {
  const keys = new Set<string>();
  for (const t of await repo.listTypes(deps.db.kysely)) for (const f of t.fields) keys.add(f.key);
  const attributeKeys = [...keys].sort();
  return {
    header: [...Object.keys(CI_COLUMNS), ...attributeKeys.map((k) => ATTRIBUTE_PREFIX + k)],
    attributeKeys,
  };
}

function ciRow(ci: repo.Ci, attributeKeys: string[]): (string | number | boolean)[] {
  const attr = (k: string) => {
    const v = ci.attributes[k];
    return v === undefined || v === null
      ? ''
      : typeof v === 'object'
        ? JSON.stringify(v)
        : (v as string | number | boolean);
  };
  return [
    ci.type,
    ci.name,
    ci.environment,
    ci.owner ?? '',
    ci.critical,
    ci.version ?? '',
    ci.description ?? '',
    ...attributeKeys.map(attr),
  ];
}

const relationRow = (r: repo.RelationWithEnds) => [
  r.source.type,
  r.source.environment,
  r.source.name,
  r.type,
  r.target.type,
  r.target.environment,
  r.target.name,
];

/**
 * CM-5: the CMDB as CSV (one kind per file, UTF-8 with BOM for Excel) or XLSX (a sheet of CIs and a
 * sheet of relations), streamed page by page. The files import back unchanged.
 */
export async function exportCmdb(
  deps: CmdbDeps,
  ctx: RequestContext,
  format: 'csv' | 'xlsx',
  kind: 'cis' | 'relations',
): Promise<Readable> {
  authorize(ctx, 'cmdb.read');
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'cmdb.export',
    entityType: 'cmdb',
    details: { format, kind: format === 'xlsx' ? 'all' : kind },
  });
  const { header, attributeKeys } = await ciColumns(deps);
  // The file libraries are loaded on first use, not at the server's start (docs/performance.md).
  if (format === 'csv') {
    const { stringify } = await import('csv-stringify');
    const csv = stringify({ bom: true });
    const rows = async function* () {
      if (kind === 'cis') {
        yield header;
        for await (const ci of repo.iterateCis(deps.db.kysely)) yield ciRow(ci, attributeKeys);
      } else {
        yield Object.keys(RELATION_COLUMNS);
        for await (const r of repo.iterateRelationsWithEnds(deps.db.kysely)) yield relationRow(r);
      }
    };
    return Readable.from(rows()).pipe(csv);
  }
  const { default: ExcelJS } = await import('exceljs');
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  void (async () => {
    const cis = workbook.addWorksheet('cis');
    cis.addRow(header).commit();
    for await (const ci of repo.iterateCis(deps.db.kysely)) cis.addRow(ciRow(ci, attributeKeys)).commit();
    cis.commit();
    const relations = workbook.addWorksheet('relations');
    relations.addRow(Object.keys(RELATION_COLUMNS)).commit();
    for await (const r of repo.iterateRelationsWithEnds(deps.db.kysely))
      relations.addRow(relationRow(r)).commit();
    relations.commit();
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}
