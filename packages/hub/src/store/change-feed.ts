import type { Span, SpanFilter } from '@runtime-hub/protocol';
import type { SpanStore } from './store.js';

/** Receives committed changes, in change order (ascending `seq`), each change once. */
export type ChangeListener = (spans: readonly Span[]) => void;

/**
 * The change feed: numbering, publishing and replaying changes. Every span write gives the span a
 * change sequence number (`seq`, the live cursor); the feed hands committed changes to its
 * listeners (the live channel, a cross-hub fan-out) in seq order, and replays any range of them
 * from the store.
 *
 * The guarantees a live client's "no gap, no duplicate" rests on:
 * - `lastSeq()` only grows, and every change with seq ≤ `lastSeq()` is committed, readable through
 *   the replay methods, and was already handed to the listeners (or is being handed right now,
 *   synchronously): a reader never sees the cursor move past an uncommitted write.
 * - Listeners receive each change once, in ascending seq, never one ≤ a seq they already got. A
 *   span changed again later comes again under its new seq (its older seq is then gone from the
 *   replay: a replay gives each span in its latest state).
 * - Changes from every writer sharing the database arrive, not only this hub's own
 *   (`EmbeddedChangeFeed` has one writer by construction; `PostgresChangeFeed` reads the others'
 *   commits from the database).
 *
 * Implementations: `EmbeddedChangeFeed` (this file: in process, over the SQLite store whose writer
 * thread numbers and commits in order) and `postgres/postgres-change-feed.ts` (seq assigned at
 * commit under a lock, other hubs' commits read back from the database on NOTIFY). The suite both
 * pass is `change-feed-conformance.ts`.
 */
export interface ChangeFeed {
  /** The highest change handed to the listeners so far. */
  lastSeq(): number;
  /**
   * Announces changes this hub just committed: what `SpanStore.write` returned, called right after
   * it resolved. The feed decides when they reach the listeners (at once when nothing is missing
   * before them; after other writers' earlier changes otherwise).
   */
  publish(spans: readonly Span[]): void;
  /** Adds a listener; returns the function that removes it. */
  onChanges(listener: ChangeListener): () => void;

  /** Committed changes after `after` and at most `upTo`, in change order (live replay). */
  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]>;
  /** The newest `limit` matching changes with seq ≤ upTo, in change order (live history). */
  recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]>;
  /** Where a replay of (after, upTo] starts so that it sends at most `max` spans, the newest. */
  replayStart(filter: SpanFilter, after: number, upTo: number, max: number): Promise<number>;

  /** Stops delivering; the store it reads from is closed by its owner. */
  close(): Promise<void>;
}

/** The replay half of every feed: the store answers it. */
export abstract class StoreReplay {
  constructor(protected readonly store: SpanStore) {}

  changesBetween(filter: SpanFilter, after: number, upTo: number, limit: number): Promise<Span[]> {
    return this.store.changesBetween(filter, after, upTo, limit);
  }

  recentChanges(filter: SpanFilter, upTo: number, limit: number): Promise<Span[]> {
    return this.store.recentChanges(filter, upTo, limit);
  }

  replayStart(filter: SpanFilter, after: number, upTo: number, max: number): Promise<number> {
    return this.store.replayStart(filter, after, upTo, max);
  }
}

/** Calls every listener with a batch; one listener's exception never keeps the batch from the others. */
export class ListenerSet {
  private readonly listeners = new Set<ChangeListener>();

  add(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(spans: readonly Span[], onError: (error: unknown) => void): void {
    for (const listener of this.listeners) {
      try {
        listener(spans);
      } catch (error) {
        onError(error);
      }
    }
  }
}

/**
 * The embedded feed: one hub, one writer. The SQLite writer thread numbers changes in commit order
 * and `write` promises resolve in that order, so what this hub publishes is already complete and
 * ordered: it goes to the listeners synchronously, in the same turn the write resolved.
 */
export class EmbeddedChangeFeed extends StoreReplay implements ChangeFeed {
  private seq: number;
  private readonly listeners = new ListenerSet();

  constructor(store: SpanStore, private readonly onError: (error: unknown) => void = () => {}) {
    super(store);
    this.seq = store.lastSeq();
  }

  lastSeq(): number {
    return this.seq;
  }

  publish(spans: readonly Span[]): void {
    const fresh = spans.filter((span) => span.seq > this.seq);
    if (fresh.length === 0) return;
    for (const span of fresh) if (span.seq > this.seq) this.seq = span.seq;
    this.listeners.emit(fresh, this.onError);
  }

  onChanges(listener: ChangeListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {}
}
