import type { Readable } from 'node:stream';
import {
  coerceAttribute,
  isEnvironment,
  isRelationType,
  validateAttributes,
  ENVIRONMENTS,
  RELATION_TYPES,
} from '@releasegate/domain';
import type { RequestContext } from '../../../context';
import { authorize } from '../../../authorize';
import type { CmdbDeps } from '../cmdb.deps';
import * as repo from '../cmdb.repository';
import { addRelationIn, createCiIn, updateCiIn, type CiInput } from '../ci.service';
import {
  CI_COLUMNS,
  RELATION_COLUMNS,
  criticalOf,
  environmentOf,
  isRelationsHeader,
  mapHeader,
  relationOf,
  typeOf,
} from './columns';
import { csvTables, xlsxTables } from './tables';
import { checkedWorkbook, meteredUpload, tooManyRows, utf8Checked, type ImportLimits } from './import-limits';
import { TEXT_PROBLEMS, textProblem } from '../../../http/text-input';
import { fieldProblem, renderField, type FieldProblem } from '@releasegate/messages';

export interface ImportProblem {
  sheet: string;
  row: number;
  column: string;
  /** The problem in English; `problem` is the same as a code. */
  reason: string;
  problem: FieldProblem;
}

export interface ImportReport {
  dryRun: boolean;
  applied: boolean;
  ok: boolean;
  errorCount: number;
  /** The first problems (at most MAX_LISTED), each with row number, column and reason. */
  errors: ImportProblem[];
  summary: {
    ciRows: number;
    relationRows: number;
    create: number;
    update: number;
    unchanged: number;
    relationsCreate: number;
    relationsExisting: number;
  };
}

const MAX_LISTED = 500;

/** The longest owner, version and description a CI takes, as its form's schema says. */
const TEXT_COLUMN_LIMITS = [
  ['owner', 100],
  ['version', 100],
  ['description', 4000],
] as const;

interface CiRow {
  sheet: string;
  row: number;
  input: CiInput;
  /** Columns the row's sheet has: for an existing CI, what the file does not mention stays as it is. */
  present: Set<string>;
}
interface RelationRow {
  sheet: string;
  row: number;
  source: string;
  target: string;
  type: string;
}

const naturalKey = (type: string, environment: string, name: string) =>
  `${type}\u0000${environment}\u0000${name}`;

/**
 * CM-5: imports CIs and relations from CSV or XLSX. Every row is checked first; a file with any
 * bad row imports nothing and the report names each problem (row, column, reason). A dry run only
 * reports. A clean file is applied in one transaction, every change recorded with origin "import".
 */
export async function importCmdb(
  deps: CmdbDeps,
  ctx: RequestContext,
  source: Readable,
  options: {
    format: 'csv' | 'xlsx';
    kind?: 'cis' | 'relations';
    dryRun: boolean;
    fileName?: string | null;
    limits: ImportLimits;
  },
): Promise<ImportReport> {
  authorize(ctx, 'cmdb.write');
  const types = await repo.listTypes(deps.db.kysely);
  const typeByKey = new Map(types.map((t) => [t.key, t]));
  const problems: ImportProblem[] = [];
  let errorCount = 0;
  const problem = (p: Omit<ImportProblem, 'reason'>) => {
    errorCount++;
    if (problems.length < MAX_LISTED) problems.push({ ...p, reason: renderField('en', p.problem) });
  };
  const ciRows: CiRow[] = [];
  const relationRows: { sheet: string; row: number; cells: Record<string, string> }[] = [];
  const seen = new Map<string, number>();

  const { limits } = options;
  const tables =
    options.format === 'csv'
      ? csvTables(utf8Checked(meteredUpload(source, limits)))
      : xlsxTables(await checkedWorkbook(source, limits));
  let rowCount = 0;
  for await (const table of tables) {
    for (const [i, name] of table.header.entries()) {
      const bad = textProblem(name);
      if (bad)
        problem({
          sheet: table.sheet,
          row: 1,
          column: `column ${i + 1}`,
          problem: fieldProblem(TEXT_PROBLEMS[bad]),
        });
    }
    const relations =
      options.kind === 'relations' || (options.kind === undefined && isRelationsHeader(table.header));
    const columns = relations ? RELATION_COLUMNS : CI_COLUMNS;
    const { index, attributes, unknown } = mapHeader(
      table.header,
      columns as Record<string, readonly string[]>,
      !relations,
    );
    for (const u of unknown)
      problem({
        sheet: table.sheet,
        row: 1,
        column: u,
        problem: fieldProblem(relations ? 'import_unknown_column' : 'import_unknown_column_or_attribute', {
          columns: Object.keys(columns),
        }),
      });
    const required = relations ? Object.keys(RELATION_COLUMNS) : ['type', 'name', 'environment'];
    const missing = required.filter((k) => !index.has(k));
    for (const m of missing)
      problem({ sheet: table.sheet, row: 1, column: m, problem: fieldProblem('import_column_missing') });
    const cell = (cells: string[], key: string) => {
      const i = index.get(key);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    for await (const { number, cells } of table.rows) {
      // Counted as read: a file over the limit is refused before the rest of it is.
      if (++rowCount > limits.maxRows) throw tooManyRows(limits);
      if (missing.length > 0) continue;
      const at = (column: string, why: FieldProblem) =>
        problem({ sheet: table.sheet, row: number, column, problem: why });
      // a cell with a NUL (a CSV may carry one) is named like any bad cell, never stored.
      const badCells = cells.flatMap((value, i) => {
        const bad = textProblem(value);
        return bad ? [[table.header[i] || `column ${i + 1}`, fieldProblem(TEXT_PROBLEMS[bad])] as const] : [];
      });
      if (badCells.length > 0) {
        for (const [column, reason] of badCells) at(column, reason);
        continue;
      }
      if (relations) {
        relationRows.push({
          sheet: table.sheet,
          row: number,
          cells: Object.fromEntries(Object.keys(RELATION_COLUMNS).map((k) => [k, cell(cells, k)])),
        });
        continue;
      }
      const typeKey = typeOf(cell(cells, 'type'), types);
      const name = cell(cells, 'name');
      const environment = environmentOf(cell(cells, 'environment'));
      const type = typeByKey.get(typeKey);
      let bad = false;
      const fail = (column: string, why: FieldProblem) => {
        bad = true;
        at(column, why);
      };
      if (!typeKey) fail('type', fieldProblem('required'));
      else if (!type)
        fail('type', fieldProblem('import_unknown_type', { type: typeKey, known: types.map((t) => t.key) }));
      if (!name) fail('name', fieldProblem('required'));
      else if (name.length > 200) fail('name', fieldProblem('text_max', { max: 200 }));
      if (!environment) fail('environment', fieldProblem('required'));
      else if (!isEnvironment(environment))
        fail('environment', fieldProblem('environment_one_of', { values: ENVIRONMENTS }));
      const critical = criticalOf(cell(cells, 'critical'));
      if (critical === null) fail('critical', fieldProblem('import_boolean'));
      // The same lengths as a CI entered by hand (cmdb.schemas.ts).
      for (const [column, max] of TEXT_COLUMN_LIMITS)
        if (cell(cells, column).length > max) fail(column, fieldProblem('text_max', { max }));
      const attrs: Record<string, unknown> = {};
      if (type) {
        for (const [key, i] of attributes) {
          const field = type.fields.find((f) => f.key === key);
          const raw = (cells[i] ?? '').trim();
          if (!field) {
            if (raw !== '')
              fail(`attr.${key}`, fieldProblem('import_no_attribute', { type: type.key, attribute: key }));
            continue;
          }
          const value = coerceAttribute(field, raw);
          if (value !== undefined) attrs[key] = value;
        }
        // A good row's attributes are checked once merged with the CI they update (below); a bad
        // row is reported in full now.
        if (bad) for (const p of validateAttributes(type.fields, attrs)) at(`attr.${p.field}`, p.problem);
      }
      if (typeKey && name && environment) {
        const key = naturalKey(typeKey, environment, name);
        const first = seen.get(key);
        if (first !== undefined)
          fail('name', fieldProblem('import_duplicate_ci', { type: typeKey, environment, row: first }));
        else seen.set(key, number);
      }
      if (!bad) {
        ciRows.push({
          sheet: table.sheet,
          row: number,
          input: {
            type: typeKey,
            name,
            environment,
            owner: cell(cells, 'owner') || null,
            critical: critical ?? false,
            version: cell(cells, 'version') || null,
            description: cell(cells, 'description') || null,
            attributes: attrs,
          },
          present: new Set([...index.keys(), ...[...attributes.keys()].map((k) => `attr.${k}`)]),
        });
      }
    }
  }

  // Relations may point at CIs of the same file or already in the CMDB.
  const inFile = new Set(ciRows.map((r) => naturalKey(r.input.type, r.input.environment, r.input.name)));
  const existing = new Map<string, repo.Ci | null>();
  const lookup = async (type: string, environment: string, name: string) => {
    const key = naturalKey(type, environment, name);
    if (!existing.has(key))
      existing.set(
        key,
        (await repo.findActiveCiByNaturalKey(deps.db.kysely, type, environment, name)) ?? null,
      );
    return existing.get(key) ?? null;
  };
  const resolvedRelations: RelationRow[] = [];
  const relationSeen = new Set<string>();
  for (const r of relationRows) {
    const c = r.cells;
    const at = (column: string, why: FieldProblem) =>
      problem({ sheet: r.sheet, row: r.row, column, problem: why });
    const type = relationOf(c.relation);
    let bad = false;
    if (!isRelationType(type)) {
      bad = true;
      at('relation', fieldProblem('relation_one_of', { values: RELATION_TYPES }));
    }
    const ends: string[] = [];
    for (const side of ['source', 'target'] as const) {
      const t = typeOf(c[`${side}_type`], types);
      const env = environmentOf(c[`${side}_environment`]);
      const name = c[`${side}_name`];
      if (!t || !env || !name) {
        bad = true;
        at(
          `${side}_name`,
          fieldProblem(side === 'source' ? 'import_source_required' : 'import_target_required'),
        );
        continue;
      }
      const key = naturalKey(t, env, name);
      if (!inFile.has(key) && !(await lookup(t, env, name))) {
        bad = true;
        at(`${side}_name`, fieldProblem('import_no_such_ci', { type: t, name, environment: env }));
      }
      ends.push(key);
    }
    if (!bad && ends[0] === ends[1]) {
      bad = true;
      at('target_name', fieldProblem('import_self_relation'));
    }
    if (!bad) {
      const key = `${ends[0]}\u0001${type}\u0001${ends[1]}`;
      if (relationSeen.has(key)) at('relation', fieldProblem('import_duplicate_relation'));
      else {
        relationSeen.add(key);
        resolvedRelations.push({ sheet: r.sheet, row: r.row, source: ends[0], target: ends[1], type });
      }
    }
  }

  // What a clean import would do.
  const summary: ImportReport['summary'] = {
    ciRows: ciRows.length,
    relationRows: relationRows.length,
    create: 0,
    update: 0,
    unchanged: 0,
    relationsCreate: 0,
    relationsExisting: 0,
  };
  const plan: { row: CiRow; current: repo.Ci | null }[] = [];
  for (const row of ciRows) {
    const current = await lookup(row.input.type, row.input.environment, row.input.name);
    const input = current ? mergeWithCurrent(row, current) : row.input;
    const type = typeByKey.get(input.type)!;
    for (const p of validateAttributes(type.fields, input.attributes ?? {}))
      problem({ sheet: row.sheet, row: row.row, column: `attr.${p.field}`, problem: p.problem });
    plan.push({ row: { ...row, input }, current });
    if (!current) summary.create++;
    else if (sameCi(current, input)) summary.unchanged++;
    else summary.update++;
  }
  problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : 0));
  for (const r of resolvedRelations) {
    const [s, t] = [existing.get(r.source), existing.get(r.target)];
    if (s && t && (await repo.findRelationByEnds(deps.db.kysely, s.id, t.id, r.type)))
      summary.relationsExisting++;
    else summary.relationsCreate++;
  }

  const ok = errorCount === 0;
  if (!ok || options.dryRun)
    return { dryRun: options.dryRun, applied: false, ok, errorCount, errors: problems, summary };

  const origin = {
    kind: 'import' as const,
    systemReason: options.fileName
      ? ({ code: 'history_import_file', params: { file: options.fileName } } as const)
      : ({ code: 'history_import', params: {} } as const),
  };
  await deps.db.kysely.transaction().execute(async (trx) => {
    const ids = new Map<string, string>();
    for (const { row, current } of plan) {
      const key = naturalKey(row.input.type, row.input.environment, row.input.name);
      if (!current) ids.set(key, (await createCiIn(trx, deps, ctx, row.input, origin)).id);
      else {
        ids.set(key, current.id);
        if (!sameCi(current, row.input))
          await updateCiIn(trx, deps, ctx, current.id, { ...row.input, revision: current.revision }, origin);
      }
    }
    for (const r of resolvedRelations) {
      const sourceId = ids.get(r.source) ?? existing.get(r.source)?.id;
      const targetId = ids.get(r.target) ?? existing.get(r.target)?.id;
      if (!sourceId || !targetId || (await repo.findRelationByEnds(trx, sourceId, targetId, r.type)))
        continue;
      await addRelationIn(trx, deps, ctx, { sourceId, targetId, type: r.type }, origin);
    }
    await deps.audit.record(trx, ctx, {
      action: 'cmdb.import',
      entityType: 'cmdb',
      details: { fileName: options.fileName ?? null, format: options.format, summary },
    });
  });
  return { dryRun: false, applied: true, ok, errorCount, errors: [], summary };
}

/** For an existing CI, the file's values where it has a column, the current values elsewhere. */
function mergeWithCurrent(row: CiRow, current: repo.Ci): CiInput {
  const has = (column: string) => row.present.has(column);
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current.attributes)) if (!has(`attr.${k}`)) attributes[k] = v;
  Object.assign(attributes, row.input.attributes);
  return {
    ...row.input,
    owner: has('owner') ? row.input.owner : current.owner,
    critical: has('critical') ? row.input.critical : current.critical,
    version: has('version') ? row.input.version : current.version,
    description: has('description') ? row.input.description : current.description,
    attributes,
  };
}

function sameCi(ci: repo.Ci, input: CiInput): boolean {
  return (
    ci.owner === (input.owner ?? null) &&
    ci.critical === (input.critical ?? false) &&
    ci.version === (input.version ?? null) &&
    ci.description === (input.description ?? null) &&
    JSON.stringify(sortKeys(ci.attributes)) === JSON.stringify(sortKeys(input.attributes ?? {}))
  );
}

const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
