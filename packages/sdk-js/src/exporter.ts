import type { Config } from './config.js';
import { debug, warnUser } from './log.js';
import type { SpanState } from './span.js';
import type { Transport } from './transport/transport.js';
import type { WireSpan } from './wire.js';

export const SPANS_PATH = '/api/v1/spans';
/** How long sends must fail before tracked calls stop copying payloads. */
export const HUB_DOWN_AFTER_MS = 1_000;

/** Why records were dropped; the counts travel in every heartbeat. */
export type DropReason = 'queue_full' | 'too_large' | 'rejected' | 'before_send' | 'unserializable' | 'shutdown';

interface Batch {
  json: string;
  count: number;
}

/**
 * The background sender. Spans are queued by reference when they start and serialized only when a
 * batch is formed, so a call that ends before its start record was sent costs one record, not two.
 * One request at a time; while it is in flight new records gather into the next batch. Failures
 * keep the batch and retry with exponential backoff and jitter (or the hub's Retry-After); the
 * queue is bounded by count and bytes, and every record that cannot be kept is counted by reason.
 */
export class Exporter {
  readonly dropped: Partial<Record<DropReason, number>> = {};
  private queue: SpanState[] = [];
  private head = 0;
  private queuedBytes = 0;
  private pending: Batch | undefined;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Records the hub acknowledged; for tests and debugging. */
  sent = 0;
  /** Called after each batch the hub accepted (the heartbeat uses it to report a recovery). */
  onDelivered: (() => void) | undefined;

  private readonly serviceJson: string;

  constructor(
    private readonly config: Config,
    private readonly transport: Transport,
  ) {
    this.serviceJson = JSON.stringify(config.service);
  }

  /**
   * The hub has been unreachable for HUB_DOWN_AFTER_MS: tracked calls stop copying their
   * arguments and results (spans keep their timing and are still counted) until a send succeeds.
   */
  hubDown = false;
  private failingSince: number | undefined;

  /** The last send failed (the hub did not answer, or asked to retry later). */
  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  /** A span started (admitted by isFull() just before): queue its start record. */
  started(span: SpanState): void {
    this.enqueue(span);
  }

  /**
   * A span ended. Nothing to do while its start record is still queued (it goes out ended). An end
   * whose start was sent is never dropped, or the span would stay running forever: over the
   * bounds it is queued compact (timing, status, error; no payloads). Such ends are bounded by
   * the number of spans open at once.
   */
  ended(span: SpanState): void {
    if (span.queued) {
      // The output copied at the end is waiting in the queue too.
      this.queuedBytes += span.bytes - span.accounted;
      span.accounted = span.bytes;
      return;
    }
    if (span.startSent) {
      if (this.isFull()) span.compact();
      this.enqueue(span);
    } else if (this.isFull()) this.drop('queue_full');
    else this.enqueue(span);
  }

  /** No room for a new span: the caller drops it whole (with its subtree) and counts it. */
  isFull(): boolean {
    return this.queue.length - this.head >= this.config.maxQueueSpans || this.queuedBytes >= this.config.maxQueueBytes;
  }

  get queuedSpans(): number {
    return this.queue.length - this.head;
  }

  isIdle(): boolean {
    return this.queuedSpans === 0 && this.pending === undefined && !this.sending;
  }

  totalDropped(): number {
    let total = 0;
    for (const count of Object.values(this.dropped)) total += count ?? 0;
    return total;
  }

  /**
   * Sends everything queued now. Resolves true once all of it was delivered (or given up on), false
   * if `timeoutMs` passed first. The returned promise keeps the process alive until it settles.
   */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    // Skip the linger or the backoff wait: an explicit flush tries at once.
    if (!this.sending) this.sendNow();
    return new Promise((resolve) => {
      const deadline = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = () => {
        clearTimeout(deadline);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  /** Stops accepting records; whatever is still queued is counted as dropped on shutdown. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.queuedSpans + (this.pending?.count ?? 0);
    if (left > 0) this.drop('shutdown', left);
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.pending = undefined;
    this.notifyIdle();
  }

  private enqueue(span: SpanState): void {
    if (this.closed) {
      if (span.ended) this.drop('shutdown');
      return;
    }
    span.queued = true;
    this.queue.push(span);
    span.accounted = span.bytes;
    this.queuedBytes += span.bytes;
    if (this.timer === undefined && !this.sending) this.schedule(this.config.flushIntervalMs);
  }

  drop(reason: DropReason, count = 1): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + count;
    debug(`dropped ${count} record(s): ${reason}`);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, delayMs);
    this.timer.unref();
  }

  private sendNow(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        const batch = this.pending ?? this.takeBatch();
        if (batch === undefined) break;
        this.pending = batch;
        const result = await this.transport.send(SPANS_PATH, batch.json);
        if (this.closed) return;
        if (result.ok) {
          this.pending = undefined;
          this.attempt = 0;
          this.failingSince = undefined;
          this.hubDown = false;
          this.onReply(result.body, batch.count);
          this.onDelivered?.();
          continue;
        }
        if (!result.retryable) {
          this.pending = undefined;
          this.drop('rejected', batch.count);
          if (result.status === 401) warnUser('the hub refused the token (401); set token in configure() or RUNTIME_HUB_TOKEN');
          else debug(`hub rejected a batch: ${result.error}`);
          continue;
        }
        this.attempt++;
        this.noteFailure();
        const delay = result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, 300_000) : this.backoff();
        debug(`send failed (${result.error}); retry ${this.attempt} in ${Math.round(delay)} ms`);
        this.schedule(delay);
        return;
      }
    } catch (error) {
      // Unreachable by contract (transports resolve, never reject), but never let it escape.
      debug(`exporter error: ${String(error)}`);
      if (this.timer === undefined) this.schedule(this.backoff());
    } finally {
      this.sending = false;
      if (this.isIdle()) this.notifyIdle();
    }
  }

  private noteFailure(): void {
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince >= HUB_DOWN_AFTER_MS) this.hubDown = true;
  }

  /** Exponential backoff from 100 ms up to retryMaxDelayMs, with equal jitter. */
  private backoff(): number {
    const base = Math.min(this.config.retryMaxDelayMs, 100 * 2 ** Math.min(this.attempt - 1, 20));
    return base / 2 + Math.random() * (base / 2);
  }

  private takeBatch(): Batch | undefined {
    const parts: string[] = [];
    let bytes = 0;
    while (this.head < this.queue.length && parts.length < this.config.batchSpans) {
      const span = this.queue[this.head]!;
      const json = this.serialize(span);
      if (json !== undefined && parts.length > 0 && bytes + json.length > this.config.batchBytes) break;
      this.queue[this.head] = undefined as unknown as SpanState;
      this.head++;
      this.queuedBytes -= span.accounted;
      span.queued = false;
      if (json === undefined) continue;
      parts.push(json);
      bytes += json.length + 1;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queuedSpans === 0) this.queuedBytes = 0;
    if (parts.length === 0) return undefined;
    return { json: `{"spans":[${parts.join(',')}]}`, count: parts.length };
  }

  private serialize(span: SpanState): string | undefined {
    const beforeSend = this.config.beforeSend;
    let record: WireSpan | undefined;
    let json: string;
    try {
      if (beforeSend === undefined) json = span.toJson(this.serviceJson);
      else {
        record = span.toWire();
        try {
          const changed = beforeSend(record);
          if (changed === null || changed === undefined) {
            this.drop('before_send');
            return undefined;
          }
          record = changed;
        } catch (error) {
          warnUser(`beforeSend threw (${String(error)}); the record is sent unchanged`);
        }
        json = JSON.stringify(record);
      }
    } catch (error) {
      debug(`cannot serialize span ${span.name}: ${String(error)}`);
      this.drop('unserializable');
      return undefined;
    }
    if (!span.ended) span.startWritten();
    const max = this.config.maxSpanBytes;
    if (json.length * 3 > max && Buffer.byteLength(json) > max) {
      // Keep the span (timing, status, error) and say why its payloads are missing.
      record ??= span.toWire();
      const note = `[dropped: record over ${max} bytes]`;
      if (record.input !== undefined) record.input = note;
      if (record.output !== undefined) record.output = note;
      if (record.events !== undefined) record.events = record.events.slice(0, 10);
      json = JSON.stringify(record);
      if (Buffer.byteLength(json) > max) {
        this.drop('too_large');
        return undefined;
      }
    }
    return json;
  }

  private onReply(body: string, count: number): void {
    let rejected = 0;
    try {
      const reply = JSON.parse(body) as { rejected?: { index: number; code: string; message: string }[] };
      if (Array.isArray(reply.rejected) && reply.rejected.length > 0) {
        rejected = reply.rejected.length;
        this.drop('rejected', rejected);
        debug(`hub rejected ${rejected} record(s), first: ${reply.rejected[0]?.code} ${reply.rejected[0]?.message}`);
      }
    } catch {
      // A reply we cannot read still means the batch was accepted.
    }
    this.sent += count - rejected;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
