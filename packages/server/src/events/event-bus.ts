import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { PostgresListener } from '../db/pg-listener';

/** What a page watching a release is told: something changed, and what (IM-3 live progress). */
export interface LiveEvent {
  type: string;
  releaseId: string;
  at: string;
  [key: string]: unknown;
}

export type Listener = (event: LiveEvent) => void;

/**
 * Live events for watchers (Server-Sent Events). On one node an in-process emitter is enough;
 * with several nodes on PostgreSQL every event goes through NOTIFY and every node (the sender
 * included) hands what it hears to its own watchers, so each watcher sees each event once.
 */
export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
  /** Listens to the events of one release; returns the function that stops listening. */
  subscribe(releaseId: string, listener: Listener): () => void;
  close(): Promise<void>;
}

class Fanout {
  private readonly emitter = new EventEmitter();
  constructor() {
    // Every open page is a listener; the default warning at 10 would be noise, not a leak.
    this.emitter.setMaxListeners(0);
  }
  deliver(event: LiveEvent) {
    this.emitter.emit(event.releaseId, event);
  }
  subscribe(releaseId: string, listener: Listener) {
    this.emitter.on(releaseId, listener);
    return () => void this.emitter.off(releaseId, listener);
  }
}

export class LocalEventBus implements EventBus {
  private readonly fanout = new Fanout();
  publish(event: LiveEvent): Promise<void> {
    this.fanout.deliver(event);
    return Promise.resolve();
  }
  subscribe(releaseId: string, listener: Listener) {
    return this.fanout.subscribe(releaseId, listener);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** NOTIFY payloads are limited to 8000 bytes; events are small notes, the page reloads details. */
const MAX_PAYLOAD = 7900;

export class PostgresEventBus implements EventBus {
  private readonly fanout = new Fanout();
  private readonly listener: PostgresListener;

  constructor(
    private readonly db: Db,
    onError: (error: unknown) => void = () => {},
  ) {
    // One channel per schema: test databases (a schema each) never hear each other.
    this.listener = new PostgresListener(db.url!, `releasegate_events_${db.schema ?? 'public'}`, {
      notified: (payload) => {
        if (!payload) return;
        try {
          this.fanout.deliver(JSON.parse(payload) as LiveEvent);
        } catch (error) {
          onError(error);
        }
      },
      error: onError,
    });
  }

  get channel(): string {
    return this.listener.channel;
  }

  /** Opens the LISTEN connection; reconnects after a failure so a restarted database loses no watcher. */
  start(): Promise<void> {
    return this.listener.start();
  }

  async publish(event: LiveEvent): Promise<void> {
    let payload = JSON.stringify(event);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD)
      payload = JSON.stringify({ type: event.type, releaseId: event.releaseId, at: event.at });
    await sql`select pg_notify(${this.channel}, ${payload})`.execute(this.db.kysely);
  }

  subscribe(releaseId: string, listener: Listener) {
    return this.fanout.subscribe(releaseId, listener);
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

export async function createEventBus(db: Db, onError?: (error: unknown) => void): Promise<EventBus> {
  if (db.dialect !== 'postgres' || !db.url) return new LocalEventBus();
  const bus = new PostgresEventBus(db, onError);
  await bus.start();
  return bus;
}
