import { io, type Socket } from 'socket.io-client';
import type { ServiceInfo, TraceSpan } from '../api/types';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnection attempts since the connection was lost. */
  attempt: number;
  /** Why the last attempt failed, when it did. */
  lastError?: string;
}

export interface LiveFilter {
  service?: string;
  traceId?: string;
  sessionId?: string;
  kind?: string;
  status?: string;
}

export interface LiveListener {
  /**
   * New and updated spans, in change order. `reset` is true for the first batch after a new
   * subscription (a changed filter): what was shown before no longer applies. Without the
   * `payloads` option they are summaries marked `partial` (no input, output, events, attributes
   * or stack): fetch the whole span to show it.
   */
  spans(spans: TraceSpan[], reset: boolean): void;
  /** The subscription has caught up with everything stored (history done). */
  caughtUp?(): void;
  apps?(services: ServiceInfo[]): void;
  connection?(state: ConnectionState): void;
}

export interface LiveClientOptions {
  /** Origin of the hub; the page's own origin by default. */
  url?: string;
  /** The initial filter. */
  filter?: LiveFilter;
  /** Resume after this change cursor instead of starting with recent history. */
  after?: number;
  /**
   * Whole spans with their payloads instead of summaries. Only for a narrow filter whose payloads
   * are shown as they arrive (one agent run); the feed fetches the span it opens instead.
   */
  payloads?: boolean;
  reconnectionDelayMs?: number;
  reconnectionDelayMaxMs?: number;
}

interface Batch {
  spans: TraceSpan[];
  cursor: number;
}

/**
 * One live subscription to the hub (`/live`), free of any UI framework.
 *
 * It remembers the highest change cursor it has been sent; whenever the socket (re)connects it
 * subscribes with `after: cursor`, so a restart of the hub or a dropped connection costs nothing:
 * the hub replays exactly what was missed. Listeners de-duplicate by `seq`, which makes a replayed
 * span harmless. After a new `subscribe`, `spans` batches still in flight for the previous
 * filter are ignored until the hub's first `history` answer arrives.
 */
export class LiveClient {
  private readonly socket: Socket;
  private filter: LiveFilter = {};
  private readonly payloads: boolean;
  /** Subscribes on connect only once a filter was given (in the options or by setFilter). */
  private active: boolean;
  private cursor: number | undefined;
  private awaitingHistory = true;
  private resetPending = true;
  private state: ConnectionState = { status: 'connecting', attempt: 0 };
  private readonly listeners = new Set<LiveListener>();
  private readonly onOnline = () => {
    if (!this.socket.connected) this.socket.connect();
  };
  private readonly onOffline = () => this.setState({ status: 'offline', attempt: this.state.attempt });

  constructor(options: LiveClientOptions = {}) {
    this.cursor = options.after;
    this.filter = { ...options.filter };
    this.payloads = options.payloads === true;
    this.active = options.filter !== undefined;
    this.resetPending = options.after === undefined;
    this.socket = io(`${options.url ?? ''}/live`, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: options.reconnectionDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectionDelayMaxMs ?? 3000,
      withCredentials: true,
      autoConnect: false,
    });
    this.socket.on('connect', () => {
      this.setState({ status: 'connected', attempt: 0 });
      if (this.active) this.subscribe();
    });
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') this.setState({ status: 'offline', attempt: 0 });
      else this.setState({ status: 'reconnecting', attempt: 0 });
      // A server-side disconnect is not retried by Socket.IO on its own.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error) => {
      const status = typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'reconnecting';
      this.setState({ status, attempt: this.state.attempt, lastError: error.message });
    });
    this.socket.io.on('reconnect_attempt', (attempt) => {
      this.setState({ status: 'reconnecting', attempt, ...(this.state.lastError ? { lastError: this.state.lastError } : {}) });
    });
    this.socket.on('history', (batch: Batch & { done: boolean }) => {
      this.awaitingHistory = false;
      this.receive(batch);
      if (batch.done) for (const l of this.listeners) l.caughtUp?.();
    });
    this.socket.on('spans', (batch: Batch) => {
      if (!this.awaitingHistory) this.receive(batch);
    });
    this.socket.on('apps', (payload: { services: ServiceInfo[] }) => {
      for (const l of this.listeners) l.apps?.(payload.services);
    });
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
    }
  }

  connect(): this {
    this.socket.connect();
    return this;
  }

  listen(listener: LiveListener): () => void {
    this.listeners.add(listener);
    listener.connection?.(this.state);
    return () => this.listeners.delete(listener);
  }

  get connection(): ConnectionState {
    return this.state;
  }

  get lastCursor(): number | undefined {
    return this.cursor;
  }

  /** Subscribes again with a filter: the hub answers with recent history for it, then live changes. */
  setFilter(filter: LiveFilter): void {
    this.active = true;
    this.filter = { ...filter };
    this.cursor = undefined;
    this.resetPending = true;
    if (this.socket.connected) this.subscribe();
  }

  close(): void {
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline);
      window.removeEventListener('offline', this.onOffline);
    }
    this.listeners.clear();
    this.socket.disconnect();
  }

  private subscribe(): void {
    this.awaitingHistory = true;
    const payload: { filter: LiveFilter; after?: number; payloads?: true } = { filter: this.filter };
    if (this.cursor !== undefined) payload.after = this.cursor;
    if (this.payloads) payload.payloads = true;
    this.socket.emit('subscribe', payload);
  }

  private receive(batch: Batch): void {
    if (this.cursor === undefined || batch.cursor > this.cursor) this.cursor = batch.cursor;
    const reset = this.resetPending;
    this.resetPending = false;
    if (batch.spans.length === 0 && !reset) return;
    // A summary at the same seq as a whole span fetched from the API must not replace it.
    if (!this.payloads) for (const span of batch.spans) span.partial = true;
    for (const l of this.listeners) l.spans(batch.spans, reset);
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const l of this.listeners) l.connection?.(state);
  }
}
