import { io, type Socket } from 'socket.io-client';
import type { Span, SpanFilter } from '@runtime-hub/protocol';

/**
 * A live-channel client that does what the dashboard does: subscribe, collect history and live
 * batches, remember the cursor, and resubscribe after it on reconnect.
 */
export class LiveTestClient {
  readonly socket: Socket;
  /** Every span delivery, in arrival order (duplicates would show up here). */
  readonly received: Span[] = [];
  cursor: number | undefined;
  historyDone = false;
  private waiters: (() => void)[] = [];

  constructor(url: string, private readonly filter: SpanFilter = {}, auth?: { token: string }) {
    // The token goes in the handshake's Authorization header, where the hub checks it.
    const extraHeaders = auth ? { authorization: `Bearer ${auth.token}` } : undefined;
    this.socket = io(`${url}/live`, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, auth, extraHeaders });
    this.socket.on('connect', () => {
      this.historyDone = false;
      this.socket.emit('subscribe', { filter: this.filter, ...(this.cursor !== undefined ? { after: this.cursor } : {}) });
    });
    this.socket.on('history', (batch: { spans: Span[]; cursor: number; done: boolean }) => {
      this.take(batch.spans, batch.cursor);
      if (batch.done) this.historyDone = true;
    });
    this.socket.on('spans', (batch: { spans: Span[]; cursor: number }) => this.take(batch.spans, batch.cursor));
  }

  private take(spans: Span[], cursor: number): void {
    this.received.push(...spans);
    this.cursor = cursor;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when `predicate` holds, checking after each delivery. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms; received ${this.received.length} spans`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
