import type { Namespace, Server, Socket } from 'socket.io';
import { LiveSubscribe, type ServiceInfo, type Span, type SpanFilter } from '@runtime-hub/protocol';
import type { SpanStore } from '../store/store.js';
import { filterOfRoom, matchesFilter, roomOf } from './filter.js';

export interface LiveOptions {
  /** How long new spans are coalesced before one batch goes out (ms). */
  flushIntervalMs: number;
  /** Spans sent as "recent history" to a subscriber that has seen nothing yet. */
  historyLimit: number;
  /** Page size of a replay after a reconnect. */
  replayPageSize: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { flushIntervalMs: 5, historyLimit: 500, replayPageSize: 2000 };

/**
 * The live channel, Socket.IO namespace `/live`.
 *
 * Protocol: the client emits `subscribe` `{ filter, after? }`; the hub emits `history`
 * `{ spans, cursor, done }` pages until the client has everything up to now, then `spans`
 * `{ spans, cursor }` batches as changes commit, and `apps` `{ services }` on presence changes.
 * Every span carries `seq`; `cursor` is the highest change the client has now been sent, so on
 * reconnect it subscribes with `after: cursor` and gets exactly what it missed.
 *
 * No gap, no duplicate: replay pages cover seq ≤ a high-water mark; the socket joins its room in
 * the same synchronous step that finds nothing left above the mark, after pending changes were
 * flushed to the rooms already joined. Everything later reaches it through the room.
 */
export class LiveChannel {
  private readonly nsp: Namespace;
  private pending = new Map<string, Span>();
  private pendingCursor = 0;
  /**
   * The highest seq handed to publish(). Replays stop here rather than at the store's last
   * write: a span committed but not yet published will reach subscribers through their room, so
   * it must not also be in their history.
   */
  private publishedSeq: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    io: Server,
    private readonly store: SpanStore,
    private readonly options: LiveOptions = DEFAULT_LIVE_OPTIONS,
  ) {
    this.nsp = io.of('/live');
    this.publishedSeq = store.lastSeq();
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  get namespace(): Namespace {
    return this.nsp;
  }

  /** Queues committed spans; a coalesced batch goes out after `flushIntervalMs`. */
  publish(spans: readonly Span[]): void {
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
    for (const room of this.nsp.adapter.rooms.keys()) {
      const filter = filterOfRoom(room);
      if (!filter) continue;
      const matching = spans.filter((span) => matchesFilter(span, filter));
      // Rooms with nothing matching still learn the new cursor, so a reconnect skips ahead.
      this.nsp.to(room).emit('spans', { spans: matching, cursor });
    }
  }

  emitApps(services: ServiceInfo[]): void {
    this.nsp.emit('apps', { services });
  }

  close(): void {
    this.flush();
    this.nsp.disconnectSockets(true);
  }

  private onConnection(socket: Socket): void {
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
      this.subscribe(socket, parsed.data.filter, parsed.data.after).then(
        (cursor) => reply?.({ ok: true, cursor }),
        (err: unknown) => {
          const error = { code: 'INTERNAL', message: 'subscription failed' };
          socket.emit('live-error', error);
          reply?.({ error });
          socket.data.log?.(err);
        },
      );
    });
    socket.on('unsubscribe', () => this.leaveFilterRooms(socket));
  }

  private async subscribe(socket: Socket, filter: SpanFilter, after: number | undefined): Promise<number> {
    this.leaveFilterRooms(socket);
    let cursor: number;
    if (after === undefined) {
      this.flush();
      cursor = this.publishedSeq;
      const spans = await this.store.recentChanges(filter, cursor, this.options.historyLimit);
      socket.emit('history', { spans, cursor, done: false });
    } else {
      cursor = Math.min(after, this.publishedSeq);
    }
    for (;;) {
      this.flush();
      const upTo = this.publishedSeq;
      if (upTo <= cursor) {
        void socket.join(roomOf(filter));
        socket.emit('history', { spans: [], cursor, done: true });
        return cursor;
      }
      const spans = await this.store.changesBetween(filter, cursor, upTo, this.options.replayPageSize);
      cursor = spans.length === this.options.replayPageSize ? spans[spans.length - 1]!.seq : upTo;
      if (!socket.connected) return cursor;
      socket.emit('history', { spans, cursor, done: false });
    }
  }

  private leaveFilterRooms(socket: Socket): void {
    for (const room of socket.rooms) if (room.startsWith('f:')) void socket.leave(room);
  }
}
