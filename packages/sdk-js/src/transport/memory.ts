import type { WireHeartbeat, WireSpan } from '../wire.js';
import type { Transport, TransportResult } from './transport.js';

/**
 * Keeps what the SDK sends in memory, for tests of code instrumented with the SDK.
 *
 * @example
 *   const transport = new MemoryTransport();
 *   configure({ service: 'test', transport });
 *   track(add)(1, 2);
 *   await flush();
 *   transport.spans[0].name // 'add'
 */
export class MemoryTransport implements Transport {
  readonly spans: WireSpan[] = [];
  readonly heartbeats: WireHeartbeat[] = [];
  readonly requests: { path: string; json: string }[] = [];
  /** Set to make the next sends fail (e.g. { ok: false, retryable: true, error: 'down' }). */
  failWith: TransportResult | undefined = undefined;

  send(path: string, json: string): Promise<TransportResult> {
    if (this.failWith !== undefined) return Promise.resolve(this.failWith);
    this.requests.push({ path, json });
    const body = JSON.parse(json) as { spans?: WireSpan[] } & WireHeartbeat;
    if (path.endsWith('/spans')) this.spans.push(...(body.spans ?? []));
    else this.heartbeats.push(body);
    const accepted = body.spans?.length ?? 1;
    return Promise.resolve({ ok: true, status: 200, body: JSON.stringify({ accepted, rejected: [] }) });
  }

  /** The last record of each span: its merged end state when both records were sent. */
  latest(): WireSpan[] {
    const byId = new Map<string, WireSpan>();
    for (const span of this.spans) byId.set(span.spanId, { ...byId.get(span.spanId), ...span });
    return [...byId.values()];
  }
}
