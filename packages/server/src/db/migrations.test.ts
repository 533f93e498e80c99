import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { migrateDown, migrateToLatest, migrations, pendingMigrations } from './migrate';

/**
 * Tables with their columns, the indexes and the triggers, so adding a column, an index or a
 * trigger counts as a change of schema.
 */
async function tableNames(t: TestDatabase): Promise<string[]> {
  const tables = await t.db.kysely.introspection.getTables();
  // PostgreSQL introspection lists every schema; other tests run in schemas of their own.
  const columns = tables
    .filter((x) => t.dialect === 'sqlite' || x.schema === t.db.schema)
    .filter((x) => !x.name.startsWith('kysely_'))
    .map(
      (x) =>
        `${x.name}(${x.columns
          .map((c) => c.name)
          .sort()
          .join(',')})`,
    );
  const objects =
    t.dialect === 'sqlite'
      ? await sql<{
          name: string;
          type: string;
        }>`select name, type from sqlite_master where type in ('index', 'trigger')`.execute(t.db.kysely)
      : await sql<{ name: string; type: string }>`
          select indexname as name, 'index' as type from pg_indexes where schemaname = ${t.db.schema}
          union all
          select t.tgname, 'trigger' from pg_trigger t
            join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = ${t.db.schema} and not t.tgisinternal`.execute(t.db.kysely);
  return [
    ...columns,
    ...objects.rows.filter((r) => !r.name.includes('kysely_')).map((r) => `${r.type} ${r.name}`),
  ].sort();
}

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect, { migrate: false });
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('step every migration up and down, one at a time, and up again', async () => {
    const names = Object.keys(migrations);
    expect(await pendingMigrations(t.db)).toEqual(names);
    expect(await tableNames(t)).toEqual([]);

    const seen: string[][] = [];
    await migrateToLatest(t.db);
    expect(await pendingMigrations(t.db)).toEqual([]);
    seen.push(await tableNames(t));
    for (let i = names.length - 1; i >= 0; i--) {
      const [result] = await migrateDown(t.db);
      expect(result).toMatchObject({ migrationName: names[i], direction: 'Down', status: 'Success' });
      seen.push(await tableNames(t));
    }
    expect(await tableNames(t)).toEqual([]);
    // Each step down changed the schema, and up again restores the same schema.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toEqual(seen[i - 1]);
    await migrateToLatest(t.db);
    expect(await tableNames(t)).toEqual(seen[0]);
  });

  it('migration names follow YYYYMMDDHHMMSS_verb_noun and sort in order', () => {
    const names = Object.keys(migrations);
    for (const name of names) expect(name).toMatch(/^\d{14}_[a-z]+(_[a-z]+)+$/);
    expect([...names].sort()).toEqual(names);
  });
});
