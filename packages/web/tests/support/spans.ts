import { randomBytes } from 'node:crypto';

/** A span record as an SDK sends it (see packages/protocol/src/span.ts). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string | null;
  service: string;
  name: string;
  kind?: string;
  startTime: number;
  endTime?: number | null;
  status?: 'unset' | 'ok' | 'error';
  sessionId?: string | null;
  input?: unknown;
  output?: unknown;
  error?: { type: string; message: string; stack?: string; frames?: { file: string; line?: number; function: string; inApp?: boolean }[] } | null;
  attributes?: Record<string, unknown>;
  events?: { name: string; time: number; attributes?: Record<string, unknown> }[];
}

export const traceId = () => randomBytes(16).toString('hex');
export const spanId = () => randomBytes(8).toString('hex');

/** A test program's connection to the hub: sends span records like an SDK does. */
export class Sender {
  constructor(private readonly url: string) {}

  async send(spans: SpanRecord[]): Promise<void> {
    const response = await fetch(`${this.url}/api/v1/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spans }),
    });
    const body = (await response.json()) as { accepted: number; rejected: unknown[] };
    if (!response.ok || body.rejected.length > 0) throw new Error(`hub rejected spans: ${response.status} ${JSON.stringify(body)}`);
  }

  async heartbeat(service: string, language = 'python', dropped: Record<string, number> = {}): Promise<void> {
    await fetch(`${this.url}/api/v1/apps/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service, instanceId: `${service}-1`, pid: 4242, host: 'devbox', language, runtimeVersion: '3.12.4', sdk: { name: 'runtime_hub', version: '0.1.0' }, dropped }),
    });
  }
}

/** Completed call: start and end in one record. */
export function call(fields: Partial<SpanRecord> & Pick<SpanRecord, 'traceId' | 'service' | 'name'>, startTime: number, durationMs: number): SpanRecord {
  return { spanId: spanId(), kind: 'function', status: 'ok', parentSpanId: null, startTime, endTime: startTime + durationMs, ...fields };
}

export const PYTHON_STACK = `Traceback (most recent call last):
  File "/usr/lib/python3.12/asyncio/runners.py", line 118, in run
    return self._loop.run_until_complete(task)
  File "/app/shop/checkout.py", line 42, in place_order
    total = price_cart(cart)
  File "/app/shop/pricing.py", line 17, in price_cart
    return sum(item["price"] * item["qty"] for item in cart["items"])
  File "/app/.venv/lib/python3.12/site-packages/decimal_utils/core.py", line 88, in multiply
    raise ValueError("price must not be negative")
ValueError: price must not be negative`;

export const PYTHON_FRAMES = [
  { file: '/usr/lib/python3.12/asyncio/runners.py', line: 118, function: 'run', inApp: false },
  { file: '/app/shop/checkout.py', line: 42, function: 'place_order', inApp: true },
  { file: '/app/shop/pricing.py', line: 17, function: 'price_cart', inApp: true },
  { file: '/app/.venv/lib/python3.12/site-packages/decimal_utils/core.py', line: 88, function: 'multiply', inApp: false },
];
