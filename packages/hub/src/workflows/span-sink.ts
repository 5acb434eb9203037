import type { SpanSink } from '@runtime-hub/engine';
import type { SpanRecordInput } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';

/**
 * Sends workflow spans through the hub's one ingest path (validate → store → live). Records of
 * one event-loop turn go together; a span started and finished within the turn is sent once,
 * finished (each record carries the whole span, so the latest one wins). `emit` answers whether
 * the records were stored, so the engine can forget that a finished run owes its spans.
 */
export class IngestSpanSink implements SpanSink {
  private buffer = new Map<string, SpanRecordInput>();
  /** The flush the records emitted in this turn will go out with. */
  private next: Promise<boolean> | undefined;
  private inFlight: Promise<boolean> = Promise.resolve(true);

  constructor(private readonly ctx: Pick<HubContext, 'ingest' | 'log'>) {}

  emit(records: SpanRecordInput[]): Promise<boolean> {
    for (const record of records) this.buffer.set(String(record.spanId), record);
    this.next ??= new Promise<boolean>((resolve) => {
      setImmediate(() => {
        this.next = undefined;
        this.inFlight = this.inFlight.then(() => this.flush());
        void this.inFlight.then(resolve);
      });
    });
    return this.next;
  }

  /** True once stored; records the store refused for good (logged) count as delivered. */
  private async flush(): Promise<boolean> {
    if (this.buffer.size === 0) return true;
    const records = [...this.buffer.values()];
    this.buffer = new Map();
    try {
      const result = await this.ctx.ingest(records);
      if (result.rejected.length > 0) {
        this.ctx.log.warn({ rejected: result.rejected.slice(0, 5).map((r) => ({ code: r.code, message: r.message.slice(0, 200) })) }, 'workflow spans rejected by ingest');
      }
      return true;
    } catch (error) {
      this.ctx.log.warn({ error: (error as Error).message }, 'workflow spans could not be stored; they are sent again on the next start');
      return false;
    }
  }

  /** Sends what is buffered and waits for it. */
  async drain(): Promise<void> {
    this.inFlight = this.inFlight.then(() => this.flush());
    await this.inFlight;
  }
}
