import type { Span } from '@runtime-hub/protocol';
import { ListenerSet, StoreReplay, type ChangeFeed, type ChangeListener } from '../change-feed.js';
import { rowToSpan, type SpanRow } from '../sqlite/row-codec.js';
import { PgListener } from './listener.js';
import type { PostgresSpanStore } from './postgres-store.js';
import { CHANGES_CHANNEL, ROW_COLUMNS } from './span-writer.js';

/** Changes read per query when catching up. */
const PAGE = 1_000;
/** A poll even without a notification: covers a LISTEN connection that dropped and came back. */
const FALLBACK_POLL_MS = 1_000;

/**
 * The change feed of hubs sharing one PostgreSQL database. Seq order is commit order (a write
 * numbers its spans under `change_counter`'s row lock, held until commit), so every committed change
 * with seq ≤ N is visible once seq N is: reading `seq > cursor ORDER BY seq` never skips a change
 * that commits later. Each write NOTIFYs at commit; on a notification (or every second, in case one
 * was missed) the feed reads what is new past its cursor and hands it on, in order.
 *
 * This hub's own writes skip the read when nothing is missing before them: a batch whose numbers
 * start right after the cursor goes to the listeners at once, in the same turn as its commit.
 * Redis (the other engineer's fan-out) can carry changes between hubs faster; this feed needs only
 * the database, and its order is the database's.
 */
export class PostgresChangeFeed extends StoreReplay implements ChangeFeed {
  private cursor: number;
  private readonly listeners = new ListenerSet();
  private listener: PgListener | undefined;
  private polling = false;
  private pollAgain = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly pgStore: PostgresSpanStore,
    private readonly onError: (error: unknown) => void,
  ) {
    super(pgStore);
    this.cursor = pgStore.lastSeq();
    this.timer = setInterval(() => this.poll(), FALLBACK_POLL_MS);
    this.timer.unref();
  }

  static async open(store: PostgresSpanStore, url: string, onError: (error: unknown) => void = () => {}): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(store, onError);
    try {
      // While the connection is lost, the fallback poll keeps the feed going; once back, it reads
      // the changes committed while not listening.
      const poll = () => feed.poll();
      feed.listener = await PgListener.open(url, { channel: CHANGES_CHANNEL, name: 'runtime-hub feed', onNotification: poll, onError, onListening: poll });
    } catch (error) {
      await feed.close();
      throw error;
    }
    return feed;
  }

  lastSeq(): number {
    return this.cursor;
  }

  publish(spans: readonly Span[]): void {
    if (spans.length === 0 || this.closed) return;
    if (spans[0]!.seq === this.cursor + 1 && spans.every((span, i) => span.seq === spans[0]!.seq + i)) this.deliver(spans);
    else if (spans[spans.length - 1]!.seq > this.cursor) this.poll(); // another hub's changes come first: read them in order
  }

  onChanges(listener: ChangeListener): () => void {
    return this.listeners.add(listener);
  }

  private deliver(spans: readonly Span[]): void {
    const fresh = spans.filter((span) => span.seq > this.cursor);
    if (fresh.length === 0) return;
    this.cursor = fresh[fresh.length - 1]!.seq;
    this.pgStore.noteSeq(this.cursor);
    this.listeners.emit(fresh, this.onError);
  }

  /** Reads and delivers every committed change past the cursor; one read at a time, again if asked meanwhile. */
  private poll(): void {
    if (this.closed) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    void (async () => {
      try {
        do {
          this.pollAgain = false;
          for (;;) {
            const { rows } = await this.pgStore.pool.query<SpanRow>(`SELECT ${ROW_COLUMNS} FROM spans WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [
              this.cursor,
            ]);
            if (this.closed) return;
            this.deliver(rows.map(rowToSpan));
            if (rows.length < PAGE) break;
          }
        } while (this.pollAgain && !this.closed);
      } catch (error) {
        if (!this.closed) this.onError(error);
      } finally {
        this.polling = false;
      }
    })();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.listener?.close();
  }
}
