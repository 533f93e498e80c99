import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../db/database';
import type { Database } from '../db/schema';
import * as repo from './job.repository';

export interface LeasedJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  dueAt: string;
  /** This run's attempt, from 1. */
  attempts: number;
}

export interface JobHandler {
  /** Runs inside a transaction that also marks the job done: DB-only effects happen exactly once. */
  inTransaction?: (trx: Kysely<Database>, job: LeasedJob) => Promise<void>;
  /** Or: external I/O (HTTP, SMTP) outside a transaction; a throw retries with backoff. */
  external?: (job: LeasedJob) => Promise<void>;
  /** Attempts before the job is marked failed (default 10). */
  maxAttempts?: number;
}

/**
 * Thrown by a handler that cannot run yet and is not failing (e.g. a delivery waiting for an earlier
 * one to the same receiver): the job is put back, due at `until`, and the attempt is not counted.
 */
export class JobDeferred extends Error {
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super(reason);
    this.name = 'JobDeferred';
  }
}

/** What the runner logs through (pino's shape, so Fastify's logger fits). */
export interface JobLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface JobRunnerOptions {
  db: Db;
  clock: Clock;
  /** Who leases: `hostname:pid:random` by default; kept on each job it ran. */
  owner?: string;
  handlers?: Record<string, JobHandler>;
  /** Between polls when there was nothing (or less than a batch) to do. Default 5000. */
  pollMs?: number;
  /** How long a lease lasts; a job leased longer than this by a node presumed dead is taken over. */
  leaseMs?: number;
  /** Jobs leased per round. Default 10. */
  batch?: number;
  logger?: JobLogger;
  metrics?: Registry;
}

export const DEFAULT_MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 60 * 60_000;

/** 30 s × 2^(attempt−1), capped at one hour, with ±20 % jitter so retries of many jobs spread. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const defaultJobOwner = () => `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

const messageOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 2000) || 'failed';

/**
 * Runs jobs (deadlines, deliveries) from the job table. Any number of nodes may run one each on the
 * same database: a job is leased by one node at a time (SKIP LOCKED on PostgreSQL), and a lease
 * that expires (its node died) is taken over. `inTransaction` handlers commit their effects with
 * the done mark, so they take effect exactly once; `external` handlers (HTTP, SMTP) run at least
 * once, and are retried with backoff until `maxAttempts`, when the job is marked failed.
 */
export class JobRunner {
  readonly owner: string;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly logger: JobLogger | undefined;
  private readonly runs: Counter<'kind' | 'outcome'> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(opts: JobRunnerOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.owner = opts.owner ?? defaultJobOwner();
    this.pollMs = opts.pollMs ?? 5000;
    this.leaseMs = opts.leaseMs ?? 5 * 60_000;
    this.batch = opts.batch ?? 10;
    this.logger = opts.logger;
    for (const [kind, handler] of Object.entries(opts.handlers ?? {})) this.register(kind, handler);
    this.runs =
      opts.metrics &&
      new Counter({
        name: 'releasegate_jobs_total',
        help: 'Jobs run, by kind and outcome (done, retry, failed, deferred, lost)',
        labelNames: ['kind', 'outcome'] as const,
        registers: [opts.metrics],
      });
  }

  /** Modules add their handlers when the app is built. */
  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`A job handler for ${kind} is already registered`);
    if (!handler.inTransaction === !handler.external)
      throw new Error(`The job handler for ${kind} needs exactly one of inTransaction and external`);
    this.handlers.set(kind, handler);
  }

  get kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** Polls until stopped: at once again after a full batch, else after pollMs. Timers are unref'd. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Leases and runs every job due at clock.now(); returns how many ran. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const ran = await this.runBatch();
      total += ran;
      if (ran < this.batch) return total;
    }
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const round = this.runBatch().then(
        (ran) => this.schedule(ran >= this.batch ? 0 : this.pollMs),
        (error: unknown) => {
          // The database may be briefly unavailable; the next poll tries again.
          this.logger?.error({ err: error }, 'job poll failed');
          this.schedule(this.pollMs);
        },
      );
      this.inFlight = round;
    }, delay);
    this.timer.unref();
  }

  /** One round: lease up to a batch of due jobs and run them in order. */
  private async runBatch(): Promise<number> {
    const jobs = await repo.leaseDueJobs(this.db.kysely, this.db.dialect, {
      owner: this.owner,
      now: this.clock.now(),
      leaseMs: this.leaseMs,
      limit: this.batch,
      kinds: this.kinds,
    });
    for (const job of jobs) await this.run(job);
    return jobs.length;
  }

  private async run(job: repo.Job): Promise<void> {
    const handler = this.handlers.get(job.kind)!;
    const leased: LeasedJob = {
      id: job.id,
      kind: job.kind,
      payload: job.payload,
      dueAt: job.dueAt,
      attempts: job.attempts,
    };
    const maxAttempts = handler.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    let outcome: string;
    if (job.attempts > maxAttempts) {
      // Leased again and again without finishing: each node that took it died or timed out.
      await repo.failJob(
        this.db.kysely,
        job,
        this.owner,
        this.clock.now(),
        `lease expired ${maxAttempts} times`,
        null,
      );
      this.runs?.inc({ kind: job.kind, outcome: 'failed' });
      return;
    }
    try {
      if (handler.inTransaction) {
        const ran = await this.db.kysely.transaction().execute(async (trx) => {
          // The done mark first: on PostgreSQL it locks the row until commit, so a node taking
          // over an expired lease cannot run the job a second time.
          if (!(await repo.completeJob(trx, job, this.owner, this.clock.now()))) return false;
          await handler.inTransaction!(trx, leased);
          return true;
        });
        outcome = ran ? 'done' : 'lost';
      } else {
        await handler.external!(leased);
        outcome = (await repo.completeJob(this.db.kysely, job, this.owner, this.clock.now()))
          ? 'done'
          : 'lost';
      }
    } catch (error) {
      outcome = await this.failed(job, maxAttempts, error);
    }
    if (outcome === 'lost')
      this.logger?.warn({ jobId: job.id, kind: job.kind }, 'job lease lost (taken over or cancelled)');
    this.runs?.inc({ kind: job.kind, outcome });
  }

  private async failed(job: repo.Job, maxAttempts: number, error: unknown): Promise<string> {
    const now = this.clock.now();
    if (error instanceof JobDeferred) {
      await repo.deferJob(this.db.kysely, job, this.owner, error.until, messageOf(error));
      return 'deferred';
    }
    const message = messageOf(error);
    const retry = job.attempts < maxAttempts;
    const retryAt = retry ? new Date(now.getTime() + backoffMs(job.attempts)) : null;
    await repo.failJob(this.db.kysely, job, this.owner, now, message, retryAt);
    const context = { jobId: job.id, kind: job.kind, attempt: job.attempts, err: error };
    if (retry) this.logger?.warn(context, `job failed, retrying at ${retryAt!.toISOString()}`);
    else this.logger?.error(context, 'job failed for good');
    return retry ? 'retry' : 'failed';
  }
}
