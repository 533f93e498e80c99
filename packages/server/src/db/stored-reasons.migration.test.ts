import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { migrateDown, migrateToLatest, pendingMigrations } from './migrate';

/** Steps down until `name` is pending again: the database as it was before that migration. */
async function downTo(t: TestDatabase, name: string) {
  while (!(await pendingMigrations(t.db)).includes(name)) await migrateDown(t.db);
}

describe.each(DIALECTS)('reasons stored before they had codes, on %s (X-3)', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await t.destroy();
  });
  const q = () => t.db.kysely as any;

  it("X-3 CM-4 history entries the system wrote in English get their code and parameters; a person's words and unknown texts stay without one", async () => {
    await downTo(t, '20261219000100_add_ci_history_system_reason');
    const at = '2026-12-01T08:00:00.000Z';
    await q()
      .insertInto('ci_types')
      .values({
        key: 'legacy',
        name_zh: '旧类型',
        name_en: 'Legacy',
        fields: '[]',
        builtin: 0,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc: any) => oc.doNothing())
      .execute();
    await q()
      .insertInto('cis')
      .values({
        id: 'ci-1',
        type_key: 'legacy',
        name: 'db-host',
        environment: 'production',
        owner: null,
        critical: 0,
        version: '2.1',
        attributes: '{}',
        description: null,
        status: 'active',
        revision: 1,
        created_at: at,
        updated_at: at,
        retired_at: null,
      })
      .execute();
    const rows: [string, string | null][] = [
      ['import', 'import of cmdb 2026.xlsx'],
      ['import', 'import of cmdb 2026.xlsx'],
      ['import', 'import'],
      ['release', 'REL-2026-0007 CMDB update (PO-2)'],
      ['release', 'REL-2026-0008 CMDB update (PO-2): 已核对\n两台主机'],
      ['manual', 'import of 交接清单 by hand'],
      ['release', 'something else'],
      ['manual', null],
    ];
    for (const [kind, reason] of rows)
      await q()
        .insertInto('ci_history')
        .values({
          ci_id: 'ci-1',
          at,
          actor_id: null,
          actor_name: null,
          change: 'updated',
          reason_kind: kind,
          release_id: null,
          reason,
          before_json: null,
          after_json: null,
        })
        .execute();

    await migrateToLatest(t.db);
    const stored = await q()
      .selectFrom('ci_history')
      .select(['reason', 'system_reason'])
      .orderBy('seq')
      .execute();
    expect(stored.map((r: any) => (r.system_reason === null ? null : JSON.parse(r.system_reason)))).toEqual([
      { code: 'history_import_file', params: { file: 'cmdb 2026.xlsx' } },
      { code: 'history_import_file', params: { file: 'cmdb 2026.xlsx' } },
      { code: 'history_import', params: {} },
      { code: 'history_cmdb_update', params: { release: 'REL-2026-0007' } },
      { code: 'history_cmdb_update_note', params: { release: 'REL-2026-0008', note: '已核对\n两台主机' } },
      null,
      null,
      null,
    ]);
    // The English stays as it was written.
    expect(stored.map((r: any) => r.reason)).toEqual(rows.map(([, reason]) => reason));
  });
});
