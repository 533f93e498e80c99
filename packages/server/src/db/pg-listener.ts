import pg from 'pg';

export interface ListenerHandlers {
  notified(payload: string): void;
  /** LISTEN is in place (at the start, and again after a lost connection): earlier notices may be lost. */
  listening?(): void;
  error(error: unknown): void;
}

/**
 * One PostgreSQL connection that LISTENs to one channel and, when it fails, tries again every
 * second until it listens, so that a restarted database (however long it is away) loses no listener. `listening` is true only while notices are heard.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    readonly channel: string,
    private readonly handlers: ListenerHandlers,
  ) {}

  get listening(): boolean {
    return this.client !== null;
  }

  start(): Promise<void> {
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }

  /** A second from now, and every second after that until it listens (the database may be away a while). */
  private retry(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed) return;
      this.start().catch((error: unknown) => {
        this.handlers.error(error);
        this.retry();
      });
    }, 1000).unref();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.handlers.notified(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.handlers.error(error);
      // A failure while connecting is start()'s to report; only a lost listening connection is retried here.
      if (this.client !== client) return;
      this.client = null;
      this.connecting = null;
      void client.end().catch(() => {});
      this.retry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      void client.end().catch(() => {});
      throw error;
    }
    if (this.closed) return void client.end().catch(() => {});
    this.client = client;
    this.handlers.listening?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}
