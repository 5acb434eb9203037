import type { SpanSink } from '@runtime-hub/engine';
import type { SpanRecordInput } from '@runtime-hub/protocol';
import type { HubContext } from '../context.js';

/**
 * Sends workflow spans through the hub's one ingest path (validate → store → live). Records of
 * one event-loop turn go together; a span started and finished within the turn is sent once,
 * finished (each record carries the whole span, so the latest one wins).
 */
export class IngestSpanSink implements SpanSink {
  private buffer = new Map<string, SpanRecordInput>();
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: Pick<HubContext, 'ingest' | 'log'>) {}

  emit(records: SpanRecordInput[]): void {
    for (const record of records) this.buffer.set(String(record.spanId), record);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.inFlight = this.inFlight.then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.buffer.size === 0) return;
    const records = [...this.buffer.values()];
    this.buffer = new Map();
    try {
      const result = await this.ctx.ingest(records);
      if (result.rejected.length > 0) {
        this.ctx.log.warn({ rejected: result.rejected.slice(0, 5).map((r) => ({ code: r.code, message: r.message.slice(0, 200) })) }, 'workflow spans rejected by ingest');
      }
    } catch (error) {
      this.ctx.log.warn({ error: (error as Error).message }, 'workflow spans could not be stored');
    }
  }

  /** Sends what is buffered and waits for it. */
  async drain(): Promise<void> {
    this.inFlight = this.inFlight.then(() => this.flush());
    await this.inFlight;
  }
}
