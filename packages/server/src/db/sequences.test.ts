import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DIALECTS,
  createTestDatabase,
  retryWhileOtherSchemasDrop,
  type TestDatabase,
} from '../test/databases';
import { migrateDown, migrateToLatest, pendingMigrations } from './migrate';
import { nextNumber, type NumberedThing } from './sequences';

const COUNTERS = '20261206002100_create_number_sequences';

/** Undoes migrations, the newest first, until `name` is undone too. */
async function downTo(t: TestDatabase, name: string) {
  while (!(await retryWhileOtherSchemasDrop(() => pendingMigrations(t.db))).includes(name))
    await retryWhileOtherSchemasDrop(() => migrateDown(t.db));
}

describe.each(DIALECTS)('numbers from counter rows on %s', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('PR-3 RB-5 fifty creations at once from two connection pools take fifty consecutive numbers of each kind, and a rolled-back one gives its number back', async () => {
    // better-sqlite3 is synchronous: two connections in one process cannot wait for each other, so
    // on SQLite the creations share one (two processes are races.two-nodes.test.ts's).
    const other = dialect === 'postgres' ? t.openAnother() : t.db;
    try {
      for (const thing of ['change', 'release', 'knowledge', 'problem'] as NumberedThing[]) {
        const numbers = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 ? other : t.db).kysely.transaction().execute((trx) => nextNumber(trx, thing, 2026)),
          ),
        );
        expect(new Set(numbers).size).toBe(50);
        expect([...numbers].sort()).toEqual(
          Array.from({ length: 50 }, (_, i) =>
            expect.stringMatching(new RegExp(`-2026-${String(i + 1).padStart(4, '0')}$`)),
          ),
        );
      }
      await expect(
        t.db.kysely.transaction().execute(async (trx) => {
          expect(await nextNumber(trx, 'release', 2026)).toBe('REL-2026-0051');
          throw new Error('the creation failed');
        }),
      ).rejects.toThrow('the creation failed');
      expect(await t.db.kysely.transaction().execute((trx) => nextNumber(trx, 'release', 2026))).toBe(
        'REL-2026-0051',
      );
      // Each year counts from 1.
      expect(await t.db.kysely.transaction().execute((trx) => nextNumber(trx, 'release', 2027))).toBe(
        'REL-2027-0001',
      );
    } finally {
      if (other !== t.db) await other.destroy();
    }
  });

  it('PR-3 the counters continue where the numbers already handed out end (migration 20261206002100), and go back on the way down', async () => {
    // Back to before the counter table: the per-feature counters and the max(number) of old.
    await downTo(t, COUNTERS);
    const db = t.db.kysely as unknown as Kysely<any>;
    await db.insertInto('change_number_seq').values({ year: 2026, last: 7 }).execute();
    await db.insertInto('knowledge_number_seq').values({ year: 2026, last: 3 }).execute();
    const at = '2025-12-01T00:00:00.000Z';
    await db
      .insertInto('policy_versions')
      .values({
        id: 'p',
        number: 'XDYJ-06-01',
        version: 'V1.0',
        status: 'approved',
        effective_date: '2025-01-01',
        document: '{}',
        created_at: at,
      })
      .execute();
    for (const number of ['REL-2025-0041', 'REL-2025-0009', 'REL-2026-0002'])
      await db
        .insertInto('releases')
        .values({
          id: number,
          number,
          title: number,
          state: 'closed',
          proposed_type: 'normal',
          proposal: '{}',
          urgency: 'normal',
          rollback_difficulty: 'easy',
          new_technology: 0,
          target_ci_ids: '[]',
          policy_version_id: 'p',
          requested_by: 'eng1',
          created_at: at,
          updated_at: at,
        })
        .execute();
    await db
      .insertInto('problem_records')
      .values({
        id: 'x',
        number: 'PRB-2025-0005',
        release_id: 'REL-2025-0041',
        title: 'x',
        reason: 'x',
        course: '[]',
        created_at: at,
        created_by: 'boss',
      })
      .execute();

    await retryWhileOtherSchemasDrop(() => migrateToLatest(t.db));
    const next = (thing: NumberedThing, year: number) =>
      t.db.kysely.transaction().execute((trx) => nextNumber(trx, thing, year));
    expect(await next('change', 2026)).toBe('CHG-2026-0008');
    expect(await next('knowledge', 2026)).toBe('KB-2026-0004');
    expect(await next('release', 2025)).toBe('REL-2025-0042');
    expect(await next('release', 2026)).toBe('REL-2026-0003');
    expect(await next('problem', 2025)).toBe('PRB-2025-0006');
    expect(await next('change', 2025)).toBe('CHG-2025-0001');

    await downTo(t, COUNTERS);
    expect(await db.selectFrom('change_number_seq').selectAll().orderBy('year').execute()).toEqual([
      { year: 2025, last: 1 },
      { year: 2026, last: 8 },
    ]);
    expect(await db.selectFrom('knowledge_number_seq').selectAll().execute()).toEqual([
      { year: 2026, last: 4 },
    ]);
  });
});
