import pg from 'pg';

export interface ListenerHandlers {
  notified(payload: string): void;
  /** LISTEN is in place (at the start, and again after a lost connection): earlier notices may be lost. */
  listening?(): void;
  error(error: unknown): void;
}

/**
 * One PostgreSQL connection that LISTENs to one channel and comes back a second after it fails,
 * so that a restarted database loses no listener. `listening` is true only while notices are heard.
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
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.handlers.notified(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.handlers.error(error);
      this.client = null;
      this.connecting = null;
      void client.end().catch(() => {});
      if (!this.closed)
        setTimeout(() => void this.start().catch((e: unknown) => this.handlers.error(e)), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
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
