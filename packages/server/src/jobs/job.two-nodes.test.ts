import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { spawnServers, stopServer, type ServerProcess } from '../test/server-process';
import { verifyChain } from '../modules/audit/audit.verify';
import { countJobs, enqueueJob } from './job.repository';
import { TEST_RECORD_JOB } from './test-kinds';

// Several server processes share one database only on PostgreSQL (SQLite is the one-node mode):
// skipped unless TEST_DATABASE_URL names a PostgreSQL server (CI always does).
describe.skipIf(!DIALECTS.includes('postgres'))('jobs across server processes on postgres', () => {
  const dialect = 'postgres';
  let t: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
    await t.destroy();
  });

  it('RB-2 PO-2 two server processes on one PostgreSQL: each of 200 due deadlines fires exactly once, and both nodes take part', async () => {
    const env = { ...t.env, JOBS_POLL_MS: '30', RELEASEGATE_TEST_JOB_KINDS: '1' };
    await spawnServers(2, env, servers);
    const due = new Date(Date.now() - 1000).toISOString();
    await t.db.kysely.transaction().execute(async (trx) => {
      for (let n = 0; n < 200; n++)
        await enqueueJob(trx, { kind: TEST_RECORD_JOB, key: `test:${n}`, dueAt: due, payload: { n } });
    });
    await vi.waitFor(async () => expect((await countJobs(t.db.kysely, TEST_RECORD_JOB)).done).toBe(200), {
      timeout: 30_000,
      interval: 100,
    });

    const events = await t.db.kysely
      .selectFrom('audit_events')
      .select(['entity_id', 'details_json'])
      .where('action', '=', 'job.test_record')
      .execute();
    expect(events).toHaveLength(200);
    expect(new Set(events.map((e) => e.entity_id)).size).toBe(200);
    const owners = new Set(events.map((e) => (JSON.parse(e.details_json!) as { owner: string }).owner));
    expect(owners.size).toBe(2);
    const jobs = await t.db.kysely
      .selectFrom('jobs')
      .select(['state', 'lease_owner', 'attempts'])
      .where('kind', '=', TEST_RECORD_JOB)
      .execute();
    expect(jobs.every((j) => j.state === 'done' && j.attempts === 1 && owners.has(j.lease_owner!))).toBe(
      true,
    );
    // The two nodes appended to one audit chain, unbroken.
    expect((await verifyChain(t.db.kysely)).ok).toBe(true);
  });
});
