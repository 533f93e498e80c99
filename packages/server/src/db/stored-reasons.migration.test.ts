import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { migrateDown, migrateToLatest, pendingMigrations } from './migrate';

/** Steps down until `name` is pending again: the database as it was before that migration. */
async function downTo(t: TestDatabase, name: string) {
  while (!(await pendingMigrations(t.db)).includes(name)) await migrateDown(t.db);
}

describe.each(DIALECTS)('reasons stored in English before they had codes, on %s (X-3)', (dialect) => {
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

  it('X-2 X-3 the delivery errors the server wrote get their code and parameters; other texts stay without one', async () => {
    await downTo(t, '20261219000200_add_delivery_error_reason');
    const texts: [string | null, unknown][] = [
      [
        'blocked by outbound policy (X-4): hooks.rebind.test resolves to 127.0.0.1, a loopback address, not listed in OUTBOUND_ALLOW',
        {
          code: 'delivery_blocked_resolved',
          params: { host: 'hooks.rebind.test', address: '127.0.0.1', range: 'loopback' },
        },
      ],
      [
        'blocked by outbound policy (X-4): ::ffff:7f00:1 is an IPv4-mapped address, not listed in OUTBOUND_ALLOW',
        { code: 'delivery_blocked_address', params: { address: '::ffff:7f00:1', range: 'IPv4-mapped' } },
      ],
      [
        'timeout: no answer from hooks.example.com within 10000 ms',
        { code: 'delivery_timeout', params: { host: 'hooks.example.com', ms: 10000 } },
      ],
      [
        'refused: 127.0.0.1:4567 refused the connection',
        { code: 'delivery_refused', params: { host: '127.0.0.1:4567' } },
      ],
      [
        'error: could not reach hooks.example.com (EPROTO)',
        { code: 'delivery_unreached_error', params: { host: 'hooks.example.com', error: 'EPROTO' } },
      ],
      ['redirect not followed: HTTP 302', { code: 'delivery_redirect', params: { status: 302 } }],
      ['HTTP 500', { code: 'delivery_http_status', params: { status: 500 } }],
      [
        'the wecom robot refused the message: code 93000',
        { code: 'delivery_robot_refused', params: { format: 'wecom', code: '93000' } },
      ],
      [
        "the dingtalk robot's reply is not a JSON object (HTTP 200)",
        { code: 'delivery_bad_reply', params: { format: 'dingtalk', status: 200 } },
      ],
      ['SMTP is not configured (SMTP_URL)', { code: 'delivery_smtp_not_configured', params: {} }],
      ['the endpoint was deleted', { code: 'delivery_endpoint_deleted', params: {} }],
      ['could not reach hooks.example.com: fetch failed', null],
      ['Invalid login: 535 5.7.8 Authentication failed', null],
      [null, null],
    ];
    const at = '2026-12-01T08:00:00.000Z';
    for (const [i, [text]] of texts.entries())
      await q()
        .insertInto('notification_deliveries')
        .values({
          id: `d-${i}`,
          event_id: `e-${i}`,
          channel: 'webhook',
          endpoint_id: null,
          user_id: null,
          recipient: null,
          kind: 'state_changed',
          message: '{}',
          status: text === null ? 'delivered' : 'failed',
          attempts: 1,
          last_error: text,
          response_code: null,
          created_at: at,
          updated_at: at,
          delivered_at: null,
        })
        .execute();

    await migrateToLatest(t.db);
    const stored = await q()
      .selectFrom('notification_deliveries')
      .select(['last_error', 'last_error_reason'])
      .orderBy('seq')
      .execute();
    expect(
      stored.map((r: any) => (r.last_error_reason === null ? null : JSON.parse(r.last_error_reason))),
    ).toEqual(texts.map(([, reason]) => reason));
    expect(stored.map((r: any) => r.last_error)).toEqual(texts.map(([text]) => text));
  });
});
