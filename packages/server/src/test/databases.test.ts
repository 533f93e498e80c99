import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, migrations, pendingMigrations } from '../db/migrate';
import { DIALECTS, createTestDatabase, type TestDatabase } from './databases';

type Rows = Record<string, unknown>[];

const query = async (t: TestDatabase, text: string): Promise<Rows> =>
  (await sql.raw<Record<string, unknown>>(text).execute(t.db.kysely)).rows;

/** Every row of a table, in an order that does not depend on how they were stored. */
async function rowsOf(t: TestDatabase, table: string): Promise<string[]> {
  const quoted = `"${table.replace(/"/g, '""')}"`;
  const rows = await query(t, `select * from ${quoted}`);
  return rows
    .map((row) => {
      // When the migrations ran differs between two databases, and is all that may differ.
      if (table === 'kysely_migration') delete row.timestamp;
      return JSON.stringify(row);
    })
    .sort();
}

/**
 * All a migrated database is made of, as text that names no schema: every object's definition
 * (tables with their columns, defaults and constraints, indexes, triggers, functions, views,
 * sequences), every row (the migrations' own and Kysely's records of them) and the settings
 * stored in the file.
 */
async function describeDatabase(t: TestDatabase): Promise<Record<string, unknown>> {
  if (t.dialect === 'sqlite') {
    const objects = await query(t, `select type, name, tbl_name, sql from sqlite_master order by type, name`);
    const tables = objects.filter((o) => o.type === 'table').map((o) => String(o.name));
    const rows: Record<string, string[]> = {};
    for (const table of tables) rows[table] = await rowsOf(t, table);
    const pragmas: Record<string, unknown> = {};
    for (const pragma of ['user_version', 'application_id', 'journal_mode', 'page_size', 'encoding'])
      pragmas[pragma] = (await query(t, `pragma ${pragma}`))[0];
    return { objects, rows, pragmas };
  }
  const schema = t.db.schema!;
  const inSchema = (text: string) => text.replaceAll(`$1`, `'${schema}'`);
  const catalog = {
    relations: `select c.relname, c.relkind, c.relpersistence, c.relhasindex, c.relchecks
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 order by c.relname`,
    columns: `select table_name, column_name, ordinal_position, column_default, is_nullable, data_type,
        character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_identity,
        identity_generation, is_generated, generation_expression, collation_name
      from information_schema.columns where table_schema = $1 order by table_name, ordinal_position`,
    constraints: `select c.relname, k.conname, k.contype, k.condeferrable, k.condeferred, k.convalidated,
        pg_get_constraintdef(k.oid) as definition
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = k.connamespace
      where n.nspname = $1 order by c.relname, k.conname`,
    indexes: `select tablename, indexname, indexdef from pg_indexes where schemaname = $1 order by indexname`,
    triggers: `select c.relname, g.tgname, g.tgenabled, pg_get_triggerdef(g.oid) as definition
      from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and not g.tgisinternal order by c.relname, g.tgname`,
    functions: `select p.proname, pg_get_function_identity_arguments(p.oid) as arguments,
        pg_get_functiondef(p.oid) as definition
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 order by p.proname`,
    views: `select viewname, definition from pg_views where schemaname = $1 order by viewname`,
    database: `select pg_encoding_to_char(encoding) as encoding, datcollate, datctype
      from pg_database where datname = current_database()`,
    sequences: `select sequencename, data_type, start_value, min_value, max_value, increment_by, cycle,
        last_value from pg_sequences where schemaname = $1 order by sequencename`,
    ownedSequences: `select s.relname as sequence, c.relname as table_name, a.attname
      from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
      join pg_class c on c.oid = d.refobjid join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
      join pg_namespace n on n.oid = s.relnamespace where n.nspname = $1 order by s.relname`,
  };
  const description: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(catalog)) description[name] = await query(t, inSchema(text));
  const tables = (await query(t, inSchema(`select tablename from pg_tables where schemaname = $1`))).map(
    (r) => String(r.tablename),
  );
  const rows: Record<string, string[]> = {};
  for (const table of tables.sort()) rows[table] = await rowsOf(t, table);
  description.rows = rows;
  // Definitions may name their schema; two databases differ in that name and nothing else.
  return JSON.parse(JSON.stringify(description).replaceAll(schema, '<schema>')) as Record<string, unknown>;
}

describe.each(DIALECTS)('test databases on %s', (dialect) => {
  const made: TestDatabase[] = [];
  afterEach(async () => {
    for (const t of made.splice(0)) await t.destroy();
  });
  const database = async (options?: { migrate?: boolean }) => {
    const t = await createTestDatabase(dialect, options);
    made.push(t);
    return t;
  };

  it("a test's database, a copy of the run's migrated template, equals one migrated step by step: objects, definitions, rows, migration records", async () => {
    const fresh = await database({ migrate: false });
    await migrateToLatest(fresh.db);
    const copy = await database();
    expect(await pendingMigrations(copy.db)).toEqual([]);
    const expected = await describeDatabase(fresh);
    // Not an empty comparison: every table of the schema, with Kysely's records of every migration.
    expect(Object.keys(expected.rows as object)).toEqual(
      expect.arrayContaining(['kysely_migration', 'audit_events', 'users', 'releases', 'number_sequences']),
    );
    expect((expected.rows as Record<string, string[]>).kysely_migration).toHaveLength(
      Object.keys(migrations).length,
    );
    expect(await describeDatabase(copy)).toEqual(expected);
  });

  it('copies are independent: what one test writes, another never sees', async () => {
    const one = await database();
    const other = await database();
    await one.db.kysely.updateTable('cmdb_state').set({ graph_version: 7 }).execute();
    expect(await one.db.kysely.selectFrom('cmdb_state').select('graph_version').execute()).toEqual([
      { graph_version: 7 },
    ]);
    expect(await other.db.kysely.selectFrom('cmdb_state').select('graph_version').execute()).toEqual([
      { graph_version: 0 },
    ]);
  });

  it('with migrate: false the database is empty', async () => {
    const empty = await database({ migrate: false });
    const tables = await empty.db.kysely.introspection.getTables({ withInternalKyselyTables: true });
    expect(tables.filter((x) => dialect === 'sqlite' || x.schema === empty.db.schema)).toEqual([]);
    expect(await pendingMigrations(empty.db)).toEqual(Object.keys(migrations));
  });
});
