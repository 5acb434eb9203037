import type { Namespace, Server, Socket } from 'socket.io';
import { LiveSubscribe, type LiveSpan, type ServiceInfo, type Span, type SpanFilter } from '@runtime-hub/protocol';
import type { ChangeFeed } from '../store/change-feed.js';
import { matchesFilter, roomOf, subscriptionOfRoom } from './filter.js';
import { summarize } from './span-summary.js';

export interface LiveOptions {
  /** How long new spans are coalesced before one batch goes out (ms). */
  flushIntervalMs: number;
  /** Spans sent as "recent history" to a subscriber that has seen nothing yet. */
  historyLimit: number;
  /** Page size of a replay after a reconnect. */
  replayPageSize: number;
  /**
   * Most spans one subscription replays from `after`: with more changes than this behind the
   * cursor, only the newest are sent and the `done` page says which range was skipped.
   */
  maxReplay: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { flushIntervalMs: 5, historyLimit: 500, replayPageSize: 250, maxReplay: 10_000 };

/** A subscribe request waiting for its turn on a socket. */
interface SubscribeRequest {
  filter: SpanFilter;
  after: number | undefined;
  payloads: boolean;
  reply: ((value: unknown) => void) | undefined;
  generation: number;
}

/** Per socket: the generation of its current subscription and the one request queued behind it. */
interface SocketSubscriptions {
  generation: number;
  running: boolean;
  next: SubscribeRequest | undefined;
}

/**
 * The live channel, Socket.IO namespace `/live`.
 *
 * Protocol: the client emits `subscribe` `{ filter, after?, payloads? }`; the hub emits `history`
 * `{ spans, cursor, done }` pages until the client has everything up to now, then `spans`
 * `{ spans, cursor }` batches as changes commit, and `apps` `{ services }` on presence changes.
 * Every span carries `seq`; `cursor` is the highest change the client has now been sent, so on
 * reconnect it subscribes with `after: cursor` and gets exactly what it missed. Spans go out as
 * summaries without payloads (`summarize`), whole only to subscriptions with `payloads: true`.
 *
 * No gap, no duplicate: replay pages cover seq ≤ a high-water mark; the socket joins its room in
 * the same synchronous step that finds nothing left above the mark, after pending changes were
 * flushed to the rooms already joined. Everything later reaches it through the room.
 *
 * One subscription per socket: a new `subscribe` ends the current one at once (its room is left,
 * its replay stops at its next page) and the last one wins. Requests that arrive while a replay
 * runs are not run side by side: only the newest waits, the ones it replaced are answered
 * `{ superseded: true }`. So a socket is in at most one filter room, and at most one replay per
 * socket reads the store, however many subscribes it sends.
 *
 * Bounded replays: pages of `replayPageSize`, each read on a reader thread, the next one only when
 * the socket has written the last; at most `maxReplay` spans of backlog per subscription.
 */
export class LiveChannel {
  private readonly nsp: Namespace;
  private pending = new Map<string, Span>();
  private pendingCursor = 0;
  /**
   * The highest seq the feed handed over. Replays stop here rather than at the store's last
   * write: a span committed but not yet published will reach subscribers through their room, so
   * it must not also be in their history.
   */
  private publishedSeq: number;
  private timer: NodeJS.Timeout | undefined;

  private readonly stopListening: () => void;

  /**
   * Listens to the change feed: every committed change, this hub's and (in scaled mode) other
   * hubs', arrives from it once and in seq order; replays read through it too.
   */
  constructor(
    io: Server,
    private readonly feed: ChangeFeed,
    readonly options: LiveOptions = DEFAULT_LIVE_OPTIONS,
  ) {
    this.nsp = io.of('/live');
    this.publishedSeq = feed.lastSeq();
    this.stopListening = feed.onChanges((spans) => this.publish(spans));
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  get namespace(): Namespace {
    return this.nsp;
  }

  /** Spans waiting for the next coalesced broadcast (GET /metrics). */
  get queuedSpans(): number {
    return this.pending.size;
  }

  /** Queues committed spans (from the feed); a coalesced batch goes out after `flushIntervalMs`. */
  private publish(spans: readonly Span[]): void {
    if (spans.length === 0) return;
    for (const span of spans) {
      // A span changed twice within one interval is sent once, in its latest state.
      this.pending.delete(span.spanId);
      this.pending.set(span.spanId, span);
      if (span.seq > this.pendingCursor) this.pendingCursor = span.seq;
    }
    if (this.pendingCursor > this.publishedSeq) this.publishedSeq = this.pendingCursor;
    this.timer ??= setTimeout(() => this.flush(), this.options.flushIntervalMs);
  }

  /** Sends queued spans to every subscribed room now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const spans = [...this.pending.values()];
    const cursor = this.pendingCursor;
    this.pending = new Map();
    // Summarized once per batch, for every room that did not ask for payloads.
    let summaries: LiveSpan[] | undefined;
    for (const room of this.nsp.adapter.rooms.keys()) {
      const subscription = subscriptionOfRoom(room);
      if (!subscription) continue;
      const { filter, payloads } = subscription;
      const batch: readonly (Span | LiveSpan)[] = payloads ? spans : (summaries ??= spans.map(summarize));
      const matching = isEmpty(filter) ? batch : batch.filter((span) => matchesFilter(span, filter));
      // Rooms with nothing matching still learn the new cursor, so a reconnect skips ahead.
      // This hub's sockets only: with the Redis adapter (scaled mode) every hub sends the changes
      // of its own feed, so a broadcast to other hubs' sockets would reach them twice.
      this.nsp.local.to(room).emit('spans', { spans: matching, cursor });
    }
  }

  emitApps(services: ServiceInfo[]): void {
    // Every hub reads presence from the shared store and announces it to its own sockets.
    this.nsp.local.emit('apps', { services });
  }

  close(): void {
    this.stopListening();
    this.flush();
    this.nsp.disconnectSockets(true);
  }

  private onConnection(socket: Socket): void {
    const subscriptions: SocketSubscriptions = { generation: 0, running: false, next: undefined };
    socket.on('subscribe', (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (value: unknown) => void) : undefined;
      const parsed = LiveSubscribe.safeParse(payload ?? {});
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
        const error = { code: 'INVALID_BODY', message };
        socket.emit('live-error', error);
        reply?.({ error });
        return;
      }
      this.endSubscription(socket, subscriptions);
      const { filter, after, payloads } = parsed.data;
      subscriptions.next = { filter, after, payloads, reply, generation: subscriptions.generation };
      if (!subscriptions.running) void this.runSubscriptions(socket, subscriptions);
    });
    socket.on('unsubscribe', () => this.endSubscription(socket, subscriptions));
  }

  /** Ends the socket's current subscription now; a queued one that never ran is answered as superseded. */
  private endSubscription(socket: Socket, subscriptions: SocketSubscriptions): void {
    subscriptions.generation++;
    this.leaveFilterRooms(socket);
    subscriptions.next?.reply?.({ superseded: true });
    subscriptions.next = undefined;
  }

  /** Runs a socket's subscribe requests one at a time; each replaced one stops at its next step. */
  private async runSubscriptions(socket: Socket, subscriptions: SocketSubscriptions): Promise<void> {
    subscriptions.running = true;
    for (let request = subscriptions.next; request; request = subscriptions.next) {
      subscriptions.next = undefined;
      const current = () => subscriptions.generation === request!.generation && socket.connected;
      try {
        const cursor = await this.subscribe(socket, request, current);
        request.reply?.(cursor === undefined ? { superseded: true } : { ok: true, cursor });
      } catch (err) {
        const error = { code: 'INTERNAL', message: 'subscription failed' };
        socket.emit('live-error', error);
        request.reply?.({ error });
        socket.data.log?.(err);
      }
    }
    subscriptions.running = false;
  }

  /**
   * Replays history for one subscription, then joins its room. Answers the cursor it joined at, or
   * undefined when `current()` turned false on the way (replaced, unsubscribed or disconnected).
   */
  private async subscribe(socket: Socket, { filter, after, payloads }: SubscribeRequest, current: () => boolean): Promise<number | undefined> {
    const shape = (spans: Span[]) => (payloads ? spans : spans.map(summarize));
    let cursor: number;
    let capped: { after: number; upTo: number; limit: number } | undefined;
    if (after === undefined) {
      this.flush();
      cursor = this.publishedSeq;
      const spans = await this.feed.recentChanges(filter, cursor, this.options.historyLimit);
      if (!current()) return undefined;
      socket.emit('history', { spans: shape(spans), cursor, done: false });
    } else {
      cursor = Math.min(after, this.publishedSeq);
      // More backlog than one subscription may replay: skip to the newest `maxReplay` changes.
      const start = await this.feed.replayStart(filter, cursor, this.publishedSeq, this.options.maxReplay);
      if (!current()) return undefined;
      if (start > cursor) {
        capped = { after: cursor, upTo: start, limit: this.options.maxReplay };
        cursor = start;
      }
    }
    for (;;) {
      await writable(socket);
      if (!current()) return undefined;
      this.flush();
      const upTo = this.publishedSeq;
      if (upTo <= cursor) {
        this.leaveFilterRooms(socket);
        void socket.join(roomOf(filter, payloads));
        socket.emit('history', { spans: [], cursor, done: true, ...(capped ? { capped } : {}) });
        return cursor;
      }
      const spans = await this.feed.changesBetween(filter, cursor, upTo, this.options.replayPageSize);
      if (!current()) return undefined;
      cursor = spans.length === this.options.replayPageSize ? spans[spans.length - 1]!.seq : upTo;
      socket.emit('history', { spans: shape(spans), cursor, done: false });
    }
  }

  private leaveFilterRooms(socket: Socket): void {
    for (const room of socket.rooms) if (room.startsWith('f:')) void socket.leave(room);
  }
}

function isEmpty(filter: SpanFilter): boolean {
  for (const key in filter) if (filter[key as keyof SpanFilter] !== undefined) return false;
  return true;
}

/**
 * Resolves once the socket's transport has taken what was emitted so far: the replay's
 * backpressure, so a slow client holds one page in the hub's memory, not its whole history.
 */
function writable(socket: Socket): Promise<void> {
  const conn = socket.conn as unknown as { writeBuffer: unknown[] } & NodeJS.EventEmitter;
  if (conn.writeBuffer.length === 0 || !socket.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      conn.off('drain', done);
      conn.off('close', done);
      resolve();
    };
    conn.on('drain', done);
    conn.on('close', done);
  });
}
