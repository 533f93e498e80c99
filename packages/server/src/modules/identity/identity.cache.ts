import { CompiledQuery } from 'kysely';
import type { Db } from '../../db/database';
import { PostgresListener } from '../../db/pg-listener';
import type { TableWrite } from '../../db/table-writes';
import type { ApiToken, Session, User } from './identity.repository';

/**
 * Whether a write of this process changes who may act, as the migration's triggers decide for
 * everyone else's: any write to users or roles; a session or token revoked, shortened or deleted,
 * but not a new one (nothing kept names it) nor the touch of its last use.
 */
function changesIdentity({ table, kind, columns }: TableWrite): boolean {
  if (table === 'users' || table === 'user_roles') return true;
  if (table !== 'sessions' && table !== 'api_tokens') return false;
  if (kind !== 'update') return kind === 'delete';
  const touch = table === 'sessions' ? 'last_seen_at' : 'last_used_at';
  return !columns || columns.some((column) => column !== touch);
}

/**
 * Whether what the cache keeps is still what the database says: asked before every lookup.
 * `usable` false: read the database this time, keep nothing.
 */
interface Freshness {
  /** Resolves false when the cache must not be used now; calls `clear` first when things changed. */
  check(clear: () => void): Promise<boolean> | boolean;
  close(): Promise<void>;
}

/** SQLite: triggers move `identity_epoch` in every writer's transaction; one indexed read tells. */
class EpochFreshness implements Freshness {
  private seen: number | null = null;
  private static readonly READ = CompiledQuery.raw('select epoch from identity_epoch where id = 1');
  constructor(private readonly db: Db) {}
  async check(clear: () => void): Promise<boolean> {
    const { rows } = await this.db.kysely.executeQuery<{ epoch: number }>(EpochFreshness.READ);
    const epoch = rows[0]?.epoch;
    if (epoch === undefined) return false;
    if (epoch !== this.seen) {
      clear();
      this.seen = epoch;
    }
    return true;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * PostgreSQL: this process's own writes are heard as they run and again as they commit
 * (TableWrites); other processes' by NOTIFY from triggers after they commit. Nothing is kept while
 * the node is not listening.
 */
class SignalFreshness implements Freshness {
  private readonly listener: PostgresListener;
  private clear: (() => void) | null = null;
  private readonly unwatch: () => void;
  constructor(db: Db, onError: (error: unknown) => void) {
    this.listener = new PostgresListener(db.url!, `releasegate_identity_${db.schema ?? 'public'}`, {
      notified: () => this.clear?.(),
      listening: () => this.clear?.(),
      error: onError,
    });
    this.unwatch =
      db.tableWrites?.watch((write) => {
        if (changesIdentity(write)) this.clear?.();
      }) ?? (() => {});
  }
  start(): Promise<void> {
    return this.listener.start();
  }
  check(clear: () => void): boolean {
    this.clear = clear;
    if (!this.listener.listening) clear();
    return this.listener.listening;
  }
  close(): Promise<void> {
    this.unwatch();
    return this.listener.close();
  }
}

interface Kept<T> {
  value: T;
  at: number;
}

export interface SessionRow {
  session: Session;
  user: User;
}
export interface TokenRow {
  token: ApiToken;
  user: User;
}

/** A lookup's answer, and whether it came from the cache (then it may be up to `ttlMs` old). */
export interface Looked<T> {
  value: T | undefined;
  kept: boolean;
}

/**
 * Decision 0028: the sessions and API tokens this process checked in the last second, with their
 * users and roles, so that a signed-in request need not read them again. Every lookup first asks
 * the database whether anything about identities changed (see Freshness); an entry is kept for at
 * most `ttlMs` whatever it is told, so a change reaches every node within that time even when a
 * signal is lost. Unknown sessions and tokens are never kept (guessing fills nothing).
 */
export class IdentityCache {
  private readonly sessions = new Map<string, Kept<SessionRow>>();
  private readonly tokens = new Map<string, Kept<TokenRow>>();
  /** Moves on every clear: a read that started before a clear does not store what it read. */
  private generation = 0;
  /** Lookups answered from the cache, read from the database, and read while the cache could not be trusted. */
  readonly counts = { kept: 0, read: 0, bypassed: 0 };

  constructor(
    private readonly freshness: Freshness,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly clear = (): void => {
    this.generation++;
    this.sessions.clear();
    this.tokens.clear();
  };

  session(idHash: string, load: () => Promise<SessionRow | undefined>): Promise<Looked<SessionRow>> {
    return this.lookup(this.sessions, idHash, load);
  }

  token(hash: string, load: () => Promise<TokenRow | undefined>): Promise<Looked<TokenRow>> {
    return this.lookup(this.tokens, hash, load);
  }

  /** Drops one entry (a kept session that looks expired is read again before it is ended). */
  forget(key: string): void {
    this.sessions.delete(key);
    this.tokens.delete(key);
  }

  close(): Promise<void> {
    this.clear();
    return this.freshness.close();
  }

  private async lookup<T>(
    map: Map<string, Kept<T>>,
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<Looked<T>> {
    if (!(await this.freshness.check(this.clear))) {
      this.counts.bypassed++;
      return { value: await load(), kept: false };
    }
    const at = this.now();
    const kept = map.get(key);
    if (kept && at - kept.at < this.ttlMs) {
      this.counts.kept++;
      return { value: kept.value, kept: true };
    }
    this.counts.read++;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation) {
      if (map.size >= this.maxEntries) map.delete(map.keys().next().value!);
      map.set(key, { value, at });
    }
    return { value, kept: false };
  }
}

/** The cache for this database, or none when `ttlMs` is 0 (AUTH_CACHE_MS=0). */
export async function createIdentityCache(
  db: Db,
  ttlMs: number,
  onError: (error: unknown) => void,
): Promise<IdentityCache | undefined> {
  if (ttlMs <= 0) return undefined;
  if (db.dialect === 'sqlite') return new IdentityCache(new EpochFreshness(db), ttlMs);
  if (!db.url) return undefined;
  const freshness = new SignalFreshness(db, onError);
  await freshness.start();
  return new IdentityCache(freshness, ttlMs);
}
