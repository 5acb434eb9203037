import { randomBytes } from 'node:crypto';

const PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/** Unique ids without a random call per span: a per-process prefix and a counter. */
export const nextTraceId = () => `${PREFIX}${(++counter).toString(16).padStart(24, '0')}`;
export const nextSpanId = () => `${PREFIX.slice(0, 4)}${(++counter).toString(16).padStart(12, '0')}`;

const SERVICES = ['checkout-api', 'inventory', 'web-frontend', 'billing', 'support-agent'];
const NAMES = ['handle_request', 'load_user', 'db.query', 'price_cart', 'reserve_stock', 'charge_card', 'render', 'cache.get', 'send_mail', 'validate'];

export const STACK = `Traceback (most recent call last):
  File "/app/shop/checkout.py", line 42, in place_order
    total = price_cart(cart)
  File "/app/shop/pricing.py", line 17, in price_cart
    raise ValueError("price must not be negative")
ValueError: price must not be negative`;

/** A small trace of `size` spans (root + children), as an SDK would send it. */
export function smallTrace(size, startTime, i) {
  const traceId = nextTraceId();
  const service = SERVICES[i % SERVICES.length];
  const rootId = nextSpanId();
  const spans = [];
  const fails = i % 97 === 0;
  spans.push({ traceId, spanId: rootId, parentSpanId: null, service, name: 'handle_request', kind: 'http', startTime, endTime: startTime + 40 + (i % 50), status: fails ? 'error' : 'ok', input: { path: `/orders/${i}`, user: i % 1000 }, output: { status: fails ? 500 : 200 } });
  for (let k = 1; k < size; k++) {
    const s = startTime + k * 2;
    const span = { traceId, spanId: nextSpanId(), parentSpanId: rootId, service, name: NAMES[k % NAMES.length], kind: 'function', startTime: s, endTime: s + 1 + (k % 7), status: 'ok', input: { k, id: i }, output: { ok: true } };
    if (fails && k === 1) {
      span.status = 'error';
      span.error = { type: 'ValueError', message: 'price must not be negative', stack: STACK };
    }
    spans.push(span);
  }
  return spans;
}

/**
 * One trace of `size` spans: root → 1,000 items → the rest spread under them (depth 3),
 * yielded in batches so it never sits in memory whole.
 */
export function* bigTrace(size, startTime, batchSize) {
  const traceId = nextTraceId();
  const rootId = nextSpanId();
  const items = Math.min(1000, Math.max(1, Math.floor(size / 100)));
  const perItem = Math.floor((size - 1 - items) / items);
  let batch = [{ traceId, spanId: rootId, parentSpanId: null, service: 'batch-importer', name: 'import_catalog', kind: 'workflow', startTime, endTime: startTime + size * 0.5, status: 'ok', input: { file: 'catalog.csv' }, output: { rows: size } }];
  let emitted = 1;
  for (let it = 0; it < items; it++) {
    const itemStart = startTime + it * perItem * 0.5;
    const itemId = nextSpanId();
    batch.push({ traceId, spanId: itemId, parentSpanId: rootId, service: 'batch-importer', name: 'import_item', kind: 'function', startTime: itemStart, endTime: itemStart + perItem * 0.5, status: 'ok', input: { item: it } });
    emitted++;
    const children = it === items - 1 ? size - emitted : perItem;
    for (let c = 0; c < children; c++) {
      const s = itemStart + c * 0.5;
      batch.push({ traceId, spanId: nextSpanId(), parentSpanId: itemId, service: 'batch-importer', name: c % 3 === 0 ? 'db.insert' : c % 3 === 1 ? 'validate_row' : 'cache.set', kind: 'function', startTime: s, endTime: s + 0.4, status: 'ok', input: { row: c } });
      emitted++;
      if (batch.length >= batchSize) {
        yield { traceId, spans: batch };
        batch = [];
      }
    }
  }
  if (batch.length) yield { traceId, spans: batch };
}
