import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { DIALECTS, createTestDatabase } from '../test/databases';
import { openPostgres } from './database';

// PostgreSQL only: SQLite is a file in the process, there is no server to end a connection.
describe.skipIf(!DIALECTS.includes('postgres'))('the PostgreSQL connection pool', () => {
  it('deploy: survives the server ending its idle connections (restart, failover, pg_terminate_backend)', async () => {
    const t = await createTestDatabase('postgres');
    const url = t.env.DATABASE_URL;
    const schema = new URL(url).searchParams.get('schema')!;
    const ended: Error[] = [];
    const db = openPostgres(url.replace(/\?.*$/, ''), { schema, onIdleError: (error) => ended.push(error) });
    try {
      // Two idle connections in the pool.
      await Promise.all([sql`select pg_sleep(0.05)`.execute(db.kysely), sql`select 1`.execute(db.kysely)]);
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      try {
        const database = new URL(url).pathname.slice(1);
        const { rows } = await admin.query(
          'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [database],
        );
        expect(rows.length).toBeGreaterThanOrEqual(2);
      } finally {
        await admin.end();
      }
      // Without the pool's error listener the process would have died here with 57P01.
      await expect.poll(() => ended.length).toBeGreaterThanOrEqual(2);
      expect(String(ended[0])).toMatch(/terminating connection/);
      const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(db.kysely);
      expect(rows[0].answer).toBe(42);
    } finally {
      await db.destroy();
      await t.destroy();
    }
  });

  it('X-4 refuses a schema whose NOTIFY channels would not fit in 63 characters (every revocation would fail)', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(() => openPostgres(url, { schema: 's'.repeat(42) }).destroy()).not.toThrow();
    // releasegate_identity_<schema>: pg_notify refuses a longer channel, so the triggers would
    // refuse every sign-out, disabled user or revoked token.
    expect(() => openPostgres(url, { schema: 's'.repeat(43) })).toThrow(/at most 42 characters/);
  });
});
