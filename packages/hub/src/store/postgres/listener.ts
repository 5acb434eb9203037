import pg from 'pg';

export interface ListenOptions {
  /** The NOTIFY channel (a plain identifier). */
  channel: string;
  /** Shown as application_name in pg_stat_activity. */
  name: string;
  onNotification(payload: string | undefined): void;
  /** A lost connection, or a failed attempt to connect again (each retried a second later). */
  onError(error: unknown): void;
  /**
   * After each LISTEN, the first included: the place to read what was committed while nothing
   * listened. Its failure fails `open` the first time, and goes to `onError` after a reconnect.
   */
  onListening?(): Promise<void> | void;
}

/**
 * A dedicated connection LISTENing on one channel — a pooled one would drop the subscription when
 * released — connected again a second after it is lost, until `close()`. The one copy of this
 * for every NOTIFY follower of the scaled mode (change feed, deploy channel, secrets, catalog).
 */
export class PgListener {
  private client: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly options: ListenOptions,
  ) {}

  static async open(url: string, options: ListenOptions): Promise<PgListener> {
    const listener = new PgListener(url, options);
    try {
      await listener.connect();
    } catch (error) {
      await listener.close();
      throw error;
    }
    return listener;
  }

  /** False while the connection is lost (and after close). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.options.name });
    client.on('notification', (message) => this.options.onNotification(message.payload));
    client.on('error', (error) => {
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.options.onError(error);
      this.retry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    await this.options.onListening?.();
  }

  private retry(): void {
    setTimeout(() => {
      if (this.closed) return;
      this.connect().catch((error: unknown) => {
        this.options.onError(error);
        if (!this.closed && !this.client) this.retry();
      });
    }, 1_000).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
