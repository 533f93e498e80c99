import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from '@releasegate/domain';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { cancelJobs, countJobs, enqueueJob, findJobByKey, leaseDueJobs, completeJob } from './job.repository';
import { JobDeferred, JobRunner, backoffMs, type JobHandler, type LeasedJob } from './job.runner';

const T0 = '2026-01-05T02:00:00.000Z';
const at = (clock: ManualClock, ms = 0) => new Date(clock.now().getTime() + ms).toISOString();

describe.each(DIALECTS)('job runner on %s', (dialect) => {
  let database: TestDatabase;
  let clock: ManualClock;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    clock = new ManualClock(T0);
  });
  afterEach(async () => {
    await database.destroy();
  });

  /** An `inTransaction` handler whose effect is a row (an `effect` job keyed by the job's id). */
  const recording: JobHandler = {
    inTransaction: async (trx, job) =>
      enqueueJob(trx, { kind: 'effect', key: `effect:${String(job.payload.n)}`, dueAt: T0, payload: {} }),
  };
  const effects = async () =>
    (await database.db.kysely.selectFrom('jobs').select('key').where('kind', '=', 'effect').execute())
      .map((r) => r.key)
      .sort();
  const runner = (handlers: Record<string, JobHandler>, owner = 'node-a', leaseMs = 60_000) =>
    new JobRunner({ db: database.db, clock, owner, handlers, leaseMs, batch: 5 });

  it('RB-2 PO-2 a due job runs once; a job not yet due waits for its time', async () => {
    const jobs = runner({ record: recording });
    await enqueueJob(database.db.kysely, { kind: 'record', dueAt: at(clock), payload: { n: 1 } });
    await enqueueJob(database.db.kysely, {
      kind: 'record',
      dueAt: at(clock, 30 * 60_000),
      payload: { n: 2 },
    });
    expect(await jobs.runDue()).toBe(1);
    expect(await jobs.runDue()).toBe(0);
    expect(await effects()).toEqual(['effect:1']);
    clock.advanceMinutes(29);
    expect(await jobs.runDue()).toBe(0);
    clock.advanceMinutes(1);
    expect(await jobs.runDue()).toBe(1);
    expect(await effects()).toEqual(['effect:1', 'effect:2']);
    expect(await countJobs(database.db.kysely, 'record')).toMatchObject({ done: 2, pending: 0, running: 0 });
  });

  it('RB-2 runDue runs every due job, batch after batch, in order of due time', async () => {
    const seen: number[] = [];
    const jobs = runner({ ext: { external: async (job) => void seen.push(job.payload.n as number) } });
    for (let n = 12; n >= 1; n--)
      await enqueueJob(database.db.kysely, {
        kind: 'ext',
        dueAt: at(clock, n * 1000 - 20_000),
        payload: { n },
      });
    expect(await jobs.runDue()).toBe(12);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('RB-2 a key enqueued twice is one job and runs once', async () => {
    const jobs = runner({ record: recording });
    const job = { kind: 'record', key: 'rollback.deadline:r1', dueAt: at(clock), payload: { n: 1 } };
    await enqueueJob(database.db.kysely, job);
    await enqueueJob(database.db.kysely, { ...job, payload: { n: 2 } });
    expect(await jobs.runDue()).toBe(1);
    // Also once it is done: the key stays taken.
    await enqueueJob(database.db.kysely, { ...job, payload: { n: 3 } });
    expect(await jobs.runDue()).toBe(0);
    expect(await effects()).toEqual(['effect:1']);
  });

  it('X-2 a failing external handler is retried with backoff, then marked failed with its last error', async () => {
    const calls: LeasedJob[] = [];
    const jobs = runner({
      flaky: {
        maxAttempts: 3,
        external: async (job) => {
          calls.push(job);
          throw new Error(`receiver down (attempt ${job.attempts})`);
        },
      },
    });
    await enqueueJob(database.db.kysely, { kind: 'flaky', key: 'k', dueAt: at(clock), payload: {} });
    expect(await jobs.runDue()).toBe(1);
    let job = await findJobByKey(database.db.kysely, 'k');
    expect(job).toMatchObject({ state: 'pending', attempts: 1, lastError: 'receiver down (attempt 1)' });
    // 30 s × 2^0 with ±20 % jitter.
    const wait1 = Date.parse(job!.dueAt) - clock.now().getTime();
    expect(wait1).toBeGreaterThanOrEqual(24_000);
    expect(wait1).toBeLessThanOrEqual(36_000);
    clock.advance(wait1 - 1);
    expect(await jobs.runDue()).toBe(0);
    clock.advance(1);
    expect(await jobs.runDue()).toBe(1);
    job = await findJobByKey(database.db.kysely, 'k');
    // 30 s × 2^1 with jitter.
    const wait2 = Date.parse(job!.dueAt) - clock.now().getTime();
    expect(wait2).toBeGreaterThanOrEqual(48_000);
    expect(wait2).toBeLessThanOrEqual(72_000);
    clock.advance(wait2);
    expect(await jobs.runDue()).toBe(1);
    job = await findJobByKey(database.db.kysely, 'k');
    expect(job).toMatchObject({ state: 'failed', attempts: 3, lastError: 'receiver down (attempt 3)' });
    expect(calls.map((c) => c.attempts)).toEqual([1, 2, 3]);
    clock.advanceMinutes(600);
    expect(await jobs.runDue()).toBe(0);
  });

  it('X-2 backoff doubles from 30 s and is capped at one hour', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, () => 0.5))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(30, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(30, () => 1)).toBe(4_320_000);
  });

  it('RB-2 an inTransaction handler that throws leaves no effect, and its retry takes effect once', async () => {
    let fail = true;
    const jobs = runner({
      record: {
        inTransaction: async (trx, job) => {
          await recording.inTransaction!(trx, job);
          if (fail) throw new Error('boom after the effect');
        },
      },
    });
    await enqueueJob(database.db.kysely, { kind: 'record', key: 'k', dueAt: at(clock), payload: { n: 1 } });
    await jobs.runDue();
    expect(await effects()).toEqual([]);
    expect(await findJobByKey(database.db.kysely, 'k')).toMatchObject({
      state: 'pending',
      lastError: 'boom after the effect',
    });
    fail = false;
    clock.advanceMinutes(1);
    await jobs.runDue();
    expect(await effects()).toEqual(['effect:1']);
    expect(await findJobByKey(database.db.kysely, 'k')).toMatchObject({
      state: 'done',
      attempts: 2,
      lastError: null,
    });
  });

  it('RB-2 an expired lease (the node died mid-job) is taken over, and the dead node can no longer finish it', async () => {
    await enqueueJob(database.db.kysely, { kind: 'record', key: 'k', dueAt: at(clock), payload: { n: 1 } });
    // Node A leases the job and dies before running it.
    const [leased] = await leaseDueJobs(database.db.kysely, dialect, {
      owner: 'node-a',
      now: clock.now(),
      leaseMs: 60_000,
      limit: 10,
      kinds: ['record'],
    });
    expect(leased).toMatchObject({ state: 'running', leaseOwner: 'node-a', attempts: 1 });
    const nodeB = runner({ record: recording }, 'node-b');
    expect(await nodeB.runDue()).toBe(0); // the lease still holds
    clock.advance(60_001);
    expect(await nodeB.runDue()).toBe(1);
    expect(await findJobByKey(database.db.kysely, 'k')).toMatchObject({
      state: 'done',
      leaseOwner: 'node-b',
      attempts: 2,
    });
    // Node A coming back cannot mark it done a second time.
    expect(await completeJob(database.db.kysely, leased, 'node-a', clock.now())).toBe(false);
    expect(await effects()).toEqual(['effect:1']);
  });

  it('RB-2 cancelJobs cancels the pending jobs of a key prefix, and they never run', async () => {
    const jobs = runner({ record: recording });
    const q = database.db.kysely;
    await enqueueJob(q, {
      kind: 'record',
      key: 'rollback.deadline:r1:t1',
      dueAt: at(clock),
      payload: { n: 1 },
    });
    await jobs.runDue(); // done: not cancellable any more
    for (const [key, n] of [
      ['rollback.deadline:r1:t2', 2],
      ['rollback.deadline:r1:t3', 3],
      ['rollback.deadline:r10:t1', 4],
      ['rollback.deadline:r1_x', 5],
    ] as const)
      await enqueueJob(q, { kind: 'record', key, dueAt: at(clock, 60_000), payload: { n } });
    expect(await cancelJobs(q, 'rollback.deadline:r1:')).toBe(2);
    expect(await cancelJobs(q, 'rollback.deadline:r1:')).toBe(0);
    clock.advanceMinutes(5);
    expect(await jobs.runDue()).toBe(2);
    expect(await effects()).toEqual(['effect:1', 'effect:4', 'effect:5']);
    expect(await countJobs(q, 'record')).toMatchObject({ done: 3, cancelled: 2 });
  });

  it('X-2 a deferred job waits without using an attempt', async () => {
    let defer = true;
    const jobs = runner({
      wait: {
        maxAttempts: 1,
        external: async () => {
          if (defer)
            throw new JobDeferred(
              new Date(clock.now().getTime() + 10_000),
              'waiting for an earlier delivery',
            );
        },
      },
    });
    await enqueueJob(database.db.kysely, { kind: 'wait', key: 'k', dueAt: at(clock), payload: {} });
    for (let i = 0; i < 3; i++) {
      expect(await jobs.runDue()).toBe(1);
      expect(await findJobByKey(database.db.kysely, 'k')).toMatchObject({
        state: 'pending',
        attempts: 0,
        lastError: 'waiting for an earlier delivery',
      });
      clock.advance(10_000);
    }
    defer = false;
    expect(await jobs.runDue()).toBe(1);
    expect(await findJobByKey(database.db.kysely, 'k')).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('RB-2 a node only leases kinds it has a handler for', async () => {
    await enqueueJob(database.db.kysely, { kind: 'other', key: 'k', dueAt: at(clock), payload: {} });
    expect(await runner({ record: recording }).runDue()).toBe(0);
    expect(await findJobByKey(database.db.kysely, 'k')).toMatchObject({ state: 'pending', attempts: 0 });
  });

  // better-sqlite3 is synchronous: two connections in one process waiting on SQLite's single write
  // lock would block each other's thread. On SQLite one process writes at a time by design.
  it.skipIf(dialect === 'sqlite')(
    'RB-2 two runners on two connections polling at once run each of many jobs exactly once',
    async () => {
      const other = database.openAnother();
      try {
        const ran = new Map<number, string[]>();
        const handler = (owner: string): JobHandler => ({
          inTransaction: async (trx, job) => {
            await recording.inTransaction!(trx, job);
            const n = job.payload.n as number;
            ran.set(n, [...(ran.get(n) ?? []), owner]);
          },
        });
        const a = new JobRunner({
          db: database.db,
          clock,
          owner: 'a',
          handlers: { record: handler('a') },
          batch: 7,
        });
        const b = new JobRunner({
          db: other,
          clock,
          owner: 'b',
          handlers: { record: handler('b') },
          batch: 7,
        });
        for (let n = 0; n < 120; n++)
          await enqueueJob(database.db.kysely, { kind: 'record', dueAt: at(clock), payload: { n } });
        const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
        expect(ranA + ranB).toBe(120);
        expect(ranA).toBeGreaterThan(0);
        expect(ranB).toBeGreaterThan(0);
        expect([...ran.values()].every((owners) => owners.length === 1)).toBe(true);
        expect((await effects()).length).toBe(120);
      } finally {
        await other.destroy();
      }
    },
  );

  it('RB-2 start() polls on its own and stop() waits for the batch in flight', async () => {
    const jobs = new JobRunner({
      db: database.db,
      clock: systemClock,
      owner: 'poller',
      handlers: { record: recording },
      pollMs: 20,
    });
    await enqueueJob(database.db.kysely, {
      kind: 'record',
      dueAt: new Date().toISOString(),
      payload: { n: 1 },
    });
    jobs.start();
    try {
      await vi.waitFor(async () => expect(await effects()).toEqual(['effect:1']), {
        timeout: 5000,
        interval: 20,
      });
    } finally {
      await jobs.stop();
    }
    await enqueueJob(database.db.kysely, {
      kind: 'record',
      dueAt: new Date().toISOString(),
      payload: { n: 2 },
    });
    expect(await countJobs(database.db.kysely, 'record')).toMatchObject({ pending: 1, done: 1 });
  });
});
