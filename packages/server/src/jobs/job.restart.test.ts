import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { spawnServer, stopServer, type ServerProcess } from '../test/server-process';
import { countJobs, enqueueJob } from './job.repository';
import { TEST_RECORD_JOB } from './test-kinds';

describe.each(DIALECTS)('deadlines across a server restart on %s', (dialect) => {
  let t: TestDatabase;
  let server: ServerProcess | undefined;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    server = undefined;
    await t.destroy();
  });

  it('RB-2 PO-2 a restarted server loses no deadline: what fell due while it was down fires once it is back', async () => {
    const env = { ...t.env, JOBS_POLL_MS: '50', RELEASEGATE_TEST_JOB_KINDS: '1' };
    server = await spawnServer(env);
    // Deadlines a few seconds ahead; the server is killed before any falls due.
    const due = new Date(Date.now() + 3000).toISOString();
    await t.db.kysely.transaction().execute(async (trx) => {
      for (let n = 0; n < 20; n++)
        await enqueueJob(trx, { kind: TEST_RECORD_JOB, key: `restart:${n}`, dueAt: due, payload: { n } });
    });
    await stopServer(server, 'SIGKILL');
    server = undefined;
    expect((await countJobs(t.db.kysely, TEST_RECORD_JOB)).pending).toBe(20);
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(due)), {
      timeout: 10_000,
      interval: 100,
    });
    server = await spawnServer(env);
    await vi.waitFor(async () => expect((await countJobs(t.db.kysely, TEST_RECORD_JOB)).done).toBe(20), {
      timeout: 30_000,
      interval: 100,
    });
    const fired = await t.db.kysely
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'job.test_record')
      .execute();
    expect(new Set(fired.map((f) => f.entity_id)).size).toBe(20);
    expect(fired).toHaveLength(20);
  });
});
