import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@releasegate/domain';
import { DIALECTS, createTestDatabase, dropAuditGuards, type TestDatabase } from '../../test/databases';
import { createAuditWriter, toAuditEvent, type AuditWriter } from './audit.service';
import { canonicalFromRow, verifyChain } from './audit.verify';
import { GENESIS_HASH, canonicalJson, chainHash } from './audit.chain';
import type { RequestContext } from '../../context';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../../bin/releasegate.js');

const ctx: RequestContext = { principal: null, sourceIp: '10.1.2.3', requestId: 'req-1' };

describe('audit chain encoding', () => {
  it('PR-3 canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: undefined, b: '中文' })).toBe('{"b":"中文"}');
  });
});

describe.each(DIALECTS)('tamper-evident audit log on %s', (dialect) => {
  let t: TestDatabase;
  let audit: AuditWriter;
  // Starts at the real time: the database's own retention guard compares with its clock.
  const clock = new ManualClock(new Date());
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    audit = createAuditWriter({ dialect, clock, algorithm: 'sha256' });
  });
  afterEach(async () => {
    await t.destroy();
  });

  async function writeEvents(n: number, writer = audit) {
    for (let i = 1; i <= n; i++) {
      clock.advance(1000);
      await t.db.kysely.transaction().execute((trx) =>
        writer.record(trx, ctx, {
          action: 'user.update',
          entityType: 'user',
          entityId: `u${i}`,
          before: { n: i - 1 },
          after: { n: i, name: `名字${i}` },
        }),
      );
    }
  }

  const dropGuards = () => dropAuditGuards(t);

  it('PR-3 X-1 events carry actor, time, source, request id, before and after, and chain by hash', async () => {
    await writeEvents(3);
    const rows = await t.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2]).toMatchObject({
      source_ip: '10.1.2.3',
      request_id: 'req-1',
      occurred_at: new Date(new Date(rows[0].occurred_at).getTime() + 2000).toISOString(),
      outcome: 'success',
    });
    expect(JSON.parse(rows[2].after_json!)).toEqual({ n: 3, name: '名字3' });
    expect(await verifyChain(t.db.kysely)).toMatchObject({ ok: true, eventsChecked: 3, lastSeq: 3 });
  });

  it('PR-3 events are stored so that verification hashes the stored text without re-encoding it', async () => {
    await t.db.kysely.transaction().execute((trx) =>
      audit.record(trx, ctx, {
        action: 'job.test_record',
        before: { z: 1, a: [{ k: '中', b: null }] },
        after: { b: true, a: 1.5 },
        details: { n: -0, s: 'q"\\' },
      }),
    );
    const row = await t.db.kysely.selectFrom('audit_events').selectAll().executeTakeFirstOrThrow();
    const { hashAlg: _a, prevHash: _p, hash: _h, ...fields } = toAuditEvent(row);
    expect(canonicalFromRow(row)).toBe(canonicalJson(fields));
  });

  it('PR-3 the database refuses to update or delete a young audit event', async () => {
    await writeEvents(2);
    await expect(
      t.db.kysely.updateTable('audit_events').set({ action: 'x' }).where('seq', '=', 1).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.kysely.deleteFrom('audit_events').where('seq', '=', 2).execute()).rejects.toThrow(
      /retention/,
    );
  });

  it('PR-3 verify names an edited event', async () => {
    await writeEvents(5);
    await dropGuards();
    await t.db.kysely
      .updateTable('audit_events')
      .set({ after_json: JSON.stringify({ n: 3, name: 'forged' }) })
      .where('seq', '=', 3)
      .execute();
    const result = await verifyChain(t.db.kysely);
    expect(result.ok).toBe(false);
    expect(result.firstBad).toMatchObject({ seq: 3, problem: 'hash_mismatch' });
    expect(result.eventsChecked).toBe(2);
  });

  it('PR-3 verify names the event after a deleted one', async () => {
    await writeEvents(5);
    await dropGuards();
    await t.db.kysely.deleteFrom('audit_events').where('seq', '=', 2).execute();
    const result = await verifyChain(t.db.kysely);
    expect(result.firstBad).toMatchObject({ seq: 3, problem: 'sequence_gap' });
    expect(result.firstBad!.message).toContain('#2');
  });

  it('PR-3 verify detects reordered events', async () => {
    await writeEvents(5);
    await dropGuards();
    // Swap the positions of events 2 and 4 (sequence numbers exchanged).
    await t.db.kysely.updateTable('audit_events').set({ seq: 1002 }).where('seq', '=', 2).execute();
    await t.db.kysely.updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 4).execute();
    await t.db.kysely.updateTable('audit_events').set({ seq: 4 }).where('seq', '=', 1002).execute();
    const result = await verifyChain(t.db.kysely);
    expect(result.firstBad).toMatchObject({ seq: 2, problem: 'broken_link' });
  });

  it('PR-3 an event rewritten with a recomputed own hash still breaks the link to its successor', async () => {
    await writeEvents(4);
    await dropGuards();
    const row = await t.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    const fields = {
      seq: 2,
      id: row.id,
      occurredAt: row.occurred_at,
      actorId: null,
      actorName: null,
      actorRoles: [],
      sourceIp: row.source_ip,
      requestId: row.request_id,
      action: 'user.deleted',
      entityType: row.entity_type,
      entityId: row.entity_id,
      outcome: row.outcome,
      before: JSON.parse(row.before_json!),
      after: JSON.parse(row.after_json!),
      details: null,
    };
    const forgedHash = chainHash('sha256', row.prev_hash, fields);
    await t.db.kysely
      .updateTable('audit_events')
      .set({ action: 'user.deleted', hash: forgedHash })
      .where('seq', '=', 2)
      .execute();
    expect((await verifyChain(t.db.kysely)).firstBad).toMatchObject({ seq: 3, problem: 'broken_link' });
  });

  it('PR-3 SM3 is selectable and verifies; algorithms can change mid-log', async () => {
    await writeEvents(2);
    await writeEvents(2, createAuditWriter({ dialect, clock, algorithm: 'sm3' }));
    const algs = (
      await t.db.kysely.selectFrom('audit_events').select('hash_alg').orderBy('seq').execute()
    ).map((r) => r.hash_alg);
    expect(algs).toEqual(['sha256', 'sha256', 'sm3', 'sm3']);
    expect((await verifyChain(t.db.kysely)).ok).toBe(true);
  });

  it('PR-3 several writers at once keep one unbroken chain (PostgreSQL: separate connection pools, as separate server processes)', async () => {
    // better-sqlite3 is synchronous: connections in one process cannot wait for each other, so on
    // SQLite the writers share the connection (separate processes are covered by the crash test).
    const others =
      dialect === 'postgres' ? [t.openAnother(), t.openAnother(), t.openAnother()] : [t.db, t.db, t.db];
    try {
      await Promise.all(
        others.map((db, w) =>
          (async () => {
            const writer = createAuditWriter({ dialect, clock, algorithm: 'sha256' });
            for (let i = 0; i < 25; i++) {
              await db.kysely
                .transaction()
                .execute((trx) => writer.record(trx, ctx, { action: 'job.test_record', details: { w, i } }));
            }
          })(),
        ),
      );
    } finally {
      if (dialect === 'postgres') await Promise.all(others.map((db) => db.destroy()));
    }
    const result = await verifyChain(t.db.kysely);
    expect(result).toMatchObject({ ok: true, eventsChecked: 75, lastSeq: 75 });
  });

  it('PR-3 a write that fails leaves no audit event behind (same transaction)', async () => {
    await expect(
      t.db.kysely.transaction().execute(async (trx) => {
        await audit.record(trx, ctx, { action: 'user.create' });
        throw new Error('the action failed after auditing');
      }),
    ).rejects.toThrow('the action failed');
    expect(await t.db.kysely.selectFrom('audit_events').selectAll().execute()).toHaveLength(0);
  });

  it('PR-3 `releasegate audit verify` exits 0 on a good chain and 1 naming the first bad event', async () => {
    await writeEvents(3);
    const env = { ...process.env, ...t.env, LOG_LEVEL: 'silent' };
    const good = await run('node', [CLI, 'audit', 'verify'], { env });
    expect(good.stdout).toMatch(/^OK: 3 events verified/);
    await dropGuards();
    await t.db.kysely
      .updateTable('audit_events')
      .set({ entity_id: 'someone-else' })
      .where('seq', '=', 2)
      .execute();
    const bad = await run('node', [CLI, 'audit', 'verify'], { env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stdout).toMatch(/BROKEN at event #2 .*hash_mismatch/);
  });
});
