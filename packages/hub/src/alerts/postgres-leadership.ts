import pg from 'pg';
import type { Leadership } from './leadership.js';

/** Any number, the same for every hub, apart from the migration lock's. */
const ALERTS_LOCK = 7_414_100_215;

/**
 * Leadership by `pg_try_advisory_lock` on a connection of its own, held for as long as the
 * connection lives. Chosen over a lease in Redis (the RunCoordinator's `claimRun`) because the
 * alerts' state is in this database, so `--db` alone is enough, and because the lock has no ttl to
 * tune: a hub that dies drops its connection and the lock with it, and the next hub's tick takes
 * over; a hub that merely pauses keeps it, so two hubs never lead at once on a pause. A lost
 * connection ends the lead on this side at the next check.
 */
export class PostgresLeadership implements Leadership {
  private client: pg.Client | undefined;
  private held = false;
  private checking: Promise<boolean> | undefined;
  private closed = false;

  constructor(private readonly url: string) {}

  /** One check at a time: two at once would each open a connection, and the lock would stay with the one dropped. */
  isLeader(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<boolean> {
    try {
      if (this.held && this.client) {
        await this.client.query('SELECT 1'); // still connected: still ours
        return true;
      }
      this.client ??= await this.connect();
      // Closed while connecting: a client kept now would hold the process open.
      if (this.closed) {
        this.drop();
        return false;
      }
      const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [ALERTS_LOCK]);
      this.held = rows[0]?.ok === true;
      return this.held;
    } catch {
      this.drop();
      return false;
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'runtime-hub alerts leader' });
    client.on('error', () => this.drop());
    await client.connect();
    return client;
  }

  private drop(): void {
    this.held = false;
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.checking;
    const client = this.client;
    this.client = undefined;
    this.held = false;
    await client?.end().catch(() => undefined);
  }
}
