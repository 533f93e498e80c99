import { randomUUID } from 'node:crypto';
import type { Kysely, QueryCreator, Selectable } from 'kysely';
import type { Dialect } from '../db/database';
import { startsWith } from '../db/like';
import type { Database } from '../db/schema';
import type { JobsTable } from './jobs.tables';

export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface NewJob {
  /** e.g. 'rollback.deadline' */
  kind: string;
  /** ISO-8601 */
  dueAt: string;
  payload: Record<string, unknown>;
  /** Unique: enqueueing a key that already exists (in any state) does nothing. */
  key?: string;
}

export interface Job {
  id: string;
  kind: string;
  key: string | null;
  payload: Record<string, unknown>;
  dueAt: string;
  state: JobState;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastError: string | null;
  createdAt: string;
  doneAt: string | null;
}

const toJob = (r: Selectable<JobsTable>): Job => ({
  id: r.id,
  kind: r.kind,
  key: r.key,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  dueAt: r.due_at,
  state: r.state as JobState,
  attempts: r.attempts,
  leaseOwner: r.lease_owner,
  leaseUntil: r.lease_until,
  lastError: r.last_error,
  createdAt: r.created_at,
  doneAt: r.done_at,
});

const iso = (text: string) => new Date(text).toISOString();

/**
 * Adds a job in the caller's transaction, so it exists exactly when the caller's effects do.
 * A job with the key of an existing job is not added.
 */
export async function enqueueJob(q: Kysely<Database>, job: NewJob): Promise<void> {
  await q
    .insertInto('jobs')
    .values({
      id: randomUUID(),
      kind: job.kind,
      key: job.key ?? null,
      payload: JSON.stringify(job.payload),
      // Normalised, so that due_at <= now compares correctly as text.
      due_at: iso(job.dueAt),
      state: 'pending',
      attempts: 0,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: new Date().toISOString(),
      done_at: null,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/** Cancels pending jobs whose key starts with the prefix (e.g. a decision was taken). */
export async function cancelJobs(q: Kysely<Database>, keyPrefix: string): Promise<number> {
  const result = await q
    .updateTable('jobs')
    .set({ state: 'cancelled', lease_owner: null, lease_until: null })
    .where('state', '=', 'pending')
    .where(startsWith('key', keyPrefix))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Moves a pending job of the key to run at `dueAt` if it is due later (a wait has ended early). */
export async function advanceJob(q: Kysely<Database>, key: string, dueAt: string): Promise<void> {
  await q
    .updateTable('jobs')
    .set({ due_at: iso(dueAt) })
    .where('key', '=', key)
    .where('state', '=', 'pending')
    .where('due_at', '>', iso(dueAt))
    .execute();
}

export async function findJobByKey(q: Kysely<Database>, key: string): Promise<Job | undefined> {
  const row = await q.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toJob(row);
}

export async function findJob(q: Kysely<Database>, id: string): Promise<Job | undefined> {
  const row = await q.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

export interface LeaseRequest {
  owner: string;
  now: Date;
  leaseMs: number;
  limit: number;
  /** Only kinds this node can run: a node without a handler leaves the job to one that has it. */
  kinds: readonly string[];
}

/**
 * Leases up to `limit` jobs due now (and jobs whose lease expired: the node running them died).
 * PostgreSQL: one UPDATE over a `FOR UPDATE SKIP LOCKED` sub-select, so nodes polling at once take
 * disjoint jobs. SQLite: the same statement in a BEGIN IMMEDIATE transaction (one writer at a time).
 * Each lease counts as an attempt.
 */
export async function leaseDueJobs(
  db: Kysely<Database>,
  dialect: Dialect,
  req: LeaseRequest,
): Promise<Job[]> {
  if (req.kinds.length === 0 || req.limit < 1) return [];
  const now = req.now.toISOString();
  const lease = async (q: Kysely<Database>) => {
    const due = (qc: QueryCreator<Database>) => {
      const select = qc
        .selectFrom('jobs')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'pending'), eb('due_at', '<=', now)]),
            eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
          ]),
        )
        .where('kind', 'in', [...req.kinds])
        .orderBy('due_at')
        .orderBy('created_at')
        .limit(req.limit);
      return dialect === 'postgres' ? select.forUpdate().skipLocked() : select;
    };
    // A materialised CTE: the locked sub-select runs once, never re-evaluated by the planner.
    const rows = await q
      .with(
        (cte) => cte('due').materialized(),
        (qc) => due(qc),
      )
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        lease_owner: req.owner,
        lease_until: new Date(req.now.getTime() + req.leaseMs).toISOString(),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .returningAll()
      .execute();
    return rows
      .map(toJob)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.createdAt.localeCompare(b.createdAt));
  };
  return dialect === 'sqlite' ? db.transaction().execute(lease) : lease(db);
}

/** The lease is still ours (same owner, same attempt, still running): only then may we finish. */
function ownLease(q: Kysely<Database>, job: { id: string; attempts: number }, owner: string) {
  return q
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .where('attempts', '=', job.attempts);
}

/**
 * Marks a leased job done if the lease is still ours; false if another node took it over or it was
 * cancelled. Inside a transaction, PostgreSQL holds the row lock from here until commit, so a
 * takeover cannot lease it in between.
 */
export async function completeJob(
  q: Kysely<Database>,
  job: { id: string; attempts: number },
  owner: string,
  now: Date,
): Promise<boolean> {
  const result = await ownLease(q, job, owner)
    .set({ state: 'done', done_at: now.toISOString(), lease_until: null, last_error: null })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A failed attempt: back to pending at `retryAt`, or failed for good when `retryAt` is null. */
export async function failJob(
  q: Kysely<Database>,
  job: { id: string; attempts: number },
  owner: string,
  now: Date,
  error: string,
  retryAt: Date | null,
): Promise<boolean> {
  const result = await ownLease(q, job, owner)
    .set(
      retryAt
        ? { state: 'pending', due_at: retryAt.toISOString(), lease_until: null, last_error: error }
        : { state: 'failed', done_at: now.toISOString(), lease_until: null, last_error: error },
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Not a failure: the job waits (e.g. for an earlier delivery) and the lease is not counted. */
export async function deferJob(
  q: Kysely<Database>,
  job: { id: string; attempts: number },
  owner: string,
  until: Date,
  reason: string,
): Promise<boolean> {
  const result = await ownLease(q, job, owner)
    .set((eb) => ({
      state: 'pending',
      due_at: until.toISOString(),
      lease_until: null,
      attempts: eb('attempts', '-', 1),
      last_error: reason,
    }))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface JobCounts {
  pending: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

export async function countJobs(q: Kysely<Database>, kind?: string): Promise<JobCounts> {
  let query = q.selectFrom('jobs').select((eb) => ['state', eb.fn.countAll<number>().as('n')]);
  if (kind) query = query.where('kind', '=', kind);
  const rows = await query.groupBy('state').execute();
  const counts: JobCounts = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const r of rows) counts[r.state as JobState] = Number(r.n);
  return counts;
}
